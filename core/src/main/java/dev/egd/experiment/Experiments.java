package dev.egd.experiment;

import dev.egd.Check;
import dev.egd.ValidationException;
import dev.egd.nn.ParamSet;
import dev.egd.optim.AdamOptions;
import dev.egd.optim.GradientTransform;
import dev.egd.optim.MuonOptions;
import dev.egd.optim.ParamSelector;
import dev.egd.optim.Transforms;
import dev.egd.train.SpectrumLogger;
import dev.egd.train.TrainSettings;
import dev.egd.train.Trainer;
import dev.egd.train.TrainingLoop;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Builds runs from their configuration: the task's presets for the method, then data, model, loss,
 * the transform chain (L2 weight decay for SGD, the method's transforms, the optimizer last) and the
 * loop settings, every setting checked before anything is allocated that a failure would waste.
 */
public final class Experiments {
  /** The random stream of initialisation (the seed's). */
  static final long STREAM_INIT = 0x1A17L;

  /** The settings every task reads (the method's own are in {@link Methods.Method#settings}). */
  static final Set<Setting<?>> GENERAL = Set.of(RunConfig.ENGINE, RunConfig.TASK, RunConfig.MODEL, RunConfig.METHOD, RunConfig.SEED, RunConfig.SPLIT_SEED,
      RunConfig.WIDTH, RunConfig.LOSS, RunConfig.OPTIMIZER, RunConfig.LR, RunConfig.WD, RunConfig.BATCH, RunConfig.DROP_LAST,
      RunConfig.EPOCHS, RunConfig.TARGET, RunConfig.STOP_AFTER, RunConfig.TRAIN_METRICS, RunConfig.EVAL_EVERY, RunConfig.THREADS,
      RunConfig.CHECKPOINT_EVERY, RunConfig.LOG_SPECTRUM, RunConfig.SPECTRUM_EVERY, RunConfig.SPECTRUM_LAYERS, RunConfig.SPECTRUM_K,
      RunConfig.WARMUP, RunConfig.PRESET);
  /** Read by the methods that act on selected matrices (the switchable ones), and by spectrum logging. */
  static final Set<Setting<?>> MATRIX = Set.of(RunConfig.EGD_LAYERS, RunConfig.SWITCH_OFF, RunConfig.SWITCH_OFF_MODE, RunConfig.DECAY_AFTER_EGD);
  /** Read by Adam and AdamW. */
  static final Set<Setting<?>> ADAM = Set.of(RunConfig.BETA1, RunConfig.BETA2, RunConfig.EPS);

  private Experiments() {}

  /**
   * A run of any engine: egd's own ({@link #build}) unless the {@code engine} setting names another,
   * which is looked up on the class path.
   *
   * @param methods the methods of the command the run belongs to (settings need only apply to one)
   * @param given the run's settings as given
   * @return the run, built and validated
   * @throws ValidationException naming the setting at fault, or {@code engine} when no engine of that name is on the
   *     class path
   */
  public static TrainingRun prepare(RunConfig given, List<String> methods) {
    String engine = given.get(RunConfig.ENGINE, "egd");
    if (engine.equals("egd")) return build(given, methods);
    List<String> found = new ArrayList<>();
    for (Engine e : java.util.ServiceLoader.load(Engine.class)) {
      if (e.name().equals(engine)) return e.build(given, methods);
      found.add(e.name());
    }
    throw new ValidationException("engine", "must be egd" + (found.isEmpty() ? "" : " or one of " + found)
        + (engine.equals("djl") ? "; djl needs the egd-djl module on the class path (./egd puts it there when asked for)" : ""), engine);
  }

  /**
   * The task a configuration names ({@code task} and {@code model}).
   *
   * @param c a configuration (unset {@code task} and {@code model}: modular, mlp)
   * @return a new task
   * @throws ValidationException ({@code model}) if the model does not run on the task in egd's engine
   */
  public static Task task(RunConfig c) {
    String task = c.get(RunConfig.TASK, "modular"), model = c.get(RunConfig.MODEL, "mlp");
    if (model.equals("cnn")) throw new ValidationException("model", "cnn runs on {engine} djl only", model);
    if (model.equals("transformer")) {
      if (!task.equals("modular")) throw new ValidationException("model", "transformer works on {task} modular only", task);
      return new TransformerTask();
    }
    switch (task) {
      case "modular": return new ModularTask();
      case "parity": return new ParityTask();
      default: return new MnistTask();
    }
  }

  /**
   * The configuration with every setting the run reads filled in: the task's presets for the method,
   * then the general ones.
   *
   * @param given the settings given
   * @return a new configuration with every setting the run reads; {@code given} is unchanged
   * @throws ValidationException if the method spec is not valid
   */
  public static RunConfig resolve(RunConfig given) {
    RunConfig c = given.preset(RunConfig.TASK, "modular").preset(RunConfig.MODEL, "mlp").preset(RunConfig.METHOD, "egd")
        .preset(RunConfig.ENGINE, "egd").preset(RunConfig.PRESET, "paper");
    String method = c.get(RunConfig.METHOD);
    Methods.parse(method);
    c = task(c).presets(c, method);
    c = c.preset(RunConfig.SEED, 0L).preset(RunConfig.SPLIT_SEED, 0L).preset(RunConfig.TARGET, 0.95).preset(RunConfig.STOP_AFTER, 100L)
        .preset(RunConfig.OPTIMIZER, "sgd").preset(RunConfig.BETA1, 0.9).preset(RunConfig.BETA2, 0.999).preset(RunConfig.EPS, 1e-8)
        .preset(RunConfig.WARMUP, 0).preset(RunConfig.TRAIN_METRICS, "full").preset(RunConfig.DROP_LAST, true).preset(RunConfig.EVAL_EVERY, 0L)
        .preset(RunConfig.EGD_LAYERS, "first").preset(RunConfig.EGD_ROUTE, "auto").preset(RunConfig.EGD_FLOOR, 1e-6)
        .preset(RunConfig.POWER_ITERS, 2).preset(RunConfig.OVERSAMPLE, 0).preset(RunConfig.RSVD_RESIDUAL, "drop")
        .preset(RunConfig.COLNORM_MIN, 0.01).preset(RunConfig.SWITCH_OFF, 0.95).preset(RunConfig.SWITCH_OFF_MODE, "sticky")
        .preset(RunConfig.EMA_ALPHA, 0.98).preset(RunConfig.EMA_LAMBDA, 2.0).preset(RunConfig.MA_WINDOW, 100).preset(RunConfig.MA_LAMBDA, 5.0)
        .preset(RunConfig.THREADS, Math.min(2, Runtime.getRuntime().availableProcessors())).preset(RunConfig.CHECKPOINT_EVERY, 0L)
        .preset(RunConfig.LOG_SPECTRUM, false).preset(RunConfig.EGD_DAMPING, 0.0).preset(RunConfig.EGD_MAX_RANK, "none")
        .preset(RunConfig.DECAY_AFTER_EGD, false).preset(RunConfig.NS_STEPS, 5).preset(RunConfig.MUON_MOMENTUM, 0.95)
        .preset(RunConfig.RSVD_SKETCH, "fresh");
    // Muon's learning rate: with SGD the run's own (a muon step then has EGD's spectral size, lr); beside
    // Adam or AdamW the reference's 0.02.
    c = c.preset(RunConfig.MUON_LR, c.get(RunConfig.OPTIMIZER).equals("sgd") ? c.get(RunConfig.LR) : 0.02);
    if (c.get(RunConfig.LOG_SPECTRUM)) c = c.preset(RunConfig.SPECTRUM_EVERY, 10L).preset(RunConfig.SPECTRUM_K, "8");
    return c;
  }

  /**
   * The settings given in {@code given} that none of these methods, nor the task and model, read; empty
   * when every one applies. A multi-method command (compare, a sweep) checks the union once.
   *
   * @param given the settings given
   * @param methods the command's method specs
   * @return the names of the unused settings, in the order given
   * @throws ValidationException if a method spec is not valid
   */
  public static List<String> unused(RunConfig given, Collection<String> methods) {
    Task t = task(given);
    Set<Setting<?>> used = new HashSet<>(GENERAL);
    used.addAll(t.settings());
    for (String m : methods) {
      for (Methods.Method part : Methods.parse(m)) {
        used.addAll(part.settings());
        if (part.switchable()) used.addAll(MATRIX);
        RunConfig r = resolve(given.with(RunConfig.METHOD, m));
        if (!r.get(RunConfig.OPTIMIZER).equals("sgd")) used.addAll(ADAM);
        if (r.get(RunConfig.LOG_SPECTRUM)) used.add(RunConfig.EGD_LAYERS);
      }
    }
    List<String> out = new ArrayList<>();
    for (String name : given.names()) if (!used.contains(RunConfig.setting(name))) out.add(name);
    return out;
  }

  /**
   * Builds and validates a run; refuses settings that do not apply to its task, model or method.
   * Throws a {@link ValidationException} naming the setting.
   *
   * @param given the settings given
   * @return the run, built: data loaded, model initialised, transforms made
   */
  public static Experiment build(RunConfig given) {
    refuseUnused(given, List.of(given.get(RunConfig.METHOD, "egd")));
    return assemble(given);
  }

  /**
   * Builds a run of a multi-method command: settings need only apply to one of {@code methods}.
   *
   * @param given the settings given
   * @param methods the command's method specs
   * @return the run, built
   * @throws ValidationException naming the setting at fault
   */
  public static Experiment build(RunConfig given, Collection<String> methods) {
    refuseUnused(given, methods);
    return assemble(given);
  }

  private static void refuseUnused(RunConfig given, Collection<String> methods) {
    List<String> unused = unused(given, methods);
    if (unused.isEmpty()) return;
    String name = unused.get(0);
    Setting<?> s = RunConfig.setting(name);
    String task = task(given).name(), method = String.join(", ", methods);
    String owner = ownerOf(s);
    String what = owner.startsWith("method") ? "method " + method : owner.startsWith("optimizer") ? "optimizer sgd" : "task " + task;
    throw new ValidationException(name, "does not apply to " + what + " (it is a setting of " + owner + ")", given.asMap().get(name));
  }

  /** Who reads a setting, in words: the task(s) or method(s). */
  private static String ownerOf(Setting<?> s) {
    if (ADAM.contains(s)) return "optimizer adam, adamw";
    if (s == RunConfig.SWITCH_OFF || s == RunConfig.SWITCH_OFF_MODE || s == RunConfig.DECAY_AFTER_EGD) return "method egd, egd-rsvd, colnorm";
    if (s == RunConfig.EGD_LAYERS) return "method egd, egd-rsvd, colnorm, muon, and of log_spectrum";
    List<String> who = new ArrayList<>();
    for (Task t : List.of(new ModularTask(), new TransformerTask(), new ParityTask(), new MnistTask())) {
      if (t.settings().contains(s)) who.add(t.name());
    }
    if (!who.isEmpty()) return "task " + String.join(", ", who);
    for (String m : Methods.names()) if (Methods.parse(m).get(0).settings().contains(s)) who.add(m);
    return "method " + String.join(", ", who);
  }

  private static Experiment assemble(RunConfig given) {
    RunConfig c = resolve(given);
    Task task = task(c);
    String method = c.require(RunConfig.METHOD);
    Check.atLeast("width", c.require(RunConfig.WIDTH), 1);
    Check.positive("lr", c.require(RunConfig.LR));
    Check.nonNegative("wd", c.require(RunConfig.WD));
    String optimizer = c.require(RunConfig.OPTIMIZER);
    if (optimizer.equals("sgd") && c.require(RunConfig.WARMUP) != 0)
      throw new ValidationException("warmup", "is for {optimizer} adam and adamw; sgd runs at a constant {lr}", c.require(RunConfig.WARMUP));
    TrainSettings settings = new TrainSettings(c.require(RunConfig.EPOCHS), c.require(RunConfig.BATCH), c.require(RunConfig.TARGET),
        c.require(RunConfig.STOP_AFTER), c.require(RunConfig.THREADS), c.require(RunConfig.SEED), c.require(RunConfig.DROP_LAST),
        TrainSettings.TrainMetrics.valueOf(c.require(RunConfig.TRAIN_METRICS).toUpperCase(Locale.ROOT)), c.require(RunConfig.EVAL_EVERY));
    Check.atLeast("checkpoint_every", c.require(RunConfig.CHECKPOINT_EVERY), 0);
    // the library reads a negative cut-off as "the default"; given as a setting, it is a mistake
    if (c.has(RunConfig.EGD_RCOND)) Check.unitInterval("egd_rcond", c.get(RunConfig.EGD_RCOND));
    checkMemory(task, c, method);
    Task.Problem problem = task.build(c);
    int trainSize = problem.split().train().size;
    if (c.require(RunConfig.BATCH) > trainSize)
      throw new ValidationException("batch", "must be in [1, " + trainSize + "] (the training set size)", c.require(RunConfig.BATCH));
    ParamSet params = problem.model().params();
    SpectrumLogger spectrum = null;
    if (c.require(RunConfig.LOG_SPECTRUM)) {
      spectrumKeep(c);
      String spec = c.get(RunConfig.SPECTRUM_LAYERS, c.require(RunConfig.EGD_LAYERS));
      ParamSelector layers = ParamSelector.parse(spec, c.has(RunConfig.SPECTRUM_LAYERS) ? "spectrum_layers" : "egd_layers");
      layers.select(params);
      spectrum = new SpectrumLogger(layers, c.require(RunConfig.SPECTRUM_EVERY),
          TrainingLoop.stepsPerEpoch(trainSize, c.require(RunConfig.BATCH), c.require(RunConfig.DROP_LAST)));
    } else {
      for (Setting<?> s : List.of(RunConfig.SPECTRUM_EVERY, RunConfig.SPECTRUM_LAYERS, RunConfig.SPECTRUM_K))
        if (c.has(s)) throw ValidationException.of(s.name(), "needs {log_spectrum}");
    }
    GradientTransform chain = chain(c, method, spectrum);
    // Selections and ranks are checked against the real shapes now, before anything is written.
    chain.init(params, c.require(RunConfig.SEED));
    return new Experiment(c, task, problem.split(), problem.model(), problem.loss(), chain, settings, spectrum);
  }

  /**
   * The chain of a method: L2 weight decay for SGD (the papers' 0.5 * wd * ||W||^2 in the loss, so EGD
   * sees the regularised gradient; with {@code decay_after_egd} after the method's transforms instead,
   * so they see the data gradient alone), the method's transforms (observed by the spectrum logger when
   * there is one), the optimizer last (Adam and AdamW take the weight decay themselves). With muon the
   * optimizer is a partition: muon (decoupled decay wd) on the {@code egd_layers} matrices, the task's
   * optimizer (SGD with its L2 decay, Adam, AdamW) on every other parameter.
   */
  static GradientTransform chain(RunConfig c, String method, SpectrumLogger spectrum) {
    ParamSelector layers = ParamSelector.parse(c.require(RunConfig.EGD_LAYERS));
    List<GradientTransform> links = Methods.transforms(method, c, layers);
    GradientTransform own = Transforms.chain(links);
    if (spectrum != null) own = Transforms.observed(own, spectrum);
    List<GradientTransform> all = new ArrayList<>();
    double lr = c.require(RunConfig.LR), wd = c.require(RunConfig.WD);
    String optimizer = c.require(RunConfig.OPTIMIZER);
    boolean muon = Methods.usesMuon(method), decayAfter = c.require(RunConfig.DECAY_AFTER_EGD);
    if (decayAfter && !optimizer.equals("sgd"))
      throw new ValidationException("decay_after_egd", "is for {optimizer} sgd (adam and adamw take the weight decay themselves)", true);
    GradientTransform decay = optimizer.equals("sgd") && wd != 0 ? Transforms.addDecayedWeights(wd) : null;
    if (decay != null && !decayAfter && !muon) all.add(decay);
    if (!links.isEmpty() || spectrum != null) all.add(own);
    if (decay != null && decayAfter && !muon) all.add(decay);
    AdamOptions adam = new AdamOptions(c.require(RunConfig.BETA1), c.require(RunConfig.BETA2), c.require(RunConfig.EPS), wd, c.require(RunConfig.WARMUP));
    GradientTransform opt;
    switch (optimizer) {
      case "adam": opt = Transforms.adam(lr, adam); break;
      case "adamw": opt = Transforms.adamw(lr, wd, adam); break;
      default: opt = decay != null && muon ? Transforms.chain(decay, Transforms.sgd(lr)) : Transforms.sgd(lr);
    }
    if (muon) {
      MuonOptions mo = MuonOptions.lr(c.require(RunConfig.MUON_LR)).withMomentum(c.require(RunConfig.MUON_MOMENTUM))
          .withNsSteps(c.require(RunConfig.NS_STEPS)).withWeightDecay(wd);
      opt = Transforms.muon(layers, mo, opt);
    }
    all.add(opt);
    return Transforms.chain(all);
  }

  /** The fraction of the JVM's heap limit a run may plan to use (the rest is slack for the JVM and copies). */
  static final double MEMORY_SHARE = 0.8;

  /**
   * Refuses a run whose estimated memory exceeds what this JVM may use, before anything is allocated,
   * naming the setting that drives the largest part.
   */
  static void checkMemory(Task task, RunConfig c, String method) {
    for (Setting<?> s : List.of(RunConfig.WIDTH, RunConfig.BATCH, RunConfig.DEPTH, RunConfig.HEADS, RunConfig.P, RunConfig.N,
        RunConfig.TRAIN_SIZE, RunConfig.TEST_SIZE, RunConfig.TRAIN_POINTS)) {
      Object v = c.get(s);
      if (v instanceof Integer && (Integer) v < 1 && s != RunConfig.DEPTH) throw new ValidationException(s.name(), "must be >= 1", v);
    }
    Map<Setting<?>, Double> parts = memoryParts(task, c, method);
    double total = 0;
    Setting<?> largest = RunConfig.WIDTH;
    for (var e : parts.entrySet()) {
      total += Math.max(0, e.getValue());
      if (e.getValue() > parts.getOrDefault(largest, 0.0)) largest = e.getKey();
    }
    double limit = Runtime.getRuntime().maxMemory() * MEMORY_SHARE;
    if (!(total <= limit)) {
      // The setting to name: the one whose reduction to 1 shrinks the estimate most (width, not the batch it multiplies).
      double least = total;
      for (Setting<Integer> s : List.of(RunConfig.WIDTH, RunConfig.DEPTH, RunConfig.HEADS, RunConfig.P, RunConfig.N, RunConfig.TRAIN_SIZE,
          RunConfig.TEST_SIZE, RunConfig.TRAIN_POINTS, RunConfig.MA_WINDOW, RunConfig.BATCH)) {
        Integer v = c.get(s);
        if (v == null || v <= 1) continue;
        double t = 0;
        for (double part : memoryParts(task, c.with(s, 1), method).values()) t += Math.max(0, part);
        if (t < least) {
          least = t;
          largest = s;
        }
      }
      throw new ValidationException(largest.name(), String.format(Locale.ROOT,
          "makes the run need an estimated %s of memory, more than this JVM may use (%s); lower it, or raise the JVM's limit "
              + "(EGD_JAVA_OPTS=-Xmx%dg)", gib(total), gib(limit), (long) Math.min(1e12, Math.max(2, Math.ceil(total / MEMORY_SHARE / (1L << 30)) + 1))),
          c.get(largest));
    }
  }

  /** The estimated bytes a run needs, by the setting that drives each part. */
  private static Map<Setting<?>, Double> memoryParts(Task task, RunConfig c, String method) {
    Map<Setting<?>, Double> parts = new LinkedHashMap<>(task.memory(c));
    double params = task.parameterCount(c);
    double state = 0;
    for (Methods.Method m : Methods.parse(method)) {
      if (m.name().equals("grokfast-ema")) state += params;
      if (m.name().equals("grokfast-ma")) parts.merge(RunConfig.MA_WINDOW, 4.0 * params * (c.require(RunConfig.MA_WINDOW) + 2), Double::sum);
      if (m.switchable()) state += params; // a scratch copy of the selected matrices, and decomposition workspaces
    }
    if (!c.require(RunConfig.OPTIMIZER).equals("sgd")) state += 2 * params;
    parts.merge(RunConfig.WIDTH, 4 * state, Double::sum);
    return parts;
  }

  private static String gib(double bytes) {
    return String.format(Locale.ROOT, "%.3g GiB", bytes / (1L << 30));
  }

  /**
   * How many singular values from each end spectrum.csv keeps; 0: all.
   *
   * @param c a configuration
   * @return the count, in [0, 2<sup>20</sup>]
   * @throws ValidationException ({@code spectrum_k}) if the setting is neither an integer in range nor {@code all}
   */
  public static int spectrumKeep(RunConfig c) {
    String k = c.get(RunConfig.SPECTRUM_K, "8");
    if (k.equals("all")) return 0;
    try {
      int v = Integer.parseInt(k.trim());
      if (v >= 1 && v <= 1 << 20) return v;
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ValidationException("spectrum_k", "must be an integer in [1, 1048576] or all", k);
  }

  /** The resolved settings that decide a run's results, in the order a run's summary records them. */
  static Map<String, Object> record(Task task, RunConfig c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("task", c.get(RunConfig.TASK));
    m.put("model", c.get(RunConfig.MODEL));
    m.put("engine", c.get(RunConfig.ENGINE));
    task.record(c, m);
    boolean transformer = c.get(RunConfig.MODEL).equals("transformer");
    m.put("loss", c.get(RunConfig.LOSS));
    m.put("split_seed", c.get(RunConfig.SPLIT_SEED));
    m.put("method", c.get(RunConfig.METHOD));
    m.put("seed", c.get(RunConfig.SEED));
    m.put("width", c.get(RunConfig.WIDTH));
    if (!transformer) m.put("activation", c.get(RunConfig.ACTIVATION));
    m.put("optimizer", c.get(RunConfig.OPTIMIZER));
    m.put("lr", c.get(RunConfig.LR));
    m.put("wd", c.get(RunConfig.WD));
    if (!c.get(RunConfig.OPTIMIZER).equals("sgd")) {
      m.put("beta1", c.get(RunConfig.BETA1));
      m.put("beta2", c.get(RunConfig.BETA2));
      m.put("eps", c.get(RunConfig.EPS));
    }
    for (Setting<?> s : List.of(RunConfig.WARMUP, RunConfig.TRAIN_METRICS, RunConfig.DROP_LAST, RunConfig.EVAL_EVERY, RunConfig.BATCH,
        RunConfig.EPOCHS, RunConfig.TARGET, RunConfig.STOP_AFTER, RunConfig.EGD_LAYERS, RunConfig.EGD_ROUTE, RunConfig.EGD_FLOOR,
        RunConfig.EGD_RCOND, RunConfig.RANK, RunConfig.POWER_ITERS, RunConfig.OVERSAMPLE, RunConfig.RSVD_RESIDUAL, RunConfig.COLNORM_MIN,
        RunConfig.SWITCH_OFF, RunConfig.SWITCH_OFF_MODE, RunConfig.EMA_ALPHA, RunConfig.EMA_LAMBDA, RunConfig.MA_WINDOW, RunConfig.MA_LAMBDA)) {
      m.put(s.name(), c.get(s));
    }
    if (c.get(RunConfig.LOG_SPECTRUM)) {
      m.put("spectrum_every", c.get(RunConfig.SPECTRUM_EVERY));
      m.put("spectrum_layers", c.get(RunConfig.SPECTRUM_LAYERS, c.get(RunConfig.EGD_LAYERS)));
      m.put("spectrum_k", c.get(RunConfig.SPECTRUM_K));
    }
    // settings added with issue 14, recorded where they apply (older runs' records stay as they were)
    boolean egd = false, rsvd = false;
    for (Methods.Method part : Methods.parse(c.get(RunConfig.METHOD))) {
      egd |= part.name().equals("egd");
      rsvd |= part.name().equals("egd-rsvd");
    }
    if (!c.get(RunConfig.PRESET).equals("paper")) m.put("preset", c.get(RunConfig.PRESET));
    if (egd) {
      m.put("egd_damping", c.get(RunConfig.EGD_DAMPING));
      m.put("egd_max_rank", c.get(RunConfig.EGD_MAX_RANK));
    }
    if (c.get(RunConfig.DECAY_AFTER_EGD)) m.put("decay_after_egd", true);
    if (rsvd) m.put("rsvd_sketch", c.get(RunConfig.RSVD_SKETCH));
    if (Methods.usesMuon(c.get(RunConfig.METHOD))) {
      m.put("muon_lr", c.get(RunConfig.MUON_LR));
      m.put("muon_momentum", c.get(RunConfig.MUON_MOMENTUM));
    }
    if (Methods.usesMuon(c.get(RunConfig.METHOD)) || c.get(RunConfig.EGD_ROUTE).equals("newton-schulz")) m.put("ns_steps", c.get(RunConfig.NS_STEPS));
    m.put("threads", c.get(RunConfig.THREADS));
    return m;
  }
}
