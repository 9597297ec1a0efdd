package dev.egd.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.egd.experiment.OutputDirectory;
import dev.egd.experiment.RunConfig;
import dev.egd.experiment.SweepRun;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The task body without Spark: a retry waits (bounded) for the attempt that still holds the run's lock. */
class RunTaskTest {
  @TempDir Path tmp;

  static SweepRun run(Path dir) {
    RunConfig c = RunConfig.empty().with(RunConfig.P, 23).with(RunConfig.BATCH, 64).with(RunConfig.EPOCHS, 3L).with(RunConfig.METHOD, "egd").with(RunConfig.SEED, 0L)
        .with(RunConfig.THREADS, 1);
    return new SweepRun("r", c, List.of("egd"), dir.toString());
  }

  @Test void aRetryWaitsForTheLockThenRuns() throws Exception {
    Path dir = tmp.resolve("r");
    OutputDirectory.Lock held = OutputDirectory.lock(dir, "out", "an earlier attempt");
    CompletableFuture<RunOutcome> retry = CompletableFuture.supplyAsync(() -> {
      try {
        return RunTask.execute(run(dir), 1, 4, Duration.ofSeconds(30), () -> false);
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
    Thread.sleep(1000);
    assertTrue(!retry.isDone(), "waits while the directory is held");
    held.close();
    RunOutcome o = retry.get();
    assertEquals("completed", o.status(), o.toString());
    assertTrue(o.seconds() >= 1, o.toString());
  }

  @Test void aRetryGivesUpAfterLockWait() throws Exception {
    Path dir = tmp.resolve("r");
    try (OutputDirectory.Lock held = OutputDirectory.lock(dir, "out", "an earlier attempt")) {
      RunTask.RunFailed e = assertThrows(RunTask.RunFailed.class, () -> RunTask.execute(run(dir), 1, 4, Duration.ofSeconds(1), () -> false));
      assertTrue(e.getMessage().startsWith("r: its directory is still locked by another attempt after 1 s (lock-wait)"), e.getMessage());
      // the last allowed attempt records the failure instead, so the other runs go on
      RunOutcome last = RunTask.execute(run(dir), 3, 4, Duration.ofSeconds(1), () -> false);
      assertEquals("failed", last.status());
    }
  }
}
