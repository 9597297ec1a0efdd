package dev.egd.cli;

import dev.egd.data.ModularArithmetic;
import dev.egd.data.SparseParity;
import dev.egd.data.Split;
import dev.egd.linalg.ExactEgd;
import dev.egd.nn.CrossEntropy;
import dev.egd.nn.Hinge;
import dev.egd.nn.Loss;
import dev.egd.nn.Mlp;
import dev.egd.nn.Model;
import dev.egd.nn.SquaredError;
import dev.egd.nn.Transformer;
import dev.egd.optim.AdamOptions;
import dev.egd.optim.EgdOptions;
import dev.egd.optim.GradientTransform;
import dev.egd.optim.ParamSelector;
import dev.egd.optim.RandomizedEgdOptions;
import dev.egd.optim.Transforms;
import dev.egd.train.SpectrumLogger;
import dev.egd.train.TrainSettings;
import dev.egd.train.Trainer;
import dev.egd.util.Rng;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One fully assembled run: data, model, loss, transform chain and loop settings, validated as a
 * whole before anything is written.
 */
final class Experiment {
  /** Single methods; a method may also combine several with '+', applied in the order given. */
  static final List<String> METHODS = List.of("vanilla", "egd", "egd-rsvd", "colnorm", "grokfast-ema", "grokfast-ma");
  static final long STREAM_INIT = 0x1A17L;

  final String method;
  final RunOptions options;
  final Split split;
  final Model model;
  final Loss loss;
  final GradientTransform transform;
  final TrainSettings settings;
  /** Null unless --log-spectrum; attached to the transform chain. */
  final SpectrumLogger spectrum;

  private Experiment(String method, RunOptions o, Split split, Model model, Loss loss, GradientTransform transform, TrainSettings settings,
      SpectrumLogger spectrum) {
    this.method = method;
    this.options = o;
    this.split = split;
    this.model = model;
    this.loss = loss;
    this.transform = transform;
    this.settings = settings;
    this.spectrum = spectrum;
  }

