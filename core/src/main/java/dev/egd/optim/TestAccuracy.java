package dev.egd.optim;

/**
 * The latest test accuracy: written by whoever evaluates (egd's trainer, or a user's own loop after
 * each evaluation), read by switch-offs at their next update. One way only: transforms never write it,
 * so evaluation cannot be called back into.
 */
public final class TestAccuracy {
  private volatile double latest = Double.NaN;
  private volatile long epoch = -1;

  /** Reports an evaluation; {@code epoch} is recorded as the point a switch-off turned off. */
  public void report(double accuracy, long epoch) {
    this.latest = accuracy;
    this.epoch = epoch;
  }

  /** Reports an evaluation without an epoch count. */
  public void report(double accuracy) { report(accuracy, -1); }

  /** The last accuracy reported; NaN before the first. */
  public double latest() { return latest; }

  /** The epoch of the last report, or -1. */
  public long epoch() { return epoch; }
}
