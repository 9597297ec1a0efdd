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
 */
public record RandomizedEgdOptions(int rank, boolean clipToMatrix, int powerIterations, int oversample, RandomizedEgd.Residual residual) {
  /** Rank used when none is given: 64, lowered to each matrix's limit. */
  public static final int DEFAULT_RANK = 64;

  public RandomizedEgdOptions {
    Check.atLeast("rank", rank, 1);
    Check.inRange("power_iters", powerIterations, 0, 1000);
    Check.inRange("oversample", oversample, 0, 1 << 20);
    if (residual == null) throw dev.egd.ValidationException.of("rsvd_residual", "must be drop or keep");
  }

  /** Rank r, 2 power iterations, no oversampling, the residual dropped; r above a matrix's limit is rejected. */
  public static RandomizedEgdOptions rank(int rank) {
    return new RandomizedEgdOptions(rank, false, 2, 0, RandomizedEgd.Residual.DROP);
  }

  public RandomizedEgdOptions withClipToMatrix(boolean clip) { return new RandomizedEgdOptions(rank, clip, powerIterations, oversample, residual); }
  public RandomizedEgdOptions withPowerIterations(int q) { return new RandomizedEgdOptions(rank, clipToMatrix, q, oversample, residual); }
  public RandomizedEgdOptions withOversample(int o) { return new RandomizedEgdOptions(rank, clipToMatrix, powerIterations, o, residual); }
  public RandomizedEgdOptions withResidual(RandomizedEgd.Residual r) { return new RandomizedEgdOptions(rank, clipToMatrix, powerIterations, oversample, r); }
}
