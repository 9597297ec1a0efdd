package dev.egd.djl;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.util.Pair;
import dev.egd.ValidationException;
import dev.egd.nn.ParamSet;
import dev.egd.nn.Tensor;
import dev.egd.optim.EgdOptions;
import dev.egd.optim.GradientTransform;
import dev.egd.optim.InitContext;
import dev.egd.optim.RandomizedEgdOptions;
import dev.egd.optim.Reporting;
import dev.egd.optim.SwitchOffMode;
import dev.egd.optim.TestAccuracy;
import dev.egd.util.State;
import dev.egd.util.Workers;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

/**
 * A DJL {@link Optimizer} that runs egd's gradient transforms (EGD, randomized EGD, column
 * normalisation, Grokfast-EMA and -MA) on each gradient and hands the result to any DJL optimizer
 * (SGD, Adam, AdamW, with their learning-rate trackers and weight decay):
 *
 * <pre>{@code
 * Optimizer adamW = Optimizer.adamW().optLearningRateTracker(Tracker.fixed(1e-3f)).optWeightDecays(2f).build();
 * EgdOptimizer opt = EgdOptimizer.builder(adamW, block)
 *     .egd(".*Linear_weight")           // exact EGD on every Linear weight
 *     .grokfastEma(0.8, 0.1)            // then Grokfast-EMA on every parameter
 *     .switchOff(0.85)                  // EGD stops once reportTestAccuracy exceeds 0.85 (sticky)
 *     .build();
 * TrainingConfig config = new DefaultTrainingConfig(loss).optOptimizer(opt);
 * }</pre>
 *
 * <p>The wrapped optimizer's own settings act after the transforms: its {@code rescaleGrad} and
 * {@code clipGrad} on the transformed gradient, its weight decay added to it (SGD, Adam) or decaying
 * the weight (AdamW). An L2 term that EGD should see (as in the EGD paper's SGD runs) belongs in the
 * loss.
 *
 * <p><b>Selection.</b> Each transform takes a regular expression that must match the whole of a
 * parameter name as {@code block.getParameters()} spells it ({@code 01Linear_weight},
 * {@code 02SequentialBlock_01Conv2d_weight}, ...). Bad input is egd-core's
 * {@link ValidationException} (an IllegalArgumentException naming the setting in egd's terms): a
 * pattern that matches no name ({@code egd_layers}, naming the names there are). EGD, randomized EGD
 * and column normalisation act only on matrices (below) among the names matched; a pattern whose
 * every match is a vector (a bias, a norm's gain) is an error too once the shapes are known, and so is
 * a randomized EGD rank above a selected matrix's limit min(rows, cols) ({@code rank}: 6 for LeNet's
 * first kernel, [6, 25]), checked by {@link #initialize} (at build time when the block is initialised,
 * else at the first update). The
 * Grokfast filters act on every parameter unless given a pattern. Transforms run in the order the
 * builder was called; a parameter no transform selects reaches the wrapped optimizer untouched.
 *
 * <p><b>Matrix views.</b> A parameter of shape {@code [d0, d1, ..., dk]} is the row-major
 * {@code d0 x (d1...dk)} matrix, which is its memory as it is: a {@code Linear} weight
 * {@code [out, in]} is itself, a convolution kernel {@code [out, in, kh, kw]} is
 * {@code [out, in*kh*kw]}, one row per output channel. That is the convolution as the linear map it
 * applies to every input patch (the im2col view), so EGD orthogonalises the layer's map from patches
 * to channels: {@code G = U S V^T -> U V^T = (G G^T)^(-1/2) G}, the preconditioner being the
 * {@code out x out} Gram matrix {@code G G^T} of the output channels, summed over input channels and
 * kernel positions. egd's kernel decomposes the smaller of {@code G G^T} and {@code G^T G}, which for
 * these kernels is that same {@code out x out} matrix (6 x 6 and 16 x 16 for LeNet, against 25 x 25
 * and 150 x 150), and {@code U V^T} does not depend on which is taken. Exact EGD commutes with the
 * transpose, so on DJL's {@code [out, in]} it is the transpose of EGD on egd's own
 * {@code [in, out]} weights: the same method. Column normalisation and randomized EGD do not commute
 * with it: here they act on DJL's {@code [out, fan_in]} view as PyTorch code acting on
 * {@code nn.Linear.weight.grad} would (columns are input features; randomized EGD keeps the top-r
 * subspace of the output side). Vectors ({@code [n]}: biases, norms) are 1 x n and never matrices.
 *
 * <p><b>How DJL calls it.</b> {@code Trainer.step()} asks the {@code ParameterStore} to update every
 * parameter that requires a gradient; the {@code LocalParameterServer} sums the gradients of all
 * training devices onto the first, and calls {@link #update} once per device copy of the weight, in
 * device order, with that same summed gradient (moved to each copy's device). The transforms run on
 * the first call of a step for a parameter, and the other copies reuse the result, so filter state
 * advances once per step whatever the number of devices. A call continues the step of the call
 * before it when it is for the same parameter, with a weight copy not yet seen in that step (and,
 * once the number of copies is known from the first step, fewer copies than that seen so far);
 * anything else starts a new step.
 *
 * <p><b>Arrays.</b> Per parameter and device one array holds the transformed gradient; it is
 * allocated on the first step by a manager of this optimizer's own and rewritten in place afterwards,
 * so steps allocate no NDArray (the gradient is read through a direct view of its memory on the CPU).
 * {@link #close} frees them. Only float32 parameters can be transformed.
 *
 * <p><b>Switch-off.</b> egd-core's own ({@code Transforms.switchOff}, sticky or re-checked): every
 * matrix transform of every parameter is wrapped in one, all reading this optimizer's
 * {@link TestAccuracy} signal, which {@link #reportTestAccuracy} writes (and judges at once, so they all
 * agree); a loop may instead write the signal it gave the builder ({@link Builder#testAccuracy}), and
 * the switch-offs judge it at their next update, as in egd's own trainer.
 *
 * <p><b>Checkpoints.</b> {@link #save} writes the transform state (filters, route memory, sketch
 * streams, switch-off, step counts) and, unless turned off in the builder, the wrapped optimizer's own
 * state (update counts, Adam's moments, SGD's momentum; see {@link InnerOptimizerState}), keyed by
 * parameter names, so {@link #load} restores it into an optimizer rebuilt around a rebuilt model.
 * Model parameters are saved by DJL ({@code Block.saveParameters}).
 */
