package dev.egd.spark;

/** A sweep that cannot start or did not finish on Spark, said in one line (no stack trace). */
public final class SparkSweepException extends Exception {
  private static final long serialVersionUID = 1L;

  private final boolean beforeStart;

  /** @param beforeStart true when nothing ran (bad master, unreachable, no executors): the user's input or setup */
  public SparkSweepException(String message, boolean beforeStart) {
    super(message, null, false, false);
    this.beforeStart = beforeStart;
  }

  public SparkSweepException(String message) { this(message, true); }

  public boolean beforeStart() { return beforeStart; }
}
