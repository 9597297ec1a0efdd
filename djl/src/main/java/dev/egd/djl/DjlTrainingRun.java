package dev.egd.djl;

import ai.djl.Model;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import dev.egd.ValidationException;
import dev.egd.data.Dataset;
import dev.egd.data.Mnist;
import dev.egd.data.Split;
import dev.egd.experiment.Methods;
import dev.egd.experiment.RunConfig;
import dev.egd.experiment.TrainingRun;
import dev.egd.linalg.ExactEgd;
import dev.egd.linalg.RandomizedEgd;
import dev.egd.nn.Batch;
import dev.egd.nn.CrossEntropy;
import dev.egd.nn.LossStats;
import dev.egd.nn.Mlp;
import dev.egd.nn.MseOneHot;
import dev.egd.optim.EgdOptions;
import dev.egd.optim.RandomizedEgdOptions;
import dev.egd.optim.SwitchOffMode;
import dev.egd.train.Checkpoints;
import dev.egd.train.RunResult;
import dev.egd.train.TrainListener;
import dev.egd.train.TrainSettings;
import dev.egd.train.TrainingLoop;
import dev.egd.util.Rng;
import dev.egd.util.State;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One run of {@link DjlEngine}: the MNIST MLP or CNN in DJL, trained by {@link EgdOptimizer} around
 * DJL's Adam/AdamW/SGD on egd's own schedule, {@link TrainingLoop}: the same shuffle stream and order
 * of batches as egd's engine (so the MLP sees the batches egd's engine does for the seed), the same
 * evaluations, milestones, stop rules, divergence and blow-up rules, and checkpoints that resume bit
 * for bit. This class supplies the steps: DJL's forward and backward, the optimizer's update, and
 * egd's losses to measure.
 */
final class DjlTrainingRun implements TrainingRun {
  /** egd's initialisation stream (Experiments'), so a seed means the same weights on both engines (the shuffle is TrainingLoop's). */
  static final long STREAM_INIT = 0x1A17L;
  /** Rows evaluated at a time. */
  static final int EVAL_BLOCK = 1000;
  /** The engine's part of a checkpoint (after the loop's position and records). */
  static final String STATE = "egd-djl-run-state";
  static final int VERSION = 2;

  private final RunConfig config;
  private final TrainSettings settings;
  private final Map<String, Object> record;
  private final Split split;
  private final boolean cnn;
  private final String modelDescription, transformDescription;
  private final Model model;
  private final Block block;
  private final Trainer trainer;
  private final EgdOptimizer optimizer;
  private final Loss djlLoss;
  private final dev.egd.nn.Loss egdLoss;
  private final List<Parameter> params = new ArrayList<>();
  private final List<String> paramNames = new ArrayList<>();
  private final int threads;
  private volatile boolean stopRequested;
  private byte[] resumeFrom;
  private boolean used;

