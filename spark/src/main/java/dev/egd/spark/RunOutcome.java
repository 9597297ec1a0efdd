package dev.egd.spark;

import java.io.Serializable;

/**
 * What one executed run reports back to the driver.
 *
 * @param status the summary's status ("completed", "diverged", ...), or "bad-input" when train refused
 *     the run (message says why; such a run is not retried)
 * @param resumed whether this attempt continued from the directory's checkpoint
 * @param attempt Spark's attempt number of the task (0 for the first)
 * @param epochsToTarget null when the target was not reached
 */
public record RunOutcome(String id, int exitCode, String status, String message, boolean resumed, int attempt, long epochsRun,
    Long epochsToTarget, Double secondsToTarget, double seconds) implements Serializable {
  private static final long serialVersionUID = 1L;

  public boolean failed() { return status.equals("bad-input"); }
}
