package dev.egd.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Engine behaviour on one local[2] context, made with the engine's own settings (one Spark start for all). */
class SharedContextTest {
  static JavaSparkContext sc;

  @BeforeAll static void start() throws Exception {
    Sweeps.init();
    SparkSweepEngine e = new SparkSweepEngine(new SparkSweepEngine.Settings());
    sc = new JavaSparkContext(e.conf(SparkSweepEngine.sparkMaster("local[2]", 4), 1));
  }

  @AfterAll static void stop() {
    if (sc != null) sc.stop();
  }

  @Test void runsAnExecutorCannotWriteAreRefusedOnceEachNotRetried(@TempDir Path tmp) throws Exception {
    Path file = Files.writeString(tmp.resolve("a-file"), "not a directory");
    List<SparkRun> runs = List.of(
        new SparkRun("a", List.of("--p", "23", "--epochs", "2", "--threads", "1"), file.resolve("a").toString()),
        new SparkRun("b", List.of("--p", "23", "--epochs", "2", "--threads", "1"), file.resolve("b").toString()));
    List<RunOutcome> out = new SparkSweepEngine(new SparkSweepEngine.Settings()).run(sc, runs, SweepProgress.NONE);
    assertEquals(2, out.size());
    for (RunOutcome o : out) {
      assertTrue(o.failed(), o.toString());
      assertEquals(0, o.attempt(), "a refused run is not retried");
      assertTrue(o.message().contains("cannot create the run directory " + file.resolve(o.id())), o.message());
      assertFalse(o.message().contains("\n"));
    }
  }

  /**
   * The watchdog that ends a sweep no executor takes (on a cluster: no worker with the cpus and memory
   * asked for). Local mode has no executor but the driver, so with the watchdog on it must fire.
   */
  @Test void aSweepWithNoExecutorEndsWithOneLine(@TempDir Path tmp) throws Exception {
    SparkSweepEngine.Settings s = new SparkSweepEngine.Settings().executorTimeout(Duration.ofSeconds(1));
    s.watchLocal = true;
    Path dir = tmp.resolve("long");
    List<SparkRun> runs = List.of(new SparkRun("long", List.of("--p", "23", "--epochs", "150", "--batch", "64", "--method", "egd", "--threads", "1"), dir.toString()));
    long t0 = System.nanoTime();
    SparkSweepException e = assertThrows(SparkSweepException.class, () -> new SparkSweepEngine(s).run(sc, runs, SweepProgress.NONE));
    assertTrue(e.getMessage().startsWith("no executor started within 1 s: the master local[2,4] accepted the sweep, but no worker offered 1 cpu(s)"),
        e.getMessage());
    assertTrue(e.beforeStart());
    assertTrue(System.nanoTime() - t0 < 20_000_000_000L);
    // a cancelled local task runs on (Spark does not interrupt it): let it finish before the directory goes
    for (int i = 0; i < 600 && !Files.exists(dir.resolve("summary.json")); i++) Thread.sleep(100);
  }

  @Test void aContextWithTooFewTaskCpusIsRefused() {
    SparkSweepEngine e = new SparkSweepEngine(new SparkSweepEngine.Settings());
    List<SparkRun> two = List.of(new SparkRun("x", List.of("--threads", "3"), "/tmp/x"));
    SparkSweepException ex = assertThrows(SparkSweepException.class, () -> e.run(sc, two, SweepProgress.NONE));
    assertEquals("spark.task.cpus is 1, the runs need 3 (--threads)", ex.getMessage());
  }
}