  private DjlTrainingRun(RunConfig c, TrainSettings settings, Split split, Model model, Block block, Trainer trainer, EgdOptimizer optimizer,
      Loss djlLoss, dev.egd.nn.Loss egdLoss, String modelDescription) {
    this.config = c;
    this.settings = settings;
    this.split = split;
    this.cnn = c.get(RunConfig.MODEL).equals("cnn");
    this.model = model;
    this.block = block;
    this.trainer = trainer;
    this.optimizer = optimizer;
    this.djlLoss = djlLoss;
    this.egdLoss = egdLoss;
    this.modelDescription = modelDescription;
    this.transformDescription = optimizer.describe();
    this.threads = c.get(RunConfig.THREADS);
    this.record = record(c);
    for (Pair<String, Parameter> p : block.getParameters()) {
      paramNames.add(p.getKey());
      params.add(p.getValue());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // building

  /** Builds a resolved configuration's run (the engine has checked which settings apply). */
  static DjlTrainingRun build(RunConfig c) {
    int trainPoints = c.get(RunConfig.TRAIN_POINTS), batch = c.get(RunConfig.BATCH), threads = c.get(RunConfig.THREADS);
    boolean cnn = c.get(RunConfig.MODEL).equals("cnn");
    double lr = c.get(RunConfig.LR), wd = c.get(RunConfig.WD), initScale = c.get(RunConfig.INIT_SCALE);
    dev.egd.Check.positive("lr", lr);
    dev.egd.Check.nonNegative("wd", wd);
    dev.egd.Check.positive("init_scale", initScale);
    dev.egd.Check.atLeast("checkpoint_every", c.get(RunConfig.CHECKPOINT_EVERY), 0);
    String loss = c.get(RunConfig.LOSS), activation = c.get(RunConfig.ACTIVATION), optimizer = c.get(RunConfig.OPTIMIZER);
    if (!loss.equals("mse") && !loss.equals("cross-entropy")) throw new ValidationException("loss", "for the mnist task must be mse or cross-entropy", loss);
    MnistModels.activation(activation);
    int width = c.get(RunConfig.WIDTH), depth = c.get(RunConfig.DEPTH);
    if (!cnn) {
      dev.egd.Check.atLeast("width", width, 1);
      if (depth < 1) throw new ValidationException("depth", "must be >= 1 hidden layer", depth);
    }
    TrainSettings settings = new TrainSettings(c.get(RunConfig.EPOCHS), batch, c.get(RunConfig.TARGET), c.get(RunConfig.STOP_AFTER), threads,
        c.get(RunConfig.SEED), c.get(RunConfig.DROP_LAST), TrainSettings.TrainMetrics.valueOf(c.get(RunConfig.TRAIN_METRICS).toUpperCase(Locale.ROOT)),
        c.get(RunConfig.EVAL_EVERY));
    checkMemory(c, cnn);
    Split split;
    try {
      String data = c.get(RunConfig.DATA);
      split = Mnist.load(data == null ? null : Path.of(data), trainPoints);
    } catch (IOException e) {
      throw ValidationException.of("data", c.get(RunConfig.DATA) + " cannot be read: " + e.getMessage());
    }
    if (batch > split.train().size)
      throw new ValidationException("batch", "must be in [1, " + split.train().size + "] (the training set size)", batch);

    Torch.configure(threads);
    Block block = cnn ? MnistModels.lenet(activation) : MnistModels.mlp(784, width, depth, 10, activation);
    Model model;
    try {
      model = Model.newInstance("egd-" + c.get(RunConfig.METHOD));
    } catch (EngineException | IllegalArgumentException e) {
      throw Torch.missing(e);
    }
    Trainer trainer = null;
    EgdOptimizer opt = null;
    try {
      model.setBlock(block);
      opt = optimizer(c, block, djlOptimizer(c, optimizer, lr, wd), cnn);
      Loss djlLoss = loss.equals("mse") ? MnistModels.mse() : Loss.softmaxCrossEntropyLoss("CrossEntropy", 1f, -1, false, true);
      trainer = model.newTrainer(new DefaultTrainingConfig(djlLoss).optOptimizer(opt));
      trainer.initialize(cnn ? new Shape(1, 1, 28, 28) : new Shape(1, 784));
      String description;
      if (cnn) {
        MnistModels.initFanInUniform(block, initScale, new Rng(c.get(RunConfig.SEED), STREAM_INIT));
        description = "djl " + MnistModels.LENET + " " + activation;
      } else {
        // egd's own MLP, initialised as egd's engine does it, copied over: both engines start from the same weights
        int[] sizes = new int[depth + 2];
        sizes[0] = 784;
        for (int i = 1; i <= depth; i++) sizes[i] = width;
        sizes[depth + 1] = 10;
        Mlp egd = new Mlp(sizes, true, true, Mlp.Activation.parse(activation));
        egd.initUniformFanIn(new Rng(c.get(RunConfig.SEED), STREAM_INIT), initScale);
        MnistModels.copyFrom(egd, block);
        description = "djl " + egd.describe();
      }
      opt.initialize(); // selections, ranks and shapes checked now, before anything is written
      return new DjlTrainingRun(c, settings, split, model, block, trainer, opt, djlLoss, loss.equals("mse") ? new MseOneHot() : new CrossEntropy(),
          description);
    } catch (RuntimeException e) {
      if (trainer != null) trainer.close();
      model.close();
      if (opt != null) opt.close();
      throw e;
    }
  }

  static Optimizer djlOptimizer(RunConfig c, String name, double lr, double wd) {
    Tracker rate = Tracker.fixed((float) lr);
    switch (name) {
      case "sgd":
        return Optimizer.sgd().setLearningRateTracker(rate).build();
      case "adam":
        return Optimizer.adam().optLearningRateTracker(rate).optBeta1(c.get(RunConfig.BETA1).floatValue()).optBeta2(c.get(RunConfig.BETA2).floatValue())
            .optEpsilon(c.get(RunConfig.EPS).floatValue()).optWeightDecays((float) wd).build();
      default:
        return Optimizer.adamW().optLearningRateTracker(rate).optBeta1(c.get(RunConfig.BETA1).floatValue()).optBeta2(c.get(RunConfig.BETA2).floatValue())
            .optEpsilon(c.get(RunConfig.EPS).floatValue()).optWeightDecays((float) wd).build();
    }
  }

  /** The method's transforms in the order written, on the egd_layers matrices (by DJL's names), around the optimizer. */
  static EgdOptimizer optimizer(RunConfig c, Block block, Optimizer inner, boolean cnn) {
    String layers = c.get(RunConfig.EGD_LAYERS);
    String regex = layers.equals("all") ? MnistModels.WEIGHTS : layers.equals("first") ? (cnn ? "01Conv2d_weight" : "01Linear_weight") : layers;
    // threads: PyTorch's intra-op threads, and the transforms of the matrices at once on as many (bit for bit the sequential result)
    EgdOptimizer.Builder b = EgdOptimizer.builder(inner, block).seed(c.get(RunConfig.SEED)).parallel(c.get(RunConfig.THREADS));
    boolean switchable = false;
    for (Methods.Method m : Methods.parse(c.get(RunConfig.METHOD))) {
      switch (m.name()) {
        case "egd":
          b.egd(regex, new EgdOptions(ExactEgd.Route.valueOf(c.get(RunConfig.EGD_ROUTE).toUpperCase(Locale.ROOT)), c.get(RunConfig.EGD_FLOOR).floatValue(),
              c.get(RunConfig.EGD_RCOND, -1.0)));
          switchable = true;
          break;
        case "egd-rsvd":
          b.egdRandomized(regex, new RandomizedEgdOptions(c.get(RunConfig.RANK, RandomizedEgdOptions.DEFAULT_RANK), false, c.get(RunConfig.POWER_ITERS),
              c.get(RunConfig.OVERSAMPLE), RandomizedEgd.Residual.valueOf(c.get(RunConfig.RSVD_RESIDUAL).toUpperCase(Locale.ROOT))));
          switchable = true;
          break;
        case "grokfast-ema":
          b.grokfastEma(c.get(RunConfig.EMA_ALPHA), c.get(RunConfig.EMA_LAMBDA));
          break;
        case "grokfast-ma":
          b.grokfastMa(c.get(RunConfig.MA_WINDOW), c.get(RunConfig.MA_LAMBDA));
          break;
        case "vanilla":
          break;
        default:
          throw new ValidationException("method", "has " + m.name() + ", which {engine} djl does not offer", c.get(RunConfig.METHOD));
      }
    }
    double off = dev.egd.Check.fraction("switch_off", c.get(RunConfig.SWITCH_OFF));
    if (switchable && off < 1) b.switchOff(off, SwitchOffMode.valueOf(c.get(RunConfig.SWITCH_OFF_MODE).toUpperCase(Locale.ROOT)));
    return b.build();
  }

  /** The fraction of the JVM's heap a run may plan to use (as egd's engine). */
  static final double MEMORY_SHARE = 0.8;

  /**
   * Refuses a run whose heap estimate exceeds what this JVM may use (the data, the transforms' copies
   * of the gradients and their workspaces; DJL's own arrays live outside the heap), naming the setting.
   */
  static void checkMemory(RunConfig c, boolean cnn) {
    double w = c.get(RunConfig.WIDTH), depth = Math.max(1, c.get(RunConfig.DEPTH));
    double params = cnn ? 44_426 : 784 * w + w + (depth - 1) * (w * w + w) + 10 * w + 10;
    double data = 4.0 * 70_000 * 785 * 2, state = 4 * params * 4;
    double limit = Runtime.getRuntime().maxMemory() * MEMORY_SHARE;
    if (!(data + state <= limit))
      throw new ValidationException("width", String.format(Locale.ROOT, "makes the run need an estimated %.3g GiB of memory, more than this JVM may use "
          + "(%.3g GiB); lower it, or raise the JVM's limit (EGD_JAVA_OPTS=-Xmx...)", (data + state) / (1L << 30), limit / (1L << 30)), c.get(RunConfig.WIDTH));
  }

  // ---------------------------------------------------------------------------------------------
  // TrainingRun

  @Override public RunConfig config() { return config; }

  @Override public String label() { return "mnist-" + config.get(RunConfig.TRAIN_POINTS) + "-djl-" + config.get(RunConfig.MODEL); }

  @Override public TrainSettings settings() { return settings; }

  @Override public Map<String, Object> settingsRecord() { return new LinkedHashMap<>(record); }

  @Override public Map<String, Object> description() {
    Map<String, Object> m = settingsRecord();
    m.put("model", modelDescription);
    m.put("loss", egdLoss.id());
    m.put("transform", transformDescription);
    m.put("data", split.description());
    m.put("djl", Torch.versions());
    return m;
  }

  @Override public String dataDescription() { return split.description(); }

  @Override public void resumeFrom(byte[] checkpoint) { this.resumeFrom = checkpoint.clone(); }

  @Override public void requestStop() {
    stopRequested = true;
    TrainingLoop l = loop;
    if (l != null) l.requestStop();
  }

  /** The settings that decide the results, in the order egd's engine records them (the CNN's fixed sizes left out). */
  static Map<String, Object> record(RunConfig c) {
    boolean cnn = c.get(RunConfig.MODEL).equals("cnn");
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("task", c.get(RunConfig.TASK));
    m.put("model", c.get(RunConfig.MODEL));
    m.put("engine", "djl");
    m.put("data", c.get(RunConfig.DATA) == null ? "bundled mnist-10k" : c.get(RunConfig.DATA));
    m.put("train_points", c.get(RunConfig.TRAIN_POINTS));
    if (!cnn) m.put("hidden_layers", c.get(RunConfig.DEPTH));
    m.put("init_scale", c.get(RunConfig.INIT_SCALE));
    m.put("loss", c.get(RunConfig.LOSS));
    m.put("split_seed", c.get(RunConfig.SPLIT_SEED));
    m.put("method", c.get(RunConfig.METHOD));
    m.put("seed", c.get(RunConfig.SEED));
    if (!cnn) m.put("width", c.get(RunConfig.WIDTH));
    m.put("activation", c.get(RunConfig.ACTIVATION));
    m.put("optimizer", c.get(RunConfig.OPTIMIZER));
    m.put("lr", c.get(RunConfig.LR));
    m.put("wd", c.get(RunConfig.WD));
    if (!c.get(RunConfig.OPTIMIZER).equals("sgd")) {
      m.put("beta1", c.get(RunConfig.BETA1));
      m.put("beta2", c.get(RunConfig.BETA2));
      m.put("eps", c.get(RunConfig.EPS));
    }
    for (var s : List.of(RunConfig.WARMUP, RunConfig.TRAIN_METRICS, RunConfig.DROP_LAST, RunConfig.EVAL_EVERY, RunConfig.BATCH, RunConfig.EPOCHS,
        RunConfig.TARGET, RunConfig.STOP_AFTER, RunConfig.EGD_LAYERS, RunConfig.EGD_ROUTE, RunConfig.EGD_FLOOR, RunConfig.EGD_RCOND, RunConfig.RANK,
        RunConfig.POWER_ITERS, RunConfig.OVERSAMPLE, RunConfig.RSVD_RESIDUAL, RunConfig.COLNORM_MIN, RunConfig.SWITCH_OFF, RunConfig.SWITCH_OFF_MODE,
        RunConfig.EMA_ALPHA, RunConfig.EMA_LAMBDA, RunConfig.MA_WINDOW, RunConfig.MA_LAMBDA)) {
      m.put(s.name(), c.get(s));
    }
    m.put("threads", c.get(RunConfig.THREADS));
    return m;
  }

  // ---------------------------------------------------------------------------------------------
  // the steps, on egd's schedule (dev.egd.train.TrainingLoop)

  private Batch batch, evalBatch;
  private int[] identity;
  private float[] oneHot;
  private volatile TrainingLoop loop;

  @Override public RunResult run(TrainListener listener, Checkpoints checkpoints) {
    synchronized (this) {
      if (used) throw new IllegalStateException("a run is used once");
      used = true;
    }
    try {
      long t0 = System.nanoTime();
      Torch.threads(threads);
      Dataset train = split.train(), test = split.test();
      batch = train.newBatch(settings.batch());
      evalBatch = train.newBatch(EVAL_BLOCK);
      identity = new int[Math.max(train.size, test.size)];
      for (int i = 0; i < identity.length; i++) identity[i] = i;
      oneHot = new float[settings.batch() * 10];
      TrainingLoop l = new TrainingLoop(settings, split, new Steps());
      loop = l;
      if (stopRequested) l.requestStop();
      return l.run(listener, checkpoints, resumeFrom, t0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      trainer.close();
      model.close();
      optimizer.close();
    }
  }

  /** DJL's forward and backward, EgdOptimizer and the wrapped optimizer's update; egd's losses measure. */
  private final class Steps implements TrainingLoop.Steps {
    /** One optimizer step on the examples order[from .. from + rows): forward, loss, backward, EgdOptimizer and the inner update. */
    @Override public double step(long index, int[] order, int from, int rows, LossStats running, long[] phaseNanos) {
      long c0 = System.nanoTime();
      split.train().gather(order, from, rows, batch);
      LossStats st = new LossStats();
      try (NDManager m = model.getNDManager().newSubManager()) {
        NDArray x = inputs(m, batch);
        java.util.Arrays.fill(oneHot, 0, rows * 10, 0f);
        for (int r = 0; r < rows; r++) oneHot[r * 10 + batch.labels[r]] = 1f;
        NDArray y = m.create(FloatBuffer.wrap(oneHot, 0, rows * 10), new Shape(rows, 10));
        float[] out;
        try (GradientCollector gc = trainer.newGradientCollector()) {
          NDArray pred = trainer.forward(new NDList(x)).singletonOrThrow();
          NDArray l = djlLoss.evaluate(new NDList(y), new NDList(pred));
          out = pred.toFloatArray();
          gc.backward(l);
        }
        egdLoss.evaluate(out, 10, batch, null, 0f, st);
        if (!Double.isFinite(st.lossSum)) return st.lossSum;
        long c1 = System.nanoTime(), tr = optimizer.transformNanos();
        trainer.step();
        long c2 = System.nanoTime(), transform = optimizer.transformNanos() - tr;
        phaseNanos[0] += c1 - c0;
        phaseNanos[1] += transform;
        phaseNanos[2] += c2 - c1 - transform;
      }
      running.add(st);
      return st.lossSum;
    }

    /** Loss and accuracy of the model on all of d, as egd's losses define them, in blocks of {@link #EVAL_BLOCK} rows. */
    @Override public LossStats evaluate(Dataset d) {
      LossStats st = new LossStats();
      for (int off = 0; off < d.size; off += EVAL_BLOCK) {
        int n = Math.min(EVAL_BLOCK, d.size - off);
        d.gather(identity, off, n, evalBatch);
        try (NDManager m = model.getNDManager().newSubManager()) {
          float[] out = trainer.evaluate(new NDList(inputs(m, evalBatch))).singletonOrThrow().toFloatArray();
          egdLoss.evaluate(out, 10, evalBatch, null, 0f, st);
        }
      }
      return st;
    }

    /** The Euclidean norm of the weights (not the biases), as egd's engine measures it. */
    @Override public double weightNorm() {
      double acc = 0;
      for (Parameter p : params) {
        if (p.getType() != Parameter.Type.WEIGHT) continue;
        for (float v : p.getArray().toFloatArray()) acc += (double) v * v;
      }
      return Math.sqrt(acc);
    }

    @Override public boolean parametersFinite() {
      for (Parameter p : params) for (float v : p.getArray().toFloatArray()) if (!Float.isFinite(v)) return false;
      return true;
    }

    @Override public boolean reportTestAccuracy(double testAccuracy, long epoch) { return optimizer.reportTestAccuracy(testAccuracy, epoch); }

    @Override public Map<String, Object> stats() { return optimizer.stats(); }

    /** The parameters by name, then EgdOptimizer's state (the transforms' and the wrapped optimizer's). */
    @Override public void saveState(State.Out out) throws IOException {
      out.tag(STATE).i32(VERSION);
      out.tag("params").i32(params.size());
      for (int i = 0; i < params.size(); i++) out.str(paramNames.get(i)).floats(params.get(i).getArray().toFloatArray());
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      optimizer.save(bytes);
      out.tag("optimizer").bytes(bytes.toByteArray());
    }

    @Override public void loadState(State.In in) throws IOException {
      in.tag(STATE);
      if (in.i32() != VERSION) throw new IOException("checkpoint written by another egd-djl version");
      in.tag("params");
      if (in.i32() != params.size()) throw new IOException("checkpoint does not match this run: another number of parameters");
      for (int i = 0; i < params.size(); i++) {
        String name = in.str();
        if (!name.equals(paramNames.get(i))) throw new IOException("checkpoint does not match this run: parameter " + name + " where " + paramNames.get(i) + " was expected");
        NDArray a = params.get(i).getArray();
        float[] v = new float[Math.toIntExact(a.size())];
        in.floatsInto(v);
        a.set(v);
      }
      in.tag("optimizer");
      optimizer.load(new ByteArrayInputStream(in.bytes()));
    }
  }

  private NDArray inputs(NDManager m, Batch b) {
    Shape s = cnn ? new Shape(b.size, 1, 28, 28) : new Shape(b.size, 784);
    return m.create(FloatBuffer.wrap(b.inputs, 0, b.size * 784), s);
  }
}
