package dev.egd.djl;

import dev.egd.linalg.ExactEgd;
import dev.egd.linalg.RandomizedEgd;
import dev.egd.nn.ParamSet;
import dev.egd.nn.Tensor;
import dev.egd.optim.ColumnNormalize;
import dev.egd.optim.Egd;
import dev.egd.optim.EgdRandomized;
import dev.egd.optim.GradientTransform;
import dev.egd.optim.GrokfastEma;
import dev.egd.optim.GrokfastMa;
import dev.egd.optim.ParamSelector;
import dev.egd.util.State;
import java.io.IOException;
import java.util.List;

/**
 * The one place where this module touches egd-core's transform API, so that moving to core's
 * refactored API ({@code Transforms.egd(...)}, {@code Tensor.wrap}, {@code ParamSet.of},
 * {@code init(ParamSet, InitContext)}) is an edit of this file alone.
 *
 * <p>Every transform here acts on a parameter set of exactly one tensor, the gradient of one DJL
 * parameter seen as a matrix (see {@link EgdOptimizer}): DJL hands the optimizer one parameter at a
 * time, and every egd transform used here is independent across parameters (EGD per matrix, the
 * Grokfast filters per element), so one set per parameter computes what one set of all would.
 */
final class CoreApi {
  private CoreApi() {}

  /** Column-normalisation floor of the EGD paper (and of egd's CLI). */
  static final double COLNORM_MIN = 0.01;
  /** Randomized EGD's defaults in egd's CLI: 2 power iterations, no oversampling, residual dropped. */
  static final int RSVD_POWER_ITERS = 2;

  /**
   * A rows x cols gradient matrix; its {@link #data} is what transforms rewrite in place.
   * New API: {@code Tensor.wrap(name, rows, cols, data)} over an array owned by the caller.
   */
  static Tensor matrix(String name, int rows, int cols) {
    return new Tensor(name, rows, cols, Tensor.Kind.WEIGHT);
  }

  static float[] data(Tensor t) { return t.data; }

  /** New API: {@code ParamSet.of(t)}. */
  static ParamSet single(Tensor t) { return new ParamSet(List.of(t)); }

  /** Exact EGD (auto route, egd's default floor and rank cut-off). New API: {@code Transforms.egd(sel)}. */
  static GradientTransform egd() {
    return new Egd(ParamSelector.all(), ExactEgd.Route.AUTO, ExactEgd.DEFAULT_FLOOR);
  }

  /**
   * Randomized EGD of the given rank, lowered to min(rows, cols) on a smaller matrix.
   * New API: {@code Transforms.egdRandomized(sel, rank)}.
   */
  static GradientTransform egdRandomized(int rank) {
    return new EgdRandomized(ParamSelector.all(), rank, true, RSVD_POWER_ITERS, 0, RandomizedEgd.Residual.DROP);
  }

  /** New API: {@code Transforms.colnorm(sel)}. */
  static GradientTransform colnorm() { return new ColumnNormalize(ParamSelector.all(), COLNORM_MIN); }

  static GradientTransform grokfastEma(double alpha, double lambda) { return new GrokfastEma(alpha, lambda); }

  static GradientTransform grokfastMa(int window, double lambda) { return new GrokfastMa(window, lambda); }

  /** Checks the arguments now (the constructors validate), so that a builder fails at the call that is wrong. */
  static void validateEma(double alpha, double lambda) { new GrokfastEma(alpha, lambda); }

  static void validateMa(int window, double lambda) { new GrokfastMa(window, lambda); }

  static void validateRank(int rank) { egdRandomized(rank); }

  /** New API: {@code t.init(params, seed)} (the default seed overload) or an InitContext. */
  static void init(GradientTransform t, ParamSet params, long seed) {
    t.validate(params);
    t.init(params, seed);
  }

  /** Rewrites the one gradient in place; step counts this parameter's updates from 0. */
  static void update(GradientTransform t, ParamSet grads, long step) { t.update(grads, grads, step); }

  static String describe(GradientTransform t) { return t.describe(); }

  static void save(GradientTransform t, State.Out out) throws IOException { t.saveState(out); }

  static void load(GradientTransform t, State.In in) throws IOException { t.loadState(in); }
}
