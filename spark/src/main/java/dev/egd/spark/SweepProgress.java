package dev.egd.spark;

/** What the driver hears while a sweep runs on Spark; called from Spark's listener thread, one call at a time. */
public interface SweepProgress {
  /** A task (attempt 0, 1, ...) of a run started on an executor. */
  default void started(SparkRun run, int attempt, String executor, String host) {}

  /** A run finished (with any status, "bad-input" included). */
  default void finished(SparkRun run, RunOutcome outcome, String executor, String host) {}

  /** An attempt failed; retry says whether Spark runs it again (it then resumes from the checkpoint). */
  default void failed(SparkRun run, int attempt, String executor, String host, String reason, boolean retry) {}

  /** An executor joined or left (reason non-null when it left). */
  default void executor(String executor, String host, String removedBecause) {}

  /** Counts after every event. */
  default void counts(int done, int running, int toGo, int failedAttempts) {}

  SweepProgress NONE = new SweepProgress() {};
}
