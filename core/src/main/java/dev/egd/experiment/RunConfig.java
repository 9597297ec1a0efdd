package dev.egd.experiment;

import dev.egd.ValidationException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The settings of one run, by name: what a command line, a sweep spec or a program sets. Settings left
 * unset take the task's presets for the run's method (the papers' settings) when the run is built
 * ({@link Experiments#build}); {@link Experiment#config()} is the resolved configuration, every setting
 * the run reads filled in, as recorded in a run's summary.
 *
 * <pre>{@code
 * RunConfig c = RunConfig.empty().with(RunConfig.TASK, "modular").with(RunConfig.P, 97)
 *     .with(RunConfig.METHOD, "egd").with(RunConfig.SEED, 0L);
 * Experiment run = Experiments.build(c);   // the paper's mod-97 MLP with EGD
 * }</pre>
 *
 * Immutable and serializable (it travels to a cluster's executors as it is).
 */
public final class RunConfig implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Map<String, Setting<?>> ALL = new LinkedHashMap<>();

  private static <T> Setting<T> add(Setting<T> s) {
    ALL.put(s.name(), s);
    return s;
  }

  // what runs
  /** {@code task}: the experiment (one of modular, parity, mnist). */
  public static final Setting<String> TASK = add(Setting.text("task", "the experiment", "modular", "parity", "mnist"));
  /** {@code model}: the network (one of mlp, transformer, cnn). */
  public static final Setting<String> MODEL = add(Setting.text("model", "the network", "mlp", "transformer", "cnn"));
  /** {@code engine}: what computes the run: egd, or another engine on the class path (djl). */
  public static final Setting<String> ENGINE = add(Setting.text("engine", "what computes the run: egd, or another engine on the class path (djl)"));
  /** {@code method}: the method: a registered name or several joined with +. */
  public static final Setting<String> METHOD = add(Setting.text("method", "the method: a registered name or several joined with +"));
  /** {@code seed}: seed of initialisation, shuffling and random sketches. */
  public static final Setting<Long> SEED = add(Setting.whole("seed", "seed of initialisation, shuffling and random sketches"));
  /** {@code split_seed}: seed of the data and the train/test split. */
  public static final Setting<Long> SPLIT_SEED = add(Setting.whole("split_seed", "seed of the data and the train/test split"));
  /**
   * {@code preset}: whose settings fill the unset ones: the papers' stated ones, or the official scripts' active
   * lines (one of paper, official).
   */
  public static final Setting<String> PRESET = add(Setting.text("preset", "whose settings fill the unset ones: the papers' stated ones, or the official scripts' active lines", "paper", "official"));
  // modular arithmetic
  /** {@code op}: modular operation (one of add, sub, mul, div). */
  public static final Setting<String> OP = add(Setting.text("op", "modular operation", "add", "sub", "mul", "div"));
  /** {@code p}: modulus. */
  public static final Setting<Integer> P = add(Setting.integer("p", "modulus"));
  /** {@code train_fraction}: fraction of all pairs used for training. */
  public static final Setting<Double> TRAIN_FRACTION = add(Setting.real("train_fraction", "fraction of all pairs used for training"));
  // sparse parity
  /** {@code n}: parity: input bits. */
  public static final Setting<Integer> N = add(Setting.integer("n", "parity: input bits"));
  /** {@code k}: parity: secret bits. */
  public static final Setting<Integer> K = add(Setting.integer("k", "parity: secret bits"));
  /** {@code secret}: parity: which bits are secret (one of first, random). */
  public static final Setting<String> SECRET = add(Setting.text("secret", "parity: which bits are secret", "first", "random"));
  /** {@code train_size}: parity: training examples. */
  public static final Setting<Integer> TRAIN_SIZE = add(Setting.integer("train_size", "parity: training examples"));
  /** {@code test_size}: parity: test examples. */
  public static final Setting<Integer> TEST_SIZE = add(Setting.integer("test_size", "parity: test examples"));
  // MNIST
  /** {@code data}: mnist: directory of IDX files (unset: the bundled digits). */
  public static final Setting<String> DATA = add(Setting.text("data", "mnist: directory of IDX files (unset: the bundled digits)"));
  /** {@code train_points}: mnist: training images. */
  public static final Setting<Integer> TRAIN_POINTS = add(Setting.integer("train_points", "mnist: training images"));
  /** {@code init_scale}: mnist: multiplies PyTorch's default initialisation. */
  public static final Setting<Double> INIT_SCALE = add(Setting.real("init_scale", "mnist: multiplies PyTorch's default initialisation"));
  // model
  /** {@code width}: hidden width. */
  public static final Setting<Integer> WIDTH = add(Setting.integer("width", "hidden width"));
  /** {@code depth}: transformer blocks, or mnist hidden layers. */
  public static final Setting<Integer> DEPTH = add(Setting.integer("depth", "transformer blocks, or mnist hidden layers"));
  /** {@code heads}: transformer attention heads. */
  public static final Setting<Integer> HEADS = add(Setting.integer("heads", "transformer attention heads"));
  /** {@code activation}: MLP hidden activation (one of relu, tanh, sigmoid, gelu). */
  public static final Setting<String> ACTIVATION = add(Setting.text("activation", "MLP hidden activation", "relu", "tanh", "sigmoid", "gelu"));
  /** {@code loss}: the loss (one of cross-entropy, mse, squared, hinge). */
  public static final Setting<String> LOSS = add(Setting.text("loss", "the loss", "cross-entropy", "mse", "squared", "hinge"));
  // optimisation
  /** {@code optimizer}: the optimizer (one of sgd, adam, adamw). */
  public static final Setting<String> OPTIMIZER = add(Setting.text("optimizer", "the optimizer", "sgd", "adam", "adamw"));
  /** {@code lr}: learning rate. */
  public static final Setting<Double> LR = add(Setting.real("lr", "learning rate"));
  /** {@code wd}: weight decay. */
  public static final Setting<Double> WD = add(Setting.real("wd", "weight decay"));
  /** {@code beta1}: Adam beta1. */
  public static final Setting<Double> BETA1 = add(Setting.real("beta1", "Adam beta1"));
  /** {@code beta2}: Adam beta2. */
  public static final Setting<Double> BETA2 = add(Setting.real("beta2", "Adam beta2"));
  /** {@code eps}: Adam epsilon. */
  public static final Setting<Double> EPS = add(Setting.real("eps", "Adam epsilon"));
  /** {@code warmup}: linear learning-rate warm-up steps. */
  public static final Setting<Integer> WARMUP = add(Setting.integer("warmup", "linear learning-rate warm-up steps"));
  /** {@code batch}: minibatch size. */
  public static final Setting<Integer> BATCH = add(Setting.integer("batch", "minibatch size"));
  /** {@code drop_last}: drop the last partial batch of an epoch. */
  public static final Setting<Boolean> DROP_LAST = add(Setting.flag("drop_last", "drop the last partial batch of an epoch"));
  /** {@code epochs}: epoch cap. */
  public static final Setting<Long> EPOCHS = add(Setting.whole("epochs", "epoch cap"));
  /** {@code target}: test accuracy to reach. */
  public static final Setting<Double> TARGET = add(Setting.real("target", "test accuracy to reach"));
  /** {@code stop_after}: stop this many epochs after the target; -1 runs to the cap. */
  public static final Setting<Long> STOP_AFTER = add(Setting.whole("stop_after", "stop this many epochs after the target; -1 runs to the cap"));
  /** {@code train_metrics}: how train metrics are measured (one of full, running). */
  public static final Setting<String> TRAIN_METRICS = add(Setting.text("train_metrics", "how train metrics are measured", "full", "running"));
  /** {@code eval_every}: evaluate after every this many steps; 0: every epoch. */
  public static final Setting<Long> EVAL_EVERY = add(Setting.whole("eval_every", "evaluate after every this many steps; 0: every epoch"));
  // EGD and friends
  /** {@code egd_layers}: matrices EGD and colnorm act on: first, all or a regex. */
  public static final Setting<String> EGD_LAYERS = add(Setting.text("egd_layers", "matrices EGD and colnorm act on: first, all or a regex"));
  /**
   * {@code egd_route}: exact EGD algorithm (newton-schulz: Muon's approximate iteration) (one of auto, gram64,
   * gram32, svd, newton-schulz).
   */
  public static final Setting<String> EGD_ROUTE = add(Setting.text("egd_route", "exact EGD algorithm (newton-schulz: Muon's approximate iteration)", "auto", "gram64", "gram32", "svd", "newton-schulz"));
  /** {@code egd_floor}: exact EGD: absolute floor of singular values. */
  public static final Setting<Double> EGD_FLOOR = add(Setting.real("egd_floor", "exact EGD: absolute floor of singular values"));
  /** {@code egd_rcond}: exact EGD: relative rank cut-off. */
  public static final Setting<Double> EGD_RCOND = add(Setting.real("egd_rcond", "exact EGD: relative rank cut-off"));
  /** {@code egd_damping}: exact EGD: damping δ, (G G^T + δ s_max^2 I)^(-1/2) G; 0 is the paper's EGD. */
  public static final Setting<Double> EGD_DAMPING = add(Setting.real("egd_damping", "exact EGD: damping δ, (G G^T + δ s_max^2 I)^(-1/2) G; 0 is the paper's EGD"));
  /**
   * {@code egd_max_rank}: exact EGD: move only the r largest directions: an integer, batch (the minibatch size) or
   * none.
   */
  public static final Setting<String> EGD_MAX_RANK = add(Setting.text("egd_max_rank", "exact EGD: move only the r largest directions: an integer, batch (the minibatch size) or none"));
  /**
   * {@code decay_after_egd}: sgd: add the L2 weight-decay gradient after the method's transforms, not before.
   */
  public static final Setting<Boolean> DECAY_AFTER_EGD = add(Setting.flag("decay_after_egd", "sgd: add the L2 weight-decay gradient after the method's transforms, not before"));
  /** {@code ns_steps}: Newton-Schulz iterations (muon, egd_route newton-schulz). */
  public static final Setting<Integer> NS_STEPS = add(Setting.integer("ns_steps", "Newton-Schulz iterations (muon, egd_route newton-schulz)"));
  /** {@code muon_lr}: muon: learning rate of the selected matrices. */
  public static final Setting<Double> MUON_LR = add(Setting.real("muon_lr", "muon: learning rate of the selected matrices"));
  /** {@code muon_momentum}: muon: Nesterov momentum beta. */
  public static final Setting<Double> MUON_MOMENTUM = add(Setting.real("muon_momentum", "muon: Nesterov momentum beta"));
  /** {@code rank}: egd-rsvd: rank. */
  public static final Setting<Integer> RANK = add(Setting.integer("rank", "egd-rsvd: rank"));
  /** {@code power_iters}: egd-rsvd: power iterations. */
  public static final Setting<Integer> POWER_ITERS = add(Setting.integer("power_iters", "egd-rsvd: power iterations"));
  /** {@code oversample}: egd-rsvd: extra sketch columns. */
  public static final Setting<Integer> OVERSAMPLE = add(Setting.integer("oversample", "egd-rsvd: extra sketch columns"));
  /** {@code rsvd_residual}: egd-rsvd: the gradient outside the top-r subspace (one of drop, keep). */
  public static final Setting<String> RSVD_RESIDUAL = add(Setting.text("rsvd_residual", "egd-rsvd: the gradient outside the top-r subspace", "drop", "keep"));
  /** {@code rsvd_sketch}: egd-rsvd: a fresh Gaussian sketch every step, or one fixed sketch (one of fresh, fixed). */
  public static final Setting<String> RSVD_SKETCH = add(Setting.text("rsvd_sketch", "egd-rsvd: a fresh Gaussian sketch every step, or one fixed sketch", "fresh", "fixed"));
  /** {@code colnorm_min}: colnorm: floor of a column's norm. */
  public static final Setting<Double> COLNORM_MIN = add(Setting.real("colnorm_min", "colnorm: floor of a column's norm"));
  /** {@code switch_off}: stop egd/egd-rsvd/colnorm once test accuracy exceeds this. */
  public static final Setting<Double> SWITCH_OFF = add(Setting.real("switch_off", "stop egd/egd-rsvd/colnorm once test accuracy exceeds this"));
  /** {@code switch_off_mode}: sticky or recheck (one of sticky, recheck). */
  public static final Setting<String> SWITCH_OFF_MODE = add(Setting.text("switch_off_mode", "sticky or recheck", "sticky", "recheck"));
  // Grokfast
  /** {@code ema_alpha}: grokfast-ema: alpha. */
  public static final Setting<Double> EMA_ALPHA = add(Setting.real("ema_alpha", "grokfast-ema: alpha"));
  /** {@code ema_lambda}: grokfast-ema: lambda. */
  public static final Setting<Double> EMA_LAMBDA = add(Setting.real("ema_lambda", "grokfast-ema: lambda"));
  /** {@code ma_window}: grokfast-ma: window. */
  public static final Setting<Integer> MA_WINDOW = add(Setting.integer("ma_window", "grokfast-ma: window"));
  /** {@code ma_lambda}: grokfast-ma: lambda. */
  public static final Setting<Double> MA_LAMBDA = add(Setting.real("ma_lambda", "grokfast-ma: lambda"));
  // run
  /** {@code threads}: Java threads for one run. */
  public static final Setting<Integer> THREADS = add(Setting.integer("threads", "Java threads for one run"));
  /** {@code checkpoint_every}: evaluations between checkpoints (0: only when stopped). */
  public static final Setting<Long> CHECKPOINT_EVERY = add(Setting.whole("checkpoint_every", "evaluations between checkpoints (0: only when stopped)"));
  // gradient-spectrum logging
  /** {@code log_spectrum}: record gradient singular values. */
  public static final Setting<Boolean> LOG_SPECTRUM = add(Setting.flag("log_spectrum", "record gradient singular values"));
  /** {@code spectrum_every}: log the spectrum at epoch 1 and every this many epochs. */
  public static final Setting<Long> SPECTRUM_EVERY = add(Setting.whole("spectrum_every", "log the spectrum at epoch 1 and every this many epochs"));
  /** {@code spectrum_layers}: matrices whose spectrum is logged. */
  public static final Setting<String> SPECTRUM_LAYERS = add(Setting.text("spectrum_layers", "matrices whose spectrum is logged"));
  /** {@code spectrum_k}: singular values kept from each end, or all. */
  public static final Setting<String> SPECTRUM_K = add(Setting.text("spectrum_k", "singular values kept from each end, or all"));

  /** The settings given, by name, in the order given; values of each setting's type. */
  private final LinkedHashMap<String, Object> values;

  private RunConfig(LinkedHashMap<String, Object> values) { this.values = values; }

  /**
   * No setting given: every one takes its preset.
   *
   * @return the empty configuration
   */
  public static RunConfig empty() { return new RunConfig(new LinkedHashMap<>()); }

  /**
   * Every setting there is, in a fixed order.
   *
   * @return every setting, as an unmodifiable list in the order they are declared here
   */
  public static List<Setting<?>> settings() { return List.copyOf(ALL.values()); }

  /**
   * The setting of that name; throws a {@link ValidationException} naming the valid ones otherwise.
   *
   * @param name a setting's snake-case name
   * @return the setting
   * @throws ValidationException of the name given, listing the valid ones, if there is no such setting
   */
  public static Setting<?> setting(String name) {
    Setting<?> s = ALL.get(name);
    if (s == null) throw new ValidationException(name, "is not a setting (valid: " + String.join(", ", ALL.keySet()) + ")", name);
    return s;
  }

  /**
   * This configuration with one setting given (null unsets it).
   *
   * @param <T> the setting's type
   * @param s the setting
   * @param value its value, or null to unset it; a String of a choice setting is lower-cased and checked
   * @return a new configuration; this one is unchanged
   * @throws ValidationException if a text value is not one of the setting's choices
   */
  public <T> RunConfig with(Setting<T> s, T value) {
    LinkedHashMap<String, Object> v = new LinkedHashMap<>(values);
    if (value == null) v.remove(s.name());
    else v.put(s.name(), s.coerce(value));
    return new RunConfig(v);
  }

  /**
   * This configuration with the named setting given in text form (a command line's or a spec's).
   *
   * @param name a setting's snake-case name
   * @param text its value in text form, as {@link Setting#parse} reads it
   * @return a new configuration; this one is unchanged
   * @throws ValidationException if there is no such setting, or the text is not a valid value
   */
  public RunConfig with(String name, String text) {
    Setting<?> s = setting(name);
    LinkedHashMap<String, Object> v = new LinkedHashMap<>(values);
    v.put(name, s.parse(text));
    return new RunConfig(v);
  }

  /**
   * This configuration with every setting of {@code other} given on top.
   *
   * @param other the settings to add, winning over this one's
   * @return a new configuration; both are unchanged
   */
  public RunConfig withAll(RunConfig other) {
    LinkedHashMap<String, Object> v = new LinkedHashMap<>(values);
    v.putAll(other.values);
    return new RunConfig(v);
  }

  /**
   * The value given, or null.
   *
   * @param <T> the setting's type
   * @param s the setting
   * @return its value, or null when it was not given
   */
  public <T> T get(Setting<T> s) { return s.type().cast(values.get(s.name())); }

  /**
   * The value given, or {@code preset}.
   *
   * @param <T> the setting's type
   * @param s the setting
   * @param preset the value to return when it was not given
   * @return the value given, or {@code preset}
   */
  public <T> T get(Setting<T> s, T preset) {
    T v = get(s);
    return v != null ? v : preset;
  }

  /** The value, which must be there (after resolution). */
  <T> T require(Setting<T> s) {
    T v = get(s);
    if (v == null) throw ValidationException.of(s.name(), "needs a value");
    return v;
  }

  /**
   * @param s the setting
   * @return whether it was given
   */
  public boolean has(Setting<?> s) { return values.containsKey(s.name()); }

  /** This configuration with {@code s} set to {@code preset} unless given. */
  <T> RunConfig preset(Setting<T> s, T preset) { return has(s) ? this : with(s, preset); }

  /**
   * The names of the settings given, in the order they were given.
   *
   * @return the names, an unmodifiable list
   */
  public List<String> names() { return List.copyOf(values.keySet()); }

  /**
   * The settings given, by name (an unmodifiable view).
   *
   * @return the map from names to values of the settings' types
   */
  public Map<String, Object> asMap() { return Collections.unmodifiableMap(values); }

  /**
   * The given settings as text, in the form {@link #with(String, String)} reads back.
   *
   * @return one {@code name=value} entry per setting given, in order
   */
  public List<String> describe() {
    List<String> out = new ArrayList<>();
    for (var e : values.entrySet()) out.add(e.getKey() + "=" + e.getValue());
    return out;
  }

  /**
   * @param o another object
   * @return whether it is a configuration with the same settings and values (the order does not matter)
   */
  @Override public boolean equals(Object o) { return o instanceof RunConfig && ((RunConfig) o).values.equals(values); }
  /** @return a hash consistent with {@link #equals} */
  @Override public int hashCode() { return values.hashCode(); }
  /** @return the {@link #describe()} entries joined with commas */
  @Override public String toString() { return String.join(", ", describe()); }
}
