package dev.egd.spark;

import java.io.Serializable;

/**
 * What one task tells the driver about its run: little, because the run's result is its directory's
 * summary, which the driver reads back itself (the directory is shared; reading it also shows that the
 * driver sees what the executor wrote).
 *
 * @param status the run's status ({@code completed}, {@code stopped-after-target}, {@code diverged}),
 *     {@code refused} (the run cannot run there: a directory the executor cannot write, settings it
 *     refuses; not retried) or {@code failed} (its last allowed attempt failed)
 * @param message why, for refused and failed
 * @param attempt Spark's attempt number (0 for the first)
 * @param resumed whether this attempt continued from the run's checkpoint
 * @param readBack whether an earlier attempt had finished the run and this one only read it back
 * @param host where it ran
 */
public record RunOutcome(String id, String status, String message, int attempt, boolean resumed, boolean readBack, String host,
    double seconds) implements Serializable {
  private static final long serialVersionUID = 2L;

  /** Whether the run has a result in its directory. */
  public boolean ran() { return !status.equals("refused") && !status.equals("failed"); }
}