public final class EgdOptimizer extends Optimizer implements AutoCloseable {
  /** Which egd transform a link of the chain is. */
  enum Kind {
    EGD("egd", true), EGD_RANDOMIZED("egd-rsvd", true), COLNORM("colnorm", true), GROKFAST_EMA("grokfast-ema", false), GROKFAST_MA("grokfast-ma", false);

    final String id;
    /** Matrix transforms act only on matrices and are the ones the switch-off stops. */
    final boolean matrix;

    Kind(String id, boolean matrix) {
      this.id = id;
      this.matrix = matrix;
    }
  }

  /** One link of the chain as the builder was told it. */
  static final class Spec {
    final Kind kind;
    final String regex;
    final Pattern pattern;
    /** The setting a selection that matches nothing is reported as (egd's name for it: {@code egd_layers}). */
    final String setting;
    final EgdOptions egd;
    final RandomizedEgdOptions rsvd;
    final int window;
    final double alpha, lambda, minNorm;

    Spec(Kind kind, String regex, String setting, EgdOptions egd, RandomizedEgdOptions rsvd, int window, double alpha, double lambda, double minNorm) {
      this.kind = kind;
      this.regex = regex;
      this.setting = setting;
      if (regex == null) throw ValidationException.of(setting, "needs a pattern over the block's parameter names");
      try {
        this.pattern = Pattern.compile(regex);
      } catch (PatternSyntaxException e) {
        throw new ValidationException(setting, "must be a regular expression over parameter names (" + e.getDescription() + ")", "'" + regex + "'");
      }
      this.egd = egd;
      this.rsvd = rsvd;
      this.window = window;
      this.alpha = alpha;
      this.lambda = lambda;
      this.minNorm = minNorm;
    }

    boolean selects(String name) { return pattern.matcher(name).matches(); }

    /** The core transform, wrapped in core's switch-off when it is a matrix transform and there is one. */
    GradientTransform create(double switchOff, SwitchOffMode mode) {
      GradientTransform t;
      switch (kind) {
        case EGD: t = CoreApi.egd(egd); break;
        case EGD_RANDOMIZED: t = CoreApi.egdRandomized(rsvd); break;
        case COLNORM: t = CoreApi.colnorm(minNorm); break;
        case GROKFAST_EMA: t = CoreApi.grokfastEma(alpha, lambda); break;
        case GROKFAST_MA: t = CoreApi.grokfastMa(window, lambda); break;
        default: throw new AssertionError(kind);
      }
      return kind.matrix && !Double.isNaN(switchOff) ? CoreApi.switchOff(t, switchOff, mode) : t;
    }

    @Override public String toString() {
      String args;
      switch (kind) {
        case EGD: args = egd.equals(EgdOptions.DEFAULT) ? "" : ", " + egd; break;
        case EGD_RANDOMIZED: args = ", rank=" + rsvd.rank() + (rsvd.equals(RandomizedEgdOptions.rank(rsvd.rank())) ? "" : ", " + rsvd); break;
        case COLNORM: args = minNorm == 0.01 ? "" : ", min=" + minNorm; break;
        case GROKFAST_EMA: args = ", alpha=" + alpha + ", lambda=" + lambda; break;
        case GROKFAST_MA: args = ", window=" + window + ", lambda=" + lambda; break;
        default: args = "";
      }
      return kind.id + "('" + regex + "'" + args + ")";
    }
  }

  /** The one thread the transforms of a lane run on (DJL hands over one parameter at a time). */
  private static final Workers ONE_THREAD = Workers.single();

  private final Optimizer inner;
  private final List<Spec> specs;
  private final double switchOffThreshold; // NaN: never
  private final SwitchOffMode switchOffMode;
  /** The test accuracy the switch-offs read: written by {@link #reportTestAccuracy} or by whoever holds it. */
  private final TestAccuracy signal;
  /** Core's switch-off around the identity, judged by the same signal as every lane's: it answers {@link #preconditioning}. */
  private final GradientTransform master;
  private final long seed;
  private final boolean saveInner;
  /** Builder.parallel: the threads the lanes' transforms run on at once; null: each on the calling thread, in DJL's order. */
  private final Workers workers;
  /** The block's parameters in its order, by name and by DJL's id. */
  private final Map<String, Parameter> byName = new LinkedHashMap<>();
  private final Map<String, String> nameById = new HashMap<>();
  private final Map<String, Integer> indexByName = new HashMap<>();
  /** Per parameter id: the transforms acting on it; absent when none does. */
  private final Map<String, Lane> lanes = new HashMap<>();
  private final Map<Device, NDManager> managers = new HashMap<>();
  private boolean shapesChecked;
  /** The parameter of the latest update call: the copies of one parameter are updated one after another. */
  private volatile String lastUpdated;
  private boolean wasPreconditioning = true;
  private final java.util.concurrent.atomic.AtomicLong transformNanos = new java.util.concurrent.atomic.AtomicLong();
  private long switchedOffAtStep = -1;

