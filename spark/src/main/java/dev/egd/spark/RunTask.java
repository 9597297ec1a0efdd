package dev.egd.spark;

import dev.egd.ValidationException;
import dev.egd.cli.RunCharts;
import dev.egd.experiment.RunDirectory;
import dev.egd.experiment.SweepRun;
import dev.egd.experiment.SweepRuns;
import dev.egd.experiment.TrainingRun;
import dev.egd.train.RunResult;
import dev.egd.train.TrainListener;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * The body of one Spark task: {@link SweepRuns#execute} on the executor, the one run body every sweep
 * engine calls (a finished run is read back, one with a checkpoint resumed, anything else restarted,
 * the directory locked meanwhile), plus what only a cluster needs:
 *
 * <ul>
 *   <li>a retry may start while the attempt it replaces still holds the run's lock (a lost executor's
 *       run stopping, checkpointing): it waits for the lock up to {@code lock-wait}, then resumes from
 *       what that attempt left;</li>
 *   <li>a task that Spark kills (a cancelled sweep, a killed attempt) asks its run to stop: it
 *       checkpoints at its next evaluation, and the next attempt resumes there; so does a run whose
 *       executor JVM is shutting down;</li>
 *   <li>failures: a run its executor cannot run at all (a directory it cannot write, settings it
 *       refuses) is {@code refused}, not retried; any other failure is thrown, so that Spark retries
 *       the task, except on its last allowed attempt, which returns {@code failed}, so that the other
 *       runs go on (as with the local engine: a failed run is recorded, the sweep finishes).</li>
 * </ul>
 */
public final class RunTask {
  /** How long a stopping executor JVM waits for its run to checkpoint. */
  static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(60);
  private static final TrainListener QUIET = new TrainListener() {};

  private RunTask() {}

  /**
   * Runs {@code run} as attempt {@code attempt} of at most {@code maxFailures}.
   *
   * @param killed tells whether Spark has killed the task (polled); null when there is no task
   */
  public static RunOutcome execute(SweepRun run, int attempt, int maxFailures, Duration lockWait, BooleanSupplier killed) throws Exception {
    long t0 = System.nanoTime();
    Path dir = run.path();
    String host = host();
    AtomicReference<TrainingRun> current = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(1);
    Thread watcher = killed == null ? null : new Thread(() -> {
      try {
        while (!done.await(50, TimeUnit.MILLISECONDS)) {
          if (killed.getAsBoolean()) {
            TrainingRun r = current.get();
            if (r != null) r.requestStop();
          }
        }
      } catch (InterruptedException e) {
        // the task ended
      }
    }, "egd-spark-kill-watch");
    Thread hook = new Thread(() -> { // the executor JVM is stopping: checkpoint, then let it go
      TrainingRun r = current.get();
      if (r != null) r.requestStop();
      try {
        done.await(SHUTDOWN_GRACE.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "egd-spark-stop-run");
    if (watcher != null) {
      watcher.setDaemon(true);
      watcher.start();
    }
    boolean hooked = addHook(hook);
    try {
      long deadline = System.nanoTime() + lockWait.toNanos();
      while (true) {
        boolean finished = RunDirectory.isFinished(dir), resume = !finished && RunDirectory.hasCheckpoint(dir);
        try {
          RunResult r = SweepRuns.execute(run, QUIET, RunCharts.INSTANCE, "egd spark task " + run.id() + " (attempt " + (attempt + 1) + ") on " + host,
              tr -> {
                current.set(tr);
                if (killed != null && killed.getAsBoolean()) tr.requestStop();
              });
          double s = (System.nanoTime() - t0) / 1e9;
          if (r.status().equals("interrupted"))
            throw new RunFailed(run.id() + " stopped at epoch " + r.epochsRun() + " (its task was killed or its executor is stopping); it left a checkpoint to resume from");
          return new RunOutcome(run.id(), r.status(), null, attempt, resume, finished, host, s);
        } catch (ValidationException e) {
          if (!inUse(e)) return outcome(run, "refused", e.render(RunTask::flag) + " (on " + host + ")", attempt, t0);
          if (System.nanoTime() > deadline)
            throw new RunFailed(run.id() + ": its directory is still locked by another attempt after " + lockWait.toSeconds()
                + " s (lock-wait): " + e.constraint());
          Thread.sleep(250);
        }
      }
    } catch (RunFailed e) {
      if (attempt + 1 >= maxFailures && !(killed != null && killed.getAsBoolean())) return outcome(run, "failed", e.getMessage(), attempt, t0);
      throw e;
    } catch (Exception | OutOfMemoryError | StackOverflowError e) {
      String why = describe(e) + " (on " + host + ")";
      if (attempt + 1 >= maxFailures && !(killed != null && killed.getAsBoolean())) return outcome(run, "failed", why, attempt, t0);
      throw new RunFailed(run.id() + " failed: " + why);
    } finally {
      done.countDown();
      if (hooked) {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // the hook runs and returns now
        }
      }
    }
  }

  /** Whether the run's directory is held by another writer (another attempt of the run, still alive). */
  static boolean inUse(ValidationException e) {
    return e.parameter().equals("out") && e.constraint().startsWith("is in use by another egd process");
  }

  private static boolean addHook(Thread hook) {
    try {
      Runtime.getRuntime().addShutdownHook(hook);
      return true;
    } catch (IllegalStateException shuttingDown) {
      return false;
    }
  }

  private static RunOutcome outcome(SweepRun run, String status, String message, int attempt, long t0) {
    return new RunOutcome(run.id(), status, message, attempt, false, false, host(), (System.nanoTime() - t0) / 1e9);
  }

  /** A library parameter as the command line names it: egd_rcond is --egd-rcond. */
  static String flag(String parameter) { return "--" + parameter.replace('_', '-'); }

  /** One line: what went wrong, with which file. */
  static String describe(Throwable e) {
    if (e instanceof ValidationException) return ((ValidationException) e).render(RunTask::flag);
    if (e instanceof java.nio.file.FileSystemException) {
      java.nio.file.FileSystemException f = (java.nio.file.FileSystemException) e;
      return e.getClass().getSimpleName() + " on " + f.getFile() + (f.getReason() == null ? "" : ": " + f.getReason());
    }
    if (e instanceof java.io.UncheckedIOException && e.getCause() != null) return describe(e.getCause());
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : ": " + m.split("\\R", 2)[0]);
  }

  static String host() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "this host";
    }
  }

  /** A failed attempt that Spark should retry; its message is what the driver prints. */
  public static final class RunFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RunFailed(String message) { super(message, null, false, false); }
  }
}
