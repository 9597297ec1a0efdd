package dev.egd.cli;

import dev.egd.experiment.TrainingRun;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Ctrl-C and SIGTERM for a running command: the JVM's shutdown hook asks every trainer to stop at its
 * next evaluation (where it checkpoints), then waits until the command has finished writing its files
 * and printing what it prints, resume hint included, before it lets the JVM exit.
 */
final class StopOnSignal implements AutoCloseable {
  /** How long a stopping command may take to finish after the signal. */
  static final long GRACE_MILLIS = 120_000;

  private final CountDownLatch done = new CountDownLatch(1);
  private final Thread hook;

  StopOnSignal(Supplier<List<? extends TrainingRun>> runs) {
    hook = new Thread(() -> {
      runs.get().forEach(TrainingRun::requestStop);
      try {
        done.await(GRACE_MILLIS, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "egd-stop");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** The command has written and printed everything: a pending shutdown may go on. */
  @Override public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // a signal came: the hook is running and waits for this
    }
    done.countDown();
  }
}
