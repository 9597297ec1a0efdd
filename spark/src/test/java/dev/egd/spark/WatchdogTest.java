package dev.egd.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.egd.ValidationException;
import dev.egd.experiment.RunConfig;
import dev.egd.experiment.SweepEngine;
import dev.egd.experiment.SweepRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The watchdog that ends a sweep no executor takes (on a cluster: no worker with the cpus and memory
 * asked for) instead of letting Spark wait for ever. Local mode has no executor but the driver, so with
 * the watchdog on there it fires; the run it cancels stops at once, with a checkpoint.
 */
class WatchdogTest {
  @Test void aSweepNoExecutorTakesEndsInOneLineWithinSeconds(@TempDir Path tmp) throws Exception {
    SparkOptions o = SparkOptions.of(Map.of("master", "local[1]", "executor-timeout", "1", "spark-log", "off"));
    o.watchLocal = true;
    Path dir = tmp.resolve("long");
    RunConfig c = RunConfig.empty().with(RunConfig.P, 23).with(RunConfig.BATCH, 64).with(RunConfig.EPOCHS, 100_000L).with(RunConfig.METHOD, "vanilla")
        .with(RunConfig.SEED, 0L).with(RunConfig.THREADS, 1).with(RunConfig.CHECKPOINT_EVERY, 0L);
    List<SweepRun> runs = List.of(new SweepRun("long", c, List.of("vanilla"), dir.toString()));
    JavaSparkContext sc = SparkSweepEngine.createContext(SparkSweepEngine.conf(o, o.sparkMaster(), 1), o.sparkMaster(), Duration.ofSeconds(60));
    try {
      long t0 = System.nanoTime();
      ValidationException e = assertThrows(ValidationException.class, () -> new SparkSweepEngine().run(sc, runs, o, new SweepEngine.Progress() {}));
      assertEquals("--master local[1,4] accepted the sweep, but no executor started within 1 s (executor-timeout): no worker offered 1 cpu(s) "
          + "and spark.executor.memory (1g)", e.render(RunTask::flag));
      assertTrue(System.nanoTime() - t0 < 20_000_000_000L, "within seconds");
      assertTrue(Files.isRegularFile(dir.resolve("checkpoint.bin")), "the cancelled run stopped with a checkpoint");
      assertFalse(Files.readString(dir.resolve("summary.json")).contains("\"completed\""));
    } finally {
      sc.stop();
    }
  }
}
