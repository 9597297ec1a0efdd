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
import dev.egd.train.EpochRecord;
import dev.egd.train.RunResult;
import dev.egd.train.TrainListener;
import dev.egd.train.TrainSettings;
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
 * DJL's Adam/AdamW/SGD, in a loop with the semantics of egd's own {@code dev.egd.train.Trainer}: the
 * same shuffle stream and order of batches (so the MLP sees the batches egd's engine does for the
 * seed), the last partial batch dropped or kept, evaluation every epoch or every N steps (and after
 * the final step), full or running train metrics, the switch-off told the test accuracy after every
 * evaluation, milestones (first evaluation above the target), stop_after, the divergence rules (a
 * non-finite loss, a failed decomposition, non-finite parameters, and the blow-up rule of
 * {@code Trainer.BLOW_UP}), and checkpoints at evaluations that resume bit for bit.
 */
final class DjlTrainingRun implements TrainingRun {
  /** egd's random streams: the initialisation's (Experiments) and the shuffle's (Trainer), so a seed means the same on both engines. */
  static final long STREAM_INIT = 0x1A17L, STREAM_SHUFFLE = 0x5417L;
  /** Rows evaluated at a time. */
  static final int EVAL_BLOCK = 1000;
  static final String MAGIC = "egd-djl-run-checkpoint";
  static final int VERSION = 1;

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

  @Override public void requestStop() { stopRequested = true; }

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
  // the loop (egd's Trainer, step for step)

  /** Where the run is: what TrainerState holds in egd's engine. */
  private static final class Position {
    long epoch, step, evaluations;
    int nextBatch;
    int[] order;
    Rng shuffle;
    final LossStats sinceEvaluation = new LossStats();
    final List<EpochRecord> history = new ArrayList<>();
    Long epochsToTarget, stepsToTarget;
    Double secondsToTarget;
    double initialWeightNorm = Double.NaN, secondsBefore;
    final long[] phaseNanos = new long[4];

    EpochRecord last() { return history.isEmpty() ? null : history.get(history.size() - 1); }
  }

  private Position pos;
  private Batch batch, evalBatch;
  private int[] identity;
  private float[] oneHot;

  @Override public RunResult run(TrainListener listener, Checkpoints checkpoints) {
    synchronized (this) {
      if (used) throw new IllegalStateException("a run is used once");
      used = true;
    }
    try {
      return loop(listener, checkpoints);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      trainer.close();
      model.close();
      optimizer.close();
    }
  }

  private RunResult loop(TrainListener listener, Checkpoints checkpoints) throws IOException {
    long t0 = System.nanoTime();
    Torch.threads(threads);
    Dataset train = split.train(), test = split.test();
    batch = train.newBatch(settings.batch());
    evalBatch = train.newBatch(EVAL_BLOCK);
    identity = new int[Math.max(train.size, test.size)];
    for (int i = 0; i < identity.length; i++) identity[i] = i;
    oneHot = new float[settings.batch() * 10];
    pos = new Position();
    pos.order = new int[train.size];
    for (int i = 0; i < train.size; i++) pos.order[i] = i;
    pos.shuffle = new Rng(settings.seed(), STREAM_SHUFFLE);
    if (resumeFrom != null) {
      restore(resumeFrom);
      EpochRecord last = pos.last();
      if (last != null) optimizer.reportTestAccuracy(last.testAcc(), last.epoch());
      listener.onResume(List.copyOf(pos.history));
    } else {
      pos.initialWeightNorm = weightNorm();
    }
    double setup = (System.nanoTime() - t0) / 1e9;
    long start = System.nanoTime() - (long) (pos.secondsBefore * 1e9);
    int stepsPerEpoch = settings.dropLast() ? train.size / settings.batch() : (train.size + settings.batch() - 1) / settings.batch();
    String status = "completed", message = null;
    run:
    while (pos.epoch < settings.epochs()) {
      if (pos.nextBatch == 0) pos.shuffle.shuffle(pos.order, pos.order.length);
      for (int b = pos.nextBatch; b < stepsPerEpoch; b++) {
        double batchLoss;
        try {
          batchLoss = step(train, b * settings.batch(), Math.min(settings.batch(), train.size - b * settings.batch()));
        } catch (ArithmeticException e) {
          status = "diverged";
          message = "the transforms failed at epoch " + (pos.epoch + 1) + ", step " + (pos.step + 1) + " (" + e.getMessage()
              + "): the gradient is no longer finite; stopped, metrics so far kept";
          break run;
        }
        if (!Double.isFinite(batchLoss)) {
          status = "diverged";
          message = "loss became " + batchLoss + " at epoch " + (pos.epoch + 1) + ", step " + (pos.step + 1) + "; stopped, metrics so far kept";
          break run;
        }
        boolean epochEnd = b == stepsPerEpoch - 1;
        if (epochEnd) pos.epoch++;
        boolean finalStep = epochEnd && pos.epoch == settings.epochs();
        boolean evalPoint = settings.evalEvery() > 0 ? pos.step % settings.evalEvery() == 0 || finalStep : epochEnd;
        if (!evalPoint) continue;
        pos.nextBatch = epochEnd ? 0 : b + 1;
        long evalEpoch = epochEnd ? pos.epoch : pos.epoch + 1;
        if (!parametersFinite()) {
          status = "diverged";
          message = "parameters became non-finite in epoch " + evalEpoch + "; stopped, metrics so far kept";
          break run;
        }
        EpochRecord r = evaluate(evalEpoch, start, listener);
        boolean complete = pos.epochsToTarget != null && settings.stopAfter() >= 0 && evalEpoch - pos.epochsToTarget >= settings.stopAfter();
        String blowUp = blowUp(r);
        boolean diverged = !Double.isFinite(r.trainLoss()) || blowUp != null;
        if (checkpoints != null && !diverged && !complete && !finalStep && (stopRequested || checkpoints.due(pos.evaluations))) {
          checkpoints.save(checkpoint((System.nanoTime() - start) / 1e9));
        }
        if (diverged) {
          status = "diverged";
          message = (blowUp != null ? blowUp : "training loss became " + r.trainLoss()) + " at epoch " + evalEpoch + "; stopped, metrics so far kept";
        } else if (complete) {
          status = "stopped-after-target";
        } else if (stopRequested) {
          status = "interrupted";
          message = "stopped on request after epoch " + evalEpoch;
        } else {
          continue;
        }
        break run;
      }
      pos.nextBatch = 0;
    }
    return finish(listener, status, message, start, setup);
  }

