package dev.egd.optim;

import dev.egd.Check;
import dev.egd.linalg.RandomizedEgd;

/**
 * Settings of randomized EGD ({@link Transforms#egdRandomized(ParamSelector, RandomizedEgdOptions)}).
 *
 * @param rank the sketch's rank r, &gt;= 1
 * @param clipToMatrix lower r to a matrix's limit min(rows, cols) instead of rejecting it (as the
 *     reference code's reduced QR does on a small output layer); without it a rank above the limit of
 *     every selected matrix is rejected (it would be exact EGD under another name)
 * @param powerIterations power iterations with re-orthonormalisation, &gt;= 0 (default 2)
 * @param oversample extra sketch columns, &gt;= 0 (default 0)
 * @param residual what happens to the gradient outside the top-r subspace (the paper drops it)
 * @param fixedSketch the same Gaussian sketch every step (the official parity and modular scripts draw
 *     it once, from {@code PRNGKey(0)}) instead of a fresh one (the paper's description, the default)
 */
public record RandomizedEgdOptions(int rank, boolean clipToMatrix, int powerIterations, int oversample, RandomizedEgd.Residual residual,
    boolean fixedSketch) {
  /** Rank used when none is given: 64, lowered to each matrix's limit. */
  public static final int DEFAULT_RANK = 64;

  /**
   * Checks every setting.
   *
   * @param rank &gt;= 1
   * @param clipToMatrix whether to lower r to a matrix's limit
   * @param powerIterations in [0, 1000]
   * @param oversample in [0, 2<sup>20</sup>]
   * @param residual not null
   * @param fixedSketch whether to draw the sketch once
   * @throws dev.egd.ValidationException ({@code rank}, {@code power_iters} up to 1000, {@code oversample} up to
   *     2<sup>20</sup>, {@code rsvd_residual}) if a value is out of range
   */
  public RandomizedEgdOptions {
    Check.atLeast("rank", rank, 1);
    Check.inRange("power_iters", powerIterations, 0, 1000);
    Check.inRange("oversample", oversample, 0, 1 << 20);
    if (residual == null) throw dev.egd.ValidationException.of("rsvd_residual", "must be drop or keep");
  }

  /**
   * A fresh sketch every step.
   *
   * @param rank the sketch's rank r, &gt;= 1
   * @param clipToMatrix lower r to a matrix's limit instead of rejecting it
   * @param powerIterations power iterations, in [0, 1000]
   * @param oversample extra sketch columns, &gt;= 0
   * @param residual what happens to the gradient outside the top-r subspace, not null
   * @throws dev.egd.ValidationException if a value is out of range
   */
  public RandomizedEgdOptions(int rank, boolean clipToMatrix, int powerIterations, int oversample, RandomizedEgd.Residual residual) {
    this(rank, clipToMatrix, powerIterations, oversample, residual, false);
  }

  /**
   * Rank r, 2 power iterations, no oversampling, the residual dropped; r above a matrix's limit is rejected.
   *
   * @param rank the sketch's rank r, &gt;= 1
   * @return the options
   * @throws dev.egd.ValidationException ({@code rank}) if {@code rank < 1}
   */
  public static RandomizedEgdOptions rank(int rank) {
    return new RandomizedEgdOptions(rank, false, 2, 0, RandomizedEgd.Residual.DROP);
  }

  /**
   * @param clip whether to lower r to a matrix's limit
   * @return a copy with this choice
   */
  public RandomizedEgdOptions withClipToMatrix(boolean clip) { return new RandomizedEgdOptions(rank, clip, powerIterations, oversample, residual, fixedSketch); }
  /**
   * @param q the new number of power iterations, in [0, 1000]
   * @return a copy with this number
   */
  public RandomizedEgdOptions withPowerIterations(int q) { return new RandomizedEgdOptions(rank, clipToMatrix, q, oversample, residual, fixedSketch); }
  /**
   * @param o the new number of extra sketch columns, &gt;= 0
   * @return a copy with this number
   */
  public RandomizedEgdOptions withOversample(int o) { return new RandomizedEgdOptions(rank, clipToMatrix, powerIterations, o, residual, fixedSketch); }
  /**
   * @param r the new residual rule, not null
   * @return a copy with this rule
   */
  public RandomizedEgdOptions withResidual(RandomizedEgd.Residual r) { return new RandomizedEgdOptions(rank, clipToMatrix, powerIterations, oversample, r, fixedSketch); }
  /**
   * @param fixed whether to draw the sketch once and keep it
   * @return a copy with this choice
   */
  public RandomizedEgdOptions withFixedSketch(boolean fixed) { return new RandomizedEgdOptions(rank, clipToMatrix, powerIterations, oversample, residual, fixed); }
}
