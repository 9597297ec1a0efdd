package dev.egd.optim;

/**
 * The latest test accuracy: written by whoever evaluates (egd's trainer, or a user's own loop after
 * each evaluation), read by switch-offs at their next update. One way only: transforms never write it,
 * so evaluation cannot be called back into. Safe to write from one thread and read from others.
 */
public final class TestAccuracy {
  private volatile double latest = Double.NaN;
  private volatile long epoch = -1;

  /**
   * Reports an evaluation; {@code epoch} is recorded as the point a switch-off turned off.
   *
   * @param accuracy the test accuracy, in [0, 1]
   * @param epoch the epoch it was measured after, or -1 for none
   */
  public void report(double accuracy, long epoch) {
    this.latest = accuracy;
    this.epoch = epoch;
  }

  /**
   * Reports an evaluation without an epoch count.
   *
   * @param accuracy the test accuracy, in [0, 1]
   */
  public void report(double accuracy) { report(accuracy, -1); }

  /**
   * The last accuracy reported; NaN before the first.
   *
   * @return the accuracy, or NaN
   */
  public double latest() { return latest; }

  /**
   * The epoch of the last report, or -1.
   *
   * @return the epoch, or -1 when none was reported
   */
  public long epoch() { return epoch; }
}
