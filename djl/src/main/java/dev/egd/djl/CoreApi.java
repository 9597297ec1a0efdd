package dev.egd.djl;

import dev.egd.nn.ParamSet;
import dev.egd.nn.Tensor;
import dev.egd.optim.EgdOptions;
import dev.egd.optim.GradientTransform;
import dev.egd.optim.InitContext;
import dev.egd.optim.ParamSelector;
import dev.egd.optim.RandomizedEgdOptions;
import dev.egd.optim.SwitchOffMode;
import dev.egd.optim.Switchable;
import dev.egd.optim.TestAccuracy;
import dev.egd.optim.Transforms;
import dev.egd.util.State;
import dev.egd.util.Workers;
import java.io.IOException;

/**
 * The one place where this module touches egd-core's transform API (its public surface only:
 * {@link Transforms}, {@link Tensor#wrap}, {@link ParamSet#of}, {@link InitContext},
 * {@link TestAccuracy}, {@link Switchable}).
 *
 * <p>Every transform here acts on a parameter set of exactly one tensor, the gradient of one DJL
 * parameter seen as a matrix (see {@link EgdOptimizer}): DJL hands the optimizer one parameter at a
 * time, and every egd transform used here is independent across parameters (EGD per matrix, the
 * Grokfast filters per element), so one set per parameter computes what one set of all would.
 */
final class CoreApi {
  private CoreApi() {}

  /** A rows x cols gradient over {@code data}, which the transforms rewrite in place (a 1 x n one is a vector). */
  static Tensor matrix(String name, int rows, int cols, float[] data) { return Tensor.wrap(name, rows, cols, data); }

  static ParamSet single(Tensor t) { return ParamSet.of(t); }

  /** Exact EGD on the one matrix of its set, with egd's defaults (auto route, floor 1e-6, rank cut-off max(r, c) 2^-23). */
  static GradientTransform egd(EgdOptions options) { return Transforms.egd(ParamSelector.all(), options); }

  /**
   * Randomized EGD of the given rank (2 power iterations, no oversampling, the residual dropped unless
   * the options say otherwise); a rank above the matrix's limit min(rows, cols) is a ValidationException
   * of {@code rank} at {@link #init}.
   */
  static GradientTransform egdRandomized(RandomizedEgdOptions options) { return Transforms.egdRandomized(ParamSelector.all(), options.withClipToMatrix(false)); }

  static GradientTransform colnorm(double minNorm) { return Transforms.colnorm(ParamSelector.all(), minNorm); }

  static GradientTransform grokfastEma(double alpha, double lambda) { return Transforms.grokfastEma(alpha, lambda); }

  static GradientTransform grokfastMa(int window, double lambda) { return Transforms.grokfastMa(window, lambda); }

  /** {@code inner} until the reported test accuracy exceeds threshold (core's switch-off, reading the context's signal). */
  static GradientTransform switchOff(GradientTransform inner, double threshold, SwitchOffMode mode) {
    return Transforms.switchOff(inner, threshold, mode);
  }

  /** The identity: what the optimizer's own switch-off (the one that answers for all of them) wraps. */
  static GradientTransform identity() { return Transforms.chain(); }

  /** A one-element set the identity's switch-off is initialised on. */
  static ParamSet placeholder() { return ParamSet.of(Tensor.wrap("switch", 1, 1, new float[1])); }

  /** Whether a switch-off still lets its transform run, judged now by the latest accuracy reported. */
  static boolean active(GradientTransform t) { return !(t instanceof Switchable) || ((Switchable) t).active(); }

  static boolean switchable(GradientTransform t) { return t instanceof Switchable; }

  /** Checks arguments now (the factories validate), so that a builder fails at the call that is wrong. */
  static void validateEma(double alpha, double lambda) { Transforms.grokfastEma(alpha, lambda); }

  static void validateMa(int window, double lambda) { Transforms.grokfastMa(window, lambda); }

  static void validateSwitchOff(double threshold) { Transforms.switchOff(identity(), threshold); }

  static InitContext context(long seed, Workers workers, TestAccuracy signal) { return InitContext.of(seed, workers, signal); }

  /** Allocates the transform's state for this one-tensor set; throws a ValidationException when it cannot run on it. */
  static void init(GradientTransform t, ParamSet params, InitContext context) { t.init(params, context); }

  /** Rewrites the one gradient in place; step counts this parameter's updates from 0. */
  static void update(GradientTransform t, ParamSet grads, long step) { t.update(grads, grads, step); }

  static String describe(GradientTransform t) { return t.describe(); }

  static void save(GradientTransform t, State.Out out) throws IOException { t.saveState(out); }

  static void load(GradientTransform t, State.In in) throws IOException { t.loadState(in); }
}