  /** Builds and validates; every problem becomes a BadInput naming the flag. */
  static Experiment build(RunOptions raw, String method) {
    RunOptions o = raw.copy().resolve(method);
    try {
      if (o.width < 1) throw new BadInput("--width must be >= 1: " + o.width);
      if (o.lr <= 0 || !Double.isFinite(o.lr)) throw new BadInput("--lr must be > 0: " + o.lr);
      boolean sgd = o.optimizer.equals("sgd");
      // SGD: weight decay is the paper's L2 term in the loss (weights only); Adam/AdamW: the optimizer's own.
      TrainSettings settings = new TrainSettings(o.epochs, o.batch, o.target, o.stopAfter, o.threads(), o.seed,
          o.dropLast, TrainSettings.TrainMetrics.valueOf(o.trainMetrics.toUpperCase(java.util.Locale.ROOT)), o.evalEvery);
      if (!sgd && !(o.wd >= 0)) throw new BadInput("--wd must be >= 0: " + o.wd);
      Split split;
      Model mlp;
      Loss loss;
      Rng init = new Rng(o.seed, STREAM_INIT);
      if (o.model.equals("transformer")) {
        ModularArithmetic.Op op = ModularArithmetic.Op.parse(o.op);
        split = ModularArithmetic.sequences(op, o.p, o.trainFraction, o.splitSeed);
        Transformer tf = new Transformer(o.p + 2, 4, o.width, o.heads, o.depth);
        tf.initTorchDefault(init);
        mlp = tf;
        loss = new CrossEntropy();
      } else if (o.task.equals("mnist")) {
        try {
          split = dev.egd.data.Mnist.load(o.data, o.trainPoints);
        } catch (java.io.IOException e) {
          throw new BadInput("--data " + o.data + ": " + e.getMessage());
        }
        int[] sizes = new int[o.depth + 2];
        sizes[0] = 784;
        for (int i = 1; i <= o.depth; i++) sizes[i] = o.width;
        sizes[o.depth + 1] = 10;
        Mlp m = new Mlp(sizes, true, true, activation(o));
        m.initUniformFanIn(init, o.initScale);
        mlp = m;
        loss = o.loss.equals("mse") ? new dev.egd.nn.MseOneHot() : new CrossEntropy();
      } else if (o.task.equals("modular")) {
        if (!o.loss.equals("cross-entropy")) throw new BadInput("--loss for the modular task must be cross-entropy: " + o.loss);
        ModularArithmetic.Op op = ModularArithmetic.Op.parse(o.op);
        split = ModularArithmetic.split(op, o.p, o.trainFraction, o.splitSeed);
        Mlp m = new Mlp(new int[] {2 * o.p, o.width, o.p}, true, false, activation(o));
        m.initHeNormal(init, 0);
        mlp = m;
        loss = new CrossEntropy();
      } else {
        if (!o.secret.equals("first") && !o.secret.equals("random"))
          throw new BadInput("--secret must be first or random: " + o.secret);
        switch (o.loss) {
          case "squared": loss = new SquaredError(); break;
          case "hinge": loss = new Hinge(); break;
          default: throw new BadInput("--loss for the parity task must be squared or hinge: " + o.loss);
        }
        split = SparseParity.split(o.n, o.k, o.trainSize, o.testSize, o.secret.equals("random"), o.splitSeed);
        Mlp m = new Mlp(new int[] {o.n, o.width, 1}, true, false, activation(o));
        m.initHeNormal(init, Math.sqrt(2.0 / o.n));
        mlp = m;
      }
      if (o.batch > split.train().size)
        throw new BadInput("--batch must be in [1, " + split.train().size + "] (the training set size): " + o.batch);
      SpectrumLogger spectrum = null;
      if (o.logSpectrum) {
        String spec = o.spectrumLayers == null ? o.egdLayers : o.spectrumLayers;
        ParamSelector layers = ParamSelector.parse(spec, o.spectrumLayers == null ? "egd_layers" : "spectrum_layers");
        layers.select(mlp.params());
        spectrum = new SpectrumLogger(layers, o.spectrumEvery, Trainer.stepsPerEpoch(split.train().size, o.batch, o.dropLast));
      }
      GradientTransform chain = buildChain(o, method, spectrum);
      // Selections and ranks are checked against the real shapes now, before any file is written.
      chain.init(mlp.params(), o.seed);
      return new Experiment(method, o, split, mlp, loss, chain, settings, spectrum);
    } catch (dev.egd.ValidationException e) {
      throw BadInput.of(e);
    } catch (IllegalArgumentException e) {
      throw new BadInput(e.getMessage());
    }
  }

  /** Parses "egd", "egd+grokfast-ema" etc. into transforms before plain SGD. */
  private static Mlp.Activation activation(RunOptions o) {
    return Mlp.Activation.parse(o.activation);
  }