  private EgdOptimizer(Builder b) {
    super(new BaseBuilder());
    this.inner = b.inner;
    this.specs = List.copyOf(b.specs);
    this.switchOffThreshold = b.switchOff;
    this.switchOffMode = b.switchOffMode;
    this.signal = b.signal != null ? b.signal : new TestAccuracy();
    this.seed = b.seed;
    this.workers = b.threads > 1 ? new Workers(b.threads) : null;
    if (Double.isNaN(switchOffThreshold)) {
      master = null;
    } else {
      master = CoreApi.switchOff(CoreApi.identity(), switchOffThreshold, switchOffMode);
      CoreApi.init(master, CoreApi.placeholder(), CoreApi.context(seed, ONE_THREAD, signal));
    }
    this.saveInner = b.saveInner;
    int i = 0;
    for (Pair<String, Parameter> p : b.block.getParameters()) {
      byName.put(p.getKey(), p.getValue());
      nameById.put(p.getValue().getId(), p.getKey());
      indexByName.put(p.getKey(), i++);
    }
    for (Spec s : specs) {
      List<String> matched = matches(s);
      if (matched.isEmpty())
        throw new ValidationException(s.setting, "matches no parameter of the block (" + s + "); have " + byName.keySet(), "'" + s.regex + "'");
    }
    if (allInitialized()) initialize();
    else if (allShapesKnown()) checkShapes();
  }

  /**
   * Creates the transforms' state for every parameter they act on, checking them against the shapes:
   * a selection of matrix transforms that holds no matrix, a randomized EGD rank above a selected
   * matrix's limit min(rows, cols), a parameter that is not float32 (a ValidationException naming the
   * setting). Needs the block's arrays (after {@code Trainer.initialize}); the builder calls it when
   * they are there, the first update otherwise.
   */
  public synchronized void initialize() {
    ensureLanes();
  }

  private boolean allInitialized() {
    for (Parameter p : byName.values()) if (!p.isInitialized()) return false;
    return true;
  }

  /**
   * Starts a builder around the DJL optimizer that makes the updates, for the parameters of block.
   *
   * @param inner the DJL optimizer (SGD, Adam...), not another EgdOptimizer
   * @param block the block whose parameters are to be trained; parameters are matched by name
   * @return a new builder
   * @throws IllegalArgumentException if either is null, or {@code inner} is an EgdOptimizer
   */
  public static Builder builder(Optimizer inner, Block block) { return new Builder(inner, block); }

  /**
   * The DJL optimizer that receives the transformed gradients.
   *
   * @return the wrapped optimizer
   */
  public Optimizer inner() { return inner; }

  /**
   * Tells the optimizer the latest test (validation) accuracy, in [0, 1]. With a switch-off threshold,
   * the matrix transforms (EGD, randomized EGD, column normalisation) stop once an accuracy above it is
   * reported (for good by default; {@link SwitchOffMode#RECHECK}: while the latest is above); the
   * Grokfast filters go on. This is egd-core's switch-off ({@code Transforms.switchOff}), one per
   * transformed matrix, all reading the optimizer's {@link TestAccuracy} signal and judged here.
   * Returns whether the matrix transforms are on.
   *
   * @param accuracy the test accuracy, in [0, 1]
   * @return whether the matrix transforms are still on
   * @throws ValidationException ({@code test_accuracy}) if the accuracy is outside [0, 1]
   */
  public boolean reportTestAccuracy(double accuracy) { return reportTestAccuracy(accuracy, -1); }

  /**
   * As {@link #reportTestAccuracy(double)}, recording {@code epoch} as the point a switch-off turned off.
   *
   * @param accuracy the test accuracy, in [0, 1]
   * @param epoch the epoch it was measured after, or -1 for none
   * @return whether the matrix transforms are still on
   * @throws ValidationException ({@code test_accuracy}) if the accuracy is outside [0, 1]
   */
  public synchronized boolean reportTestAccuracy(double accuracy, long epoch) {
    if (!(accuracy >= 0 && accuracy <= 1)) throw new ValidationException("test_accuracy", "must be in [0, 1]", accuracy);
    signal.report(accuracy, epoch);
    if (allInitialized()) ensureLanes(); // every switch-off judges this report, so they all agree
    for (Lane l : lanes.values()) if (l != null) l.judge();
    return preconditioning();
  }

  /**
   * The signal the switch-offs read; a loop may write it directly instead of calling {@link #reportTestAccuracy}.
   *
   * @return the signal, shared with the builder's if one was given
   */
  public TestAccuracy testAccuracy() { return signal; }

  /**
   * Whether the matrix transforms still run (false once switched off), by the latest accuracy reported.
   *
   * @return true until a switch-off has turned the matrix transforms off (always true without a switch-off)
   */
  public synchronized boolean preconditioning() {
    boolean on = master == null || CoreApi.active(master);
    if (wasPreconditioning && !on && switchedOffAtStep < 0) switchedOffAtStep = steps();
    wasPreconditioning = on;
    return on;
  }

  /**
   * The step (as {@link #steps}) at which the switch-off happened, or -1.
   *
   * @return the step, or -1 while the matrix transforms are on
   */
  public long switchedOffAtStep() { return switchedOffAtStep; }

  /**
   * Wall time spent in the transforms so far (reading the gradients, the transforms, writing the results), in nanoseconds.
   *
   * @return the nanoseconds, summed over threads
   */
  public long transformNanos() { return transformNanos.get(); }

  /**
   * The number of steps the transforms have run so far (the most over parameters).
   *
   * @return the steps, 0 before the first update
   */
  public synchronized long steps() {
    long n = 0;
    for (Lane l : lanes.values()) if (l != null) n = Math.max(n, l.steps);
    return n;
  }

  /**
   * The number of steps the transforms have run on one parameter, by name (0 when none acts on it).
   *
   * @param parameterName a parameter's name in the block
   * @return the steps of that parameter's transforms
   * @throws IllegalArgumentException if the block has no parameter of that name
   */
  public synchronized long steps(String parameterName) {
    Parameter p = byName.get(parameterName);
    if (p == null) throw new IllegalArgumentException("no parameter named " + parameterName + "; have " + byName.keySet());
    Lane l = lanes.get(p.getId());
    return l == null ? 0 : l.steps;
  }

