package dev.egd.nn;

/** Running sums of a loss and of correct predictions over examples. Not thread-safe: one per thread, then {@link #add}. */
public final class LossStats {
  /** The sum of the per-example losses. */
  public double lossSum;
  /** How many examples were predicted correctly. */
  public long correct;
  /** How many examples were added. */
  public long count;

  /** Sets every sum to zero, to start counting again. */
  public void clear() {
    lossSum = 0;
    correct = 0;
    count = 0;
  }

  /**
   * Adds another's sums to these (merging the sums of several threads).
   *
   * @param o the sums to add; unchanged
   */
  public void add(LossStats o) {
    lossSum += o.lossSum;
    correct += o.correct;
    count += o.count;
  }

  /** @return the mean loss per example, NaN when none was counted */
  public double meanLoss() { return count == 0 ? Double.NaN : lossSum / count; }
  /** @return the fraction of examples predicted correctly, in [0, 1]; NaN when none was counted */
  public double accuracy() { return count == 0 ? Double.NaN : (double) correct / count; }
}