  /**
   * The transform chain of a method: L2 weight decay for SGD (the papers' 0.5 * wd * ||W||^2 in the
   * loss, so EGD sees the regularised gradient), the method's transforms (observed by the spectrum
   * logger when there is one), the optimizer last.
   */
  static GradientTransform buildChain(RunOptions o, String method, SpectrumLogger spectrum) {
    List<GradientTransform> links = new ArrayList<>();
    String[] parts = method.trim().split("\\+");
    if (parts.length > 1 && List.of(parts).contains("vanilla"))
      throw new BadInput("--method: 'vanilla' means no transform and cannot be combined: '" + method + "'");
    ParamSelector sel = ParamSelector.parse(o.egdLayers);
    for (String part : parts) {
      GradientTransform t;
      boolean switchable = true;
      switch (part.trim()) {
        case "vanilla":
          continue;
        case "egd":
          t = Transforms.egd(sel, new EgdOptions(o.egdRoute, o.egdFloor, o.egdRcond == null ? -1 : o.egdRcond));
          break;
        case "egd-rsvd":
          t = Transforms.egdRandomized(sel, new RandomizedEgdOptions(o.rank == null ? RandomizedEgdOptions.DEFAULT_RANK : o.rank,
              o.rank == null, o.powerIters, o.oversample, o.rsvdResidual));
          break;
        case "colnorm":
          t = Transforms.colnorm(sel, o.colnormMin);
          break;
        case "grokfast-ema":
          t = Transforms.grokfastEma(o.emaAlpha, o.emaLambda);
          switchable = false;
          break;
        case "grokfast-ma":
          t = Transforms.grokfastMa(o.maWindow, o.maLambda);
          switchable = false;
          break;
        default:
          throw new BadInput("--method: unknown method '" + part + "'" + (parts.length > 1 ? " in '" + method + "'" : "")
              + "; valid: " + String.join(", ", METHODS) + ", or several joined with +");
      }
      if (switchable) {
        if (!(o.switchOff > 0 && o.switchOff <= 1)) throw new BadInput("--switch-off must be in (0, 1]: " + o.switchOff);
        if (o.switchOff < 1) t = Transforms.switchOff(t, o.switchOff, o.switchOffMode);
      }
      links.add(t);
    }
    GradientTransform methodLinks = Transforms.chain(links);
    if (spectrum != null) methodLinks = Transforms.observed(methodLinks, spectrum);
    List<GradientTransform> all = new ArrayList<>();
    boolean sgd = o.optimizer.equals("sgd");
    if (sgd && o.wd != 0) all.add(Transforms.addDecayedWeights(o.wd));
    if (!links.isEmpty() || spectrum != null) all.add(methodLinks);
    AdamOptions adam = new AdamOptions(o.beta1, o.beta2, o.eps, o.wd, o.warmup);
    switch (o.optimizer) {
      case "adam": all.add(Transforms.adam(o.lr, adam)); break;
      case "adamw": all.add(Transforms.adamw(o.lr, o.wd, adam)); break;
      default:
        if (o.warmup != 0) throw new BadInput("--warmup is for adam and adamw; sgd runs at a constant --lr");
        all.add(Transforms.sgd(o.lr));
    }
    return Transforms.chain(all);
  }

  Trainer trainer() {
    return new Trainer(model, loss, split, transform, settings);
  }

  /** The resolved flags: what a checkpoint must agree with to be resumed. */
  Map<String, Object> flags() {
    return options.toMap(method);
  }

  /**
   * Runs trainer (made by {@link #trainer()}) into dir: fresh, or continued from dir's checkpoint when
   * resume is set (after checking it was made with the same flags). Checkpoints every
   * --checkpoint-every evaluations and whenever stopped early; removes the checkpoint once the run has
   * ended any other way, so a directory with a summary.json and no checkpoint.bin is complete.
   */
  dev.egd.train.RunResult runIn(java.nio.file.Path dir, Trainer trainer, dev.egd.train.TrainListener display, boolean resume)
      throws java.io.IOException {
    return runIn(dir, trainer, display, resume, rec -> {});
  }

  /** As above; afterwards hands the run's recorder (with its spectrum records) to done. */
  dev.egd.train.RunResult runIn(java.nio.file.Path dir, Trainer trainer, dev.egd.train.TrainListener display, boolean resume,
      java.util.function.Consumer<RunRecorder> done) throws java.io.IOException {
    if (resume) trainer.resumeFrom(CheckpointFile.read(dir, flags(), "--resume"));
    if (options.checkpointEvery < 0) throw new BadInput("--checkpoint-every must be >= 0: " + options.checkpointEvery);
    CheckpointFile checkpoints = new CheckpointFile(dir, options.checkpointEvery, flags());
    dev.egd.train.RunResult r;
    try (RunRecorder rec = new RunRecorder(dir, this, display, resume)) {
      r = trainer.run(rec, checkpoints);
      done.accept(rec);
    }
    if (!r.status().equals("interrupted")) CheckpointFile.delete(dir);
    return r;
  }

  Map<String, Object> config() {
    Map<String, Object> m = options.toMap(method);
    m.put("model", model.describe());
    m.put("loss", loss.id());
    m.put("transform", transform.describe());
    m.put("data", split.description());
    return m;
  }
}