  /**
   * The transforms acting on each parameter, by name, in order, e.g.
   * {@code {01Linear_weight=[egd, grokfast-ema], 01Linear_bias=[grokfast-ema]}}; a matrix transform is
   * listed only where the parameter is a matrix (once shapes are known: before, by name).
   *
   * @return a new map, in the block's order; parameters no transform acts on are left out
   */
  public Map<String, List<String>> plan() {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (Map.Entry<String, Parameter> e : byName.entrySet()) {
      long[] shape = shapeOf(e.getValue());
      List<String> ids = new ArrayList<>();
      for (Spec s : specs) if (applies(s, e.getKey(), shape)) ids.add(s.kind.id);
      if (!ids.isEmpty()) out.put(e.getKey(), ids);
    }
    return out;
  }

  /**
   * Counters of the transforms, as egd's engine records them in a run's summary: the routes exact EGD
   * took ({@code egd_route_*}, summed over matrices), the steps the matrix transforms ran
   * ({@code preconditioned_steps}) and the epoch given with the report that switched them off
   * ({@code switched_off_after_epoch}), the largest over matrices.
   *
   * @return a new map of counters
   */
  public synchronized Map<String, Object> stats() {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Lane l : orderedLanes()) {
      for (GradientTransform t : l.transforms) {
        if (!(t instanceof Reporting)) continue;
        for (Map.Entry<String, Object> e : ((Reporting) t).stats().entrySet()) {
          Object was = out.get(e.getKey()), now = e.getValue();
          if (!(now instanceof Number)) {
            out.putIfAbsent(e.getKey(), now);
          } else if (!(was instanceof Number)) {
            out.put(e.getKey(), now);
          } else if (e.getKey().startsWith("egd_route_")) {
            out.put(e.getKey(), ((Number) was).longValue() + ((Number) now).longValue());
          } else {
            out.put(e.getKey(), Math.max(((Number) was).longValue(), ((Number) now).longValue()));
          }
        }
      }
    }
    return out;
  }

  /**
   * A one-line description: the transforms, the switch-off, and the wrapped optimizer.
   *
   * @return the description: the transforms in order, then the wrapped optimizer's class name
   */
  public String describe() {
    String chain = specs.stream().map(Spec::toString).collect(Collectors.joining(" -> "));
    return (chain.isEmpty() ? "" : chain + (Double.isNaN(switchOffThreshold) ? "" : " (matrix transforms until test acc > " + switchOffThreshold
        + (switchOffMode == SwitchOffMode.RECHECK ? ", re-checked" : "") + ")") + " -> ")
        + inner.getClass().getSimpleName();
  }

  @Override public String toString() { return "EgdOptimizer[" + describe() + "]"; }

  // ---------------------------------------------------------------------------------------------
  // the update

  @Override
  public void update(String parameterId, NDArray weight, NDArray grad) {
    if (master != null) preconditioning(); // notes the step of a switch-off reported to the signal directly
    if (workers != null) prefetchIfNewStep(parameterId);
    boolean follows = parameterId.equals(lastUpdated);
    lastUpdated = parameterId;
    Lane lane = lane(parameterId, weight);
    if (lane == null) {
      inner.update(parameterId, weight, grad);
      return;
    }
    NDArray transformed;
    synchronized (lane) {
      if (!lane.activeNow()) {
        transformed = null;
      } else {
        String copy = weight.getUid();
        boolean newStep = !follows || lane.seen.isEmpty() || lane.seen.contains(copy) || (lane.copies > 0 && lane.seen.size() >= lane.copies);
        if (newStep) {
          if (lane.copies == 0 && !lane.seen.isEmpty()) lane.copies = lane.seen.size();
          lane.seen.clear();
          long t0 = System.nanoTime();
          if (lane.pending) lane.verify(grad);
          else lane.compute(grad);
          transformNanos.addAndGet(System.nanoTime() - t0);
        } else if (workers != null) {
          throw new IllegalStateException("parallel transforms need one device: " + lane.name + " has several copies");
        }
        lane.seen.add(copy);
        transformed = lane.resultOn(weight, this);
      }
    }
    inner.update(parameterId, weight, transformed == null ? grad : transformed);
  }

  // ---------------------------------------------------------------------------------------------
  // parallel transforms (Builder.parallel)

  private final Set<String> updatedThisStep = new HashSet<>();
  /** For tests: how many lane steps the parallel mode has run ahead of their update calls. */
  long prefetched;

  /**
   * At the first update call of a DJL step (a parameter updated again, or the first call of all):
   * reads every transformed parameter's own gradient ({@code getArray().getGradient()}, which DJL's
   * Trainer.step hands over on one device) and runs the lanes' transforms on the workers at once, the
   * largest matrices first, each lane on one thread. The lanes' own update calls then check that the
   * gradient handed over is the one read, and take the result.
   */
  private synchronized void prefetchIfNewStep(String parameterId) {
    if (!updatedThisStep.isEmpty() && !updatedThisStep.contains(parameterId)) {
      updatedThisStep.add(parameterId);
      return;
    }
    updatedThisStep.clear();
    updatedThisStep.add(parameterId);
    if (!allInitialized()) return;
    ensureLanes();
    List<Lane> todo = new ArrayList<>();
    for (Lane l : orderedLanes()) {
      synchronized (l) {
        if (l.pending)
          throw new IllegalStateException("parallel transforms need every parameter updated once per step (DJL's Trainer.step): " + l.name
              + " was not updated in the last one");
        if (!l.activeNow()) continue;
        NDArray w = byName.get(l.name).getArray();
        if (!w.hasGradient()) continue;
        long t0 = System.nanoTime();
        try (NDArray g = w.getGradient()) {
          l.read(g);
        }
        if (l.input == null) l.input = new float[l.data.length];
        System.arraycopy(l.data, 0, l.input, 0, l.data.length);
        l.pending = true;
        prefetched++;
        transformNanos.addAndGet(System.nanoTime() - t0);
        todo.add(l);
      }
    }
    if (todo.isEmpty()) return;
    // largest first, each to the least loaded worker
    todo.sort((a, b) -> Long.compare(b.cost, a.cost));
    int n = workers.size();
    List<List<Lane>> plan = new ArrayList<>();
    long[] load = new long[n];
    for (int i = 0; i < n; i++) plan.add(new ArrayList<>());
    for (Lane l : todo) {
      int best = 0;
      for (int i = 1; i < n; i++) if (load[i] < load[best]) best = i;
      plan.get(best).add(l);
      load[best] += l.cost;
    }
    long t0 = System.nanoTime();
    workers.run(w -> {
      for (Lane l : plan.get(w)) l.run();
    });
    transformNanos.addAndGet(System.nanoTime() - t0);
  }

  /** The lane of a parameter, created on its first update; null when no transform acts on it. */
  private synchronized Lane lane(String parameterId, NDArray weight) {
    if (lanes.containsKey(parameterId)) return lanes.get(parameterId);
    if (!shapesChecked) checkShapes();
    String name = nameById.get(parameterId);
    Lane lane = name == null ? null : newLane(name, weight.getShape().getShape(), weight.getDataType());
    lanes.put(parameterId, lane);
    return lane;
  }

  private Lane newLane(String name, long[] shape, DataType type) {
    List<Spec> mine = new ArrayList<>();
    for (Spec s : specs) if (applies(s, name, shape)) mine.add(s);
    if (mine.isEmpty()) return null;
    if (type != DataType.FLOAT32)
      throw new ValidationException("parameters", "must be float32 for egd's transforms; " + name + " is", type);
    try {
      return new Lane(name, shape, mine, CoreApi.context(laneSeed(name), ONE_THREAD, signal), switchOffThreshold, switchOffMode);
    } catch (ValidationException e) {
      if (shape.length <= 2) throw e;
      int[] rc = matrixView(shape);
      throw new ValidationException(e.parameter(), e.constraint() + "; the kernel " + new Shape(shape) + " is the " + rc[0] + "x" + rc[1] + " matrix "
          + "[out, in*kh*kw]", e.value());
    }
  }

  private long laneSeed(String name) {
    return seed * 0x9E3779B97F4A7C15L + indexByName.get(name);
  }

  synchronized NDManager managerFor(Device device, NDArray like) {
    return managers.computeIfAbsent(device, d -> like.getManager().getEngine().newBaseManager(d));
  }

  /** Frees the arrays that hold transformed gradients; the optimizer must not be used after. */
  @Override public synchronized void close() {
    for (Lane l : lanes.values()) if (l != null) l.results.clear();
    for (NDManager m : managers.values()) m.close();
    managers.clear();
    if (workers != null) workers.close();
  }

  /** The transforms acting on one parameter, their one-tensor parameter set and its result arrays. */
  private static final class Lane {
    final String name;
    final long[] shape;
    final Tensor tensor;
    final ParamSet set;
    final float[] data;
    final Spec[] specs;
    final GradientTransform[] transforms;
    /** Whether every link is a switch-off: then a lane whose switch-offs are all off passes the gradient on untouched. */
    final boolean allSwitchable;
    final ByteBuffer out;
    final Map<Device, NDArray> results = new HashMap<>();
    final Set<Device> fresh = new HashSet<>();
    final Set<String> seen = new HashSet<>();
    int copies;
    long steps;
    /** Parallel mode: the gradient as read at the step's start, a result waiting for this lane's update call. */
    float[] input, scratch;
    boolean pending;
    /** A rough cost of the transforms (for the parallel plan): rows x cols x min(rows, cols). */
    final long cost;

    Lane(String name, long[] shape, List<Spec> specs, InitContext context, double switchOff, SwitchOffMode mode) {
      this.name = name;
      this.shape = shape.clone();
      int[] rc = matrixView(shape);
      data = new float[rc[0] * rc[1]];
      tensor = CoreApi.matrix(name, rc[0], rc[1], data);
      set = CoreApi.single(tensor);
      this.specs = specs.toArray(new Spec[0]);
      transforms = new GradientTransform[this.specs.length];
      boolean all = true;
      for (int i = 0; i < transforms.length; i++) {
        transforms[i] = this.specs[i].create(switchOff, mode);
        CoreApi.init(transforms[i], set, context);
        all &= CoreApi.switchable(transforms[i]);
      }
      allSwitchable = all;
      out = ByteBuffer.allocateDirect(data.length * Float.BYTES).order(ByteOrder.nativeOrder());
      cost = (long) rc[0] * rc[1] * Math.min(rc[0], rc[1]);
    }

    /** Whether some link will act this step (judging the switch-offs by the latest accuracy reported). */
    boolean activeNow() {
      if (!allSwitchable) return true;
      boolean any = false;
      for (GradientTransform t : transforms) any |= CoreApi.active(t);
      return any;
    }

    /** Makes every switch-off judge the latest report now. */
    synchronized void judge() {
      for (GradientTransform t : transforms) CoreApi.active(t);
    }

    void compute(NDArray grad) {
      read(grad, data);
      run();
    }

    void read(NDArray grad) { read(grad, data); }

    /** The gradient into a host array. */
    void read(NDArray grad, float[] into) {
      if (grad.getDataType() != DataType.FLOAT32) throw new IllegalArgumentException(name + ": gradient is " + grad.getDataType() + ", not float32");
      if (grad.size() != into.length) throw new IllegalArgumentException(name + ": gradient of shape " + grad.getShape() + ", expected " + new Shape(shape));
      if (grad.getDevice().equals(Device.cpu())) {
        grad.toByteBuffer(true).asFloatBuffer().get(into);
      } else {
        try (NDArray onCpu = grad.toDevice(Device.cpu(), true)) {
          onCpu.toByteBuffer(true).asFloatBuffer().get(into);
        }
      }
    }

    /** The transforms on data, then the result into the buffer the result arrays are set from. */
    void run() {
      for (GradientTransform t : transforms) CoreApi.update(t, set, steps); // a switch-off that is off passes the gradient on
      steps++;
      out.clear();
      out.asFloatBuffer().put(data);
      fresh.clear();
    }

    /** Parallel mode: the gradient handed over must be the one the step's start read (its result is ready). */
    void verify(NDArray grad) {
      if (scratch == null) scratch = new float[data.length];
      read(grad, scratch);
      pending = false;
      if (!java.util.Arrays.equals(scratch, input))
        throw new IllegalStateException("parallel transforms: the gradient handed over for " + name + " is not the parameter's own gradient at the "
            + "step's first update (parallel(threads) needs DJL's Trainer.step on one device; build without parallel to call update yourself)");
    }

    /** The transformed gradient on the weight's device: one array per device, rewritten once per step. */
    NDArray resultOn(NDArray weight, EgdOptimizer owner) {
      Device device = weight.getDevice();
      NDArray r = results.get(device);
      if (r == null || r.isReleased()) {
        r = owner.managerFor(device, weight).create(new Shape(shape), DataType.FLOAT32);
        results.put(device, r);
        fresh.remove(device);
      }
      if (fresh.add(device)) r.set(out);
      return r;
    }
  }

  /** rows x cols of the matrix view: [d0, d1.., dk] is d0 x (d1..dk); a vector [n] is 1 x n. */
  static int[] matrixView(long[] shape) {
    long size = 1;
    for (long d : shape) size *= d;
    if (size > Integer.MAX_VALUE - 8) throw new ValidationException("parameters", "must have fewer than 2^31 elements for egd's transforms", new Shape(shape));
    if (shape.length < 2) return new int[] {1, (int) size};
    return new int[] {(int) shape[0], (int) (size / shape[0])};
  }

  static boolean isMatrix(long[] shape) {
    int[] rc = matrixView(shape);
    return rc[0] > 1 && rc[1] > 1;
  }

  private boolean applies(Spec s, String name, long[] shape) {
    if (!s.selects(name)) return false;
    return !s.kind.matrix || shape == null || isMatrix(shape);
  }

  private List<String> matches(Spec s) {
    List<String> out = new ArrayList<>();
    for (String n : byName.keySet()) if (s.selects(n)) out.add(n);
    return out;
  }

  private static long[] shapeOf(Parameter p) {
    if (p.isInitialized()) return p.getArray().getShape().getShape();
    Shape s = p.getShape();
    return s == null ? null : s.getShape();
  }

  private boolean allShapesKnown() {
    for (Parameter p : byName.values()) if (shapeOf(p) == null) return false;
    return true;
  }

  /** A matrix transform whose every match is a vector is an error (once every shape is known). */
  private void checkShapes() {
    shapesChecked = true;
    if (!allShapesKnown()) return;
    for (Spec s : specs) {
      if (!s.kind.matrix) continue;
      boolean any = false;
      for (String n : matches(s)) any |= isMatrix(shapeOf(byName.get(n)));
      if (!any) {
        List<String> matrices = byName.entrySet().stream().filter(e -> isMatrix(shapeOf(e.getValue()))).map(Map.Entry::getKey).collect(Collectors.toList());
        throw new ValidationException(s.setting, "matches only parameters that are not matrices (" + s + ": " + matches(s) + "); the matrices are " + matrices,
            "'" + s.regex + "'");
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // checkpoints

  private static final int FORMAT = 2;

  /**
   * Writes the transforms' state and (unless the builder said otherwise) the wrapped optimizer's own,
   * after the parameters have shapes (after {@code Trainer.initialize}). The stream is not closed.
   *
   * @param os where the state goes
   * @throws IOException if writing fails
   */
  public synchronized void save(OutputStream os) throws IOException {
    ensureLanes();
    State.Out out = new State.Out(os);
    out.tag("egd-djl").i32(FORMAT).str(describe());
    out.f64(signal.latest()).i64(signal.epoch()).bool(wasPreconditioning).i64(switchedOffAtStep);
    out.bool(master != null);
    if (master != null) CoreApi.save(master, out.tag("switch-off"));
    List<Lane> mine = orderedLanes();
    out.i32(mine.size());
    for (Lane l : mine) {
      out.str(l.name).longs(l.shape).i64(l.steps).i32(l.copies);
      for (int i = 0; i < l.transforms.length; i++) CoreApi.save(l.transforms[i], out.tag(l.specs[i].kind.id));
    }
    out.bool(saveInner);
    if (saveInner) InnerOptimizerState.save(inner, nameById, out);
    out.flush();
  }

  /**
   * Restores what {@link #save} wrote into an optimizer built the same way around a block of the same
   * architecture (parameter names and shapes), after {@code Trainer.initialize}; anything else fails
   * with an IOException naming the first mismatch. The stream is not closed.
   *
   * @param is what {@link #save} wrote
   * @throws IOException if reading fails, or the state is not of this optimizer's configuration and block
   */
  public synchronized void load(InputStream is) throws IOException {
    ensureLanes();
    State.In in = new State.In(is);
    in.tag("egd-djl");
    int format = in.i32();
    if (format != FORMAT) throw new IOException("unknown egd-djl checkpoint format " + format);
    String was = in.str();
    if (!was.equals(describe())) throw new IOException("checkpoint does not match this run: it was made by " + was + ", this is " + describe());
    double latest = in.f64();
    long epoch = in.i64();
    boolean on = in.bool();
    long offAt = in.i64();
    if (in.bool() != (master != null)) throw new IOException("checkpoint does not match this run: another switch-off");
    if (master != null) CoreApi.load(master, in.tag("switch-off"));
    List<Lane> mine = orderedLanes();
    int n = in.i32();
    if (n != mine.size()) throw new IOException("checkpoint does not match this run: " + n + " transformed parameters, here " + mine.size());
    for (Lane l : mine) {
      String name = in.str();
      if (!name.equals(l.name)) throw new IOException("checkpoint does not match this run: parameter " + name + " where " + l.name + " was expected");
      long[] shape = in.longs();
      if (!java.util.Arrays.equals(shape, l.shape))
        throw new IOException("checkpoint does not match this run: " + name + " has shape " + new Shape(shape) + ", here " + new Shape(l.shape));
      l.steps = in.i64();
      l.copies = in.i32();
      l.seen.clear();
      for (int i = 0; i < l.transforms.length; i++) CoreApi.load(l.transforms[i], in.tag(l.specs[i].kind.id));
    }
    boolean hasInner = in.bool();
    if (hasInner != saveInner) throw new IOException("checkpoint does not match this run: the wrapped optimizer's state was " + (hasInner ? "" : "not ") + "saved");
    if (hasInner) InnerOptimizerState.load(inner, byName, in);
    if (!Double.isNaN(latest)) signal.report(latest, epoch);
    wasPreconditioning = on;
    switchedOffAtStep = offAt;
    lastUpdated = null;
  }

  /** Creates the lane of every parameter some transform acts on (their shapes must be known). */
  private void ensureLanes() {
    if (!shapesChecked) checkShapes();
    for (Map.Entry<String, Parameter> e : byName.entrySet()) {
      Parameter p = e.getValue();
      if (lanes.containsKey(p.getId())) continue;
      if (!p.isInitialized()) throw new IllegalStateException("parameter " + e.getKey() + " has no array yet: save and load after Trainer.initialize");
      NDArray a = p.getArray();
      lanes.put(p.getId(), newLane(e.getKey(), a.getShape().getShape(), a.getDataType()));
    }
  }

  private List<Lane> orderedLanes() {
    List<Lane> out = new ArrayList<>();
    for (Parameter p : byName.values()) {
      Lane l = lanes.get(p.getId());
      if (l != null) out.add(l);
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // building

  /** DJL's Optimizer needs a builder for its own (unused) settings: rescaling, clipping and decay belong to the wrapped optimizer. */
  private static final class BaseBuilder extends OptimizerBuilder<BaseBuilder> {
    @Override protected BaseBuilder self() { return this; }
  }

  /** Collects the transforms, in the order they are to run. */
  public static final class Builder {
    private final Optimizer inner;
    private final Block block;
    private final List<Spec> specs = new ArrayList<>();
    private double switchOff = Double.NaN;
    private SwitchOffMode switchOffMode = SwitchOffMode.STICKY;
    private TestAccuracy signal;
    private long seed;
    private boolean saveInner = true;
    private int threads = 1;

    private Builder(Optimizer inner, Block block) {
      if (inner == null) throw new IllegalArgumentException("the wrapped optimizer is null");
      if (block == null) throw new IllegalArgumentException("the block is null");
      if (inner instanceof EgdOptimizer) throw new IllegalArgumentException("wrap a DJL optimizer, not another EgdOptimizer");
      this.inner = inner;
      this.block = block;
    }

    /**
     * Exact EGD ({@code G = U S V^T -> U V^T}) on the matrices whose names match regex, with egd's defaults.
     *
     * @param regex a regular expression the whole parameter name must match
     * @return this builder
     */
    public Builder egd(String regex) { return egd(regex, EgdOptions.DEFAULT); }

    /**
     * Exact EGD with the given route, floor and rank cut-off ({@link EgdOptions}).
     *
     * @param regex a regular expression the whole parameter name must match
     * @param options the kernel's settings, not null
     * @return this builder
     * @throws ValidationException ({@code egd_route}) if {@code options} is null
     */
    public Builder egd(String regex, EgdOptions options) {
      if (options == null) throw ValidationException.of("egd_route", "needs options (EgdOptions.DEFAULT)");
      return add(new Spec(Kind.EGD, regex, "egd_layers", options, null, 0, 0, 0, 0));
    }

    /**
     * EGD through a randomized SVD of the given rank (fresh sketch every step, 2 power iterations; the
     * part of the gradient outside the top-rank left singular subspace is dropped, as the paper does),
     * on the matrices whose names match regex. A rank above a selected matrix's limit min(rows, cols) is
     * refused (a ValidationException of {@code rank}) once the shapes are known.
     *
     * @param regex a regular expression the whole parameter name must match
     * @param rank the sketch's rank, at least 1
     * @return this builder
     * @throws ValidationException ({@code rank}) if {@code rank < 1}
     */
    public Builder egdRandomized(String regex, int rank) { return egdRandomized(regex, RandomizedEgdOptions.rank(rank)); }

    /**
     * Randomized EGD with every setting given ({@link RandomizedEgdOptions}; its clipToMatrix is not used: a rank above a matrix's limit is refused).
     *
     * @param regex a regular expression the whole parameter name must match
     * @param options rank, power iterations, oversampling, residual; not null
     * @return this builder
     * @throws ValidationException ({@code rank}) if {@code options} is null
     */
    public Builder egdRandomized(String regex, RandomizedEgdOptions options) {
      if (options == null) throw ValidationException.of("rank", "needs options (RandomizedEgdOptions.rank(r))");
      return add(new Spec(Kind.EGD_RANDOMIZED, regex, "egd_layers", null, options, 0, 0, 0, 0));
    }

    /**
     * Divides each column of the matching matrices' gradients by max(its norm, 0.01).
     *
     * @param regex a regular expression the whole parameter name must match
     * @return this builder
     */
    public Builder colnorm(String regex) { return colnorm(regex, 0.01); }

    /**
     * Divides each column of the matching matrices' gradients by max(its norm, minNorm).
     *
     * @param regex a regular expression the whole parameter name must match
     * @param minNorm the floor of a column's norm, &gt; 0
     * @return this builder
     * @throws ValidationException ({@code colnorm_min}) if {@code minNorm} is not &gt; 0
     */
    public Builder colnorm(String regex, double minNorm) {
      CoreApi.colnorm(minNorm);
      return add(new Spec(Kind.COLNORM, regex, "egd_layers", null, null, 0, 0, 0, minNorm));
    }

    /**
     * Grokfast-EMA on every parameter: {@code ema <- alpha ema + (1 - alpha) g; g <- g + lambda ema}.
     *
     * @param alpha the EMA's decay, in [0, 1)
     * @param lambda the amplification, &gt;= 0
     * @return this builder
     * @throws ValidationException ({@code ema_alpha}, {@code ema_lambda}) if a value is out of range
     */
    public Builder grokfastEma(double alpha, double lambda) { return grokfastEma(".*", alpha, lambda); }

    /**
     * Grokfast-EMA on the parameters whose names match regex.
     *
     * @param regex a regular expression the whole parameter name must match
     * @param alpha the EMA's decay, in [0, 1)
     * @param lambda the amplification, &gt;= 0
     * @return this builder
     * @throws ValidationException ({@code ema_alpha}, {@code ema_lambda}) if a value is out of range
     */
    public Builder grokfastEma(String regex, double alpha, double lambda) {
      CoreApi.validateEma(alpha, lambda);
      return add(new Spec(Kind.GROKFAST_EMA, regex, "ema_layers", null, null, 0, alpha, lambda, 0));
    }

    /**
     * Grokfast-MA on every parameter: {@code g <- g + lambda mean(last window gradients)} once the window is full.
     *
     * @param window gradients averaged, at least 1
     * @param lambda the amplification, &gt;= 0
     * @return this builder
     * @throws ValidationException ({@code ma_window}, {@code ma_lambda}) if a value is out of range
     */
    public Builder grokfastMa(int window, double lambda) { return grokfastMa(".*", window, lambda); }

    /**
     * Grokfast-MA on the parameters whose names match regex.
     *
     * @param regex a regular expression the whole parameter name must match
     * @param window gradients averaged, at least 1
     * @param lambda the amplification, &gt;= 0
     * @return this builder
     * @throws ValidationException ({@code ma_window}, {@code ma_lambda}) if a value is out of range
     */
    public Builder grokfastMa(String regex, int window, double lambda) {
      CoreApi.validateMa(window, lambda);
      return add(new Spec(Kind.GROKFAST_MA, regex, "ma_layers", null, null, window, 0, lambda, 0));
    }

    /**
     * Stops EGD, randomized EGD and column normalisation for good once
     * {@link EgdOptimizer#reportTestAccuracy} is told an accuracy above threshold (in (0, 1]); the
     * Grokfast filters go on, as in egd's CLI.
     *
     * @param threshold the test accuracy, in (0, 1]
     * @return this builder
     * @throws ValidationException ({@code switch_off}) if the threshold is outside (0, 1]
     */
    public Builder switchOff(double threshold) { return switchOff(threshold, SwitchOffMode.STICKY); }

    /**
     * A switch-off with the given rule (sticky, or the paper's re-check at every report).
     *
     * @param threshold the test accuracy, in (0, 1]
     * @param mode sticky or recheck, not null
     * @return this builder
     * @throws ValidationException ({@code switch_off}, {@code switch_off_mode}) if a value is out of range
     */
    public Builder switchOff(double threshold, SwitchOffMode mode) {
      CoreApi.validateSwitchOff(threshold);
      if (mode == null) throw ValidationException.of("switch_off_mode", "must be sticky or recheck");
      this.switchOff = threshold;
      this.switchOffMode = mode;
      return this;
    }

    /**
     * The signal the switch-offs read (default: a fresh one, written by
     * {@link EgdOptimizer#reportTestAccuracy}); share one with a loop that reports to it itself.
     *
     * @param signal the signal, not null
     * @return this builder
     * @throws IllegalArgumentException if {@code signal} is null
     */
    public Builder testAccuracy(TestAccuracy signal) {
      if (signal == null) throw new IllegalArgumentException("the test-accuracy signal is null");
      this.signal = signal;
      return this;
    }

    /**
     * Runs the transforms of the parameters at once on this many threads (default 1: each parameter's
     * at its own update call, in DJL's order). At the first update call of a step the optimizer reads
     * every transformed parameter's own gradient and transforms them all, the largest matrices first,
     * each parameter on one thread (egd's kernels keep OpenBLAS on one thread); results are those of the
     * sequential order, bit for bit. Needs DJL's {@code Trainer.step} on one device (every parameter
     * updated once per step with its own gradient); anything else is an IllegalStateException.
     *
     * @param threads threads, in [1, 256]
     * @return this builder
     * @throws ValidationException ({@code threads}) if the count is out of range
     */
    public Builder parallel(int threads) {
      dev.egd.Check.inRange("threads", threads, 1, 256);
      this.threads = threads;
      return this;
    }

    /**
     * Seed of randomized EGD's sketches (default 0).
     *
     * @param seed any value
     * @return this builder
     */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * Whether {@link EgdOptimizer#save} also writes the wrapped optimizer's state (default true; turn
     * off for an optimizer whose internals {@link InnerOptimizerState} does not know).
     *
     * @param save whether to write the wrapped optimizer's state
     * @return this builder
     */
    public Builder saveInnerState(boolean save) {
      this.saveInner = save;
      return this;
    }

    private Builder add(Spec s) {
      specs.add(s);
      return this;
    }

    /**
     * Makes the optimizer; hand it to DJL's training configuration ({@code optOptimizer}). The transforms are
     * set up once the parameters have shapes, at the first update.
     *
     * @return the optimizer
     */
    public EgdOptimizer build() { return new EgdOptimizer(this); }
  }

  /** For tests: the names of the parameters, in the block's order. */
  List<String> names() { return Collections.unmodifiableList(new ArrayList<>(byName.keySet())); }

  /** For tests: how many NDArrays this optimizer's own managers hold (the transformed gradients). */
  synchronized int arraysHeld() {
    int n = 0;
    for (NDManager m : managers.values()) n += m.getManagedArrays().size();
    return n;
  }
}