  /** egd's blow-up rule ({@code Trainer.BLOW_UP}), or null. */
  private String blowUp(EpochRecord r) {
    double limit = dev.egd.train.Trainer.BLOW_UP;
    double firstLoss = pos.history.get(0).trainLoss();
    if (pos.initialWeightNorm > 0 && r.weightNorm() > limit * pos.initialWeightNorm)
      return String.format(Locale.ROOT, "the weights' norm grew to %.3g, over %.0e times its start (%.3g)", r.weightNorm(), limit, pos.initialWeightNorm);
    if (Double.isFinite(firstLoss) && r.trainLoss() > limit * Math.max(1, firstLoss))
      return String.format(Locale.ROOT, "the training loss grew to %.3g, over %.0e times its first value (%.3g)", r.trainLoss(), limit, firstLoss);
    return null;
  }

  /** One optimizer step on the examples order[from .. from + rows): forward, loss, backward, EgdOptimizer and the inner update. */
  private double step(Dataset train, int from, int rows) {
    long c0 = System.nanoTime();
    train.gather(pos.order, from, rows, batch);
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
      pos.phaseNanos[0] += c1 - c0;
      pos.phaseNanos[1] += transform;
      pos.phaseNanos[2] += c2 - c1 - transform;
    }
    pos.sinceEvaluation.add(st);
    pos.step++;
    return st.lossSum;
  }

  private NDArray inputs(NDManager m, Batch b) {
    Shape s = cnn ? new Shape(b.size, 1, 28, 28) : new Shape(b.size, 784);
    return m.create(FloatBuffer.wrap(b.inputs, 0, b.size * 784), s);
  }

  /** Loss and accuracy of the model on all of d, as egd's losses define them, in blocks of {@link #EVAL_BLOCK} rows. */
  private LossStats evaluate(Dataset d) {
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

  private EpochRecord evaluate(long evalEpoch, long start, TrainListener listener) {
    long e0 = System.nanoTime();
    double trainLoss, trainAcc;
    if (settings.trainMetrics() == TrainSettings.TrainMetrics.RUNNING) {
      trainLoss = pos.sinceEvaluation.meanLoss();
      trainAcc = pos.sinceEvaluation.accuracy();
    } else {
      LossStats t = evaluate(split.train());
      trainLoss = t.meanLoss();
      trainAcc = t.accuracy();
    }
    pos.sinceEvaluation.clear();
    double weightNorm = weightNorm();
    LossStats t = evaluate(split.test());
    double testLoss = t.meanLoss(), testAcc = t.accuracy();
    pos.phaseNanos[3] += System.nanoTime() - e0;
    double seconds = (System.nanoTime() - start) / 1e9;
    boolean active = optimizer.reportTestAccuracy(testAcc, evalEpoch);
    EpochRecord r = new EpochRecord(evalEpoch, pos.step, trainLoss, trainAcc, testLoss, testAcc, weightNorm, seconds, active);
    pos.history.add(r);
    if (pos.epochsToTarget == null && testAcc > settings.target()) {
      pos.epochsToTarget = evalEpoch;
      pos.stepsToTarget = pos.step;
      pos.secondsToTarget = seconds;
    }
    pos.evaluations++;
    listener.onEpoch(r);
    return r;
  }

  /** The Euclidean norm of the weights (not the biases), as egd's engine measures it. */
  private double weightNorm() {
    double acc = 0;
    for (Parameter p : params) {
      if (p.getType() != Parameter.Type.WEIGHT) continue;
      for (float v : p.getArray().toFloatArray()) acc += (double) v * v;
    }
    return Math.sqrt(acc);
  }

  private boolean parametersFinite() {
    for (Parameter p : params) for (float v : p.getArray().toFloatArray()) if (!Float.isFinite(v)) return false;
    return true;
  }

  private RunResult finish(TrainListener listener, String status, String message, long start, double setup) {
    double totalSeconds = (System.nanoTime() - start) / 1e9;
    Map<String, Double> phases = new LinkedHashMap<>();
    phases.put("forward_backward", pos.phaseNanos[0] / 1e9);
    phases.put("transform", pos.phaseNanos[1] / 1e9);
    phases.put("update", pos.phaseNanos[2] / 1e9);
    phases.put("evaluation", pos.phaseNanos[3] / 1e9);
    RunResult result = new RunResult(status, message, pos.epoch, pos.step, pos.epochsToTarget, pos.stepsToTarget, pos.secondsToTarget, settings.target(),
        pos.last(), totalSeconds, pos.epoch == 0 ? Double.NaN : totalSeconds / pos.epoch, setup, pos.history, optimizer.stats(), phases);
    listener.onFinish(result);
    return result;
  }

  // ---------------------------------------------------------------------------------------------
  // checkpoints

  /** The loop's position and records, the parameters by name, then EgdOptimizer's state (transforms and the wrapped optimizer's). */
  private byte[] checkpoint(double secondsNow) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    State.Out out = new State.Out(bytes);
    out.tag(MAGIC).i32(VERSION);
    out.i64(pos.epoch).i64(pos.step).i32(pos.nextBatch).i64(pos.evaluations);
    out.ints(pos.order).longs(pos.shuffle.state());
    out.f64(pos.sinceEvaluation.lossSum).i64(pos.sinceEvaluation.correct).i64(pos.sinceEvaluation.count);
    out.i32(pos.history.size());
    for (EpochRecord r : pos.history) {
      out.i64(r.epoch()).i64(r.step()).f64(r.trainLoss()).f64(r.trainAcc()).f64(r.testLoss()).f64(r.testAcc()).f64(r.weightNorm()).f64(r.seconds())
          .bool(r.transformActive());
    }
    out.bool(pos.epochsToTarget != null);
    if (pos.epochsToTarget != null) out.i64(pos.epochsToTarget).i64(pos.stepsToTarget).f64(pos.secondsToTarget);
    out.f64(secondsNow).f64(pos.initialWeightNorm);
    for (long v : pos.phaseNanos) out.i64(v);
    out.tag("params").i32(params.size());
    for (int i = 0; i < params.size(); i++) out.str(paramNames.get(i)).floats(params.get(i).getArray().toFloatArray());
    out.tag("optimizer");
    out.flush();
    optimizer.save(bytes);
    new State.Out(bytes).tag("end").flush();
    return bytes.toByteArray();
  }

  private void restore(byte[] checkpoint) throws IOException {
    ByteArrayInputStream bytes = new ByteArrayInputStream(checkpoint);
    State.In in = new State.In(bytes);
    in.tag(MAGIC);
    if (in.i32() != VERSION) throw new IOException("checkpoint written by another egd-djl version");
    pos.epoch = in.i64();
    pos.step = in.i64();
    pos.nextBatch = in.i32();
    pos.evaluations = in.i64();
    in.intsInto(pos.order);
    pos.shuffle.restore(in.longs());
    pos.sinceEvaluation.lossSum = in.f64();
    pos.sinceEvaluation.correct = in.i64();
    pos.sinceEvaluation.count = in.i64();
    int n = in.i32();
    if (n < 0) throw new IOException("checkpoint is damaged: a negative number of records");
    pos.history.clear();
    for (int i = 0; i < n; i++) pos.history.add(new EpochRecord(in.i64(), in.i64(), in.f64(), in.f64(), in.f64(), in.f64(), in.f64(), in.f64(), in.bool()));
    if (in.bool()) {
      pos.epochsToTarget = in.i64();
      pos.stepsToTarget = in.i64();
      pos.secondsToTarget = in.f64();
    }
    pos.secondsBefore = in.f64();
    pos.initialWeightNorm = in.f64();
    for (int i = 0; i < pos.phaseNanos.length; i++) pos.phaseNanos[i] = in.i64();
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
    optimizer.load(bytes);
    new State.In(bytes).tag("end");
  }
}
