package dev.egd.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sweeps on local[2]: the same bytes as the local engine, and runs an executor cannot write. */
class LocalSparkSweepTest {
  @BeforeAll static void logs() { Sweeps.init(); }

  @Test void localTwoWritesTheSameMetricsAsTheLocalEngine(@TempDir Path tmp) throws Exception {
    Path spec = Sweeps.spec(tmp, 30);
    Path ref = Sweeps.reference(spec, tmp.resolve("local"));
    StringWriter out = new StringWriter(), err = new StringWriter();
    var cl = SparkSweepMain.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err, true));
    int rc = cl.execute(spec.toString(), "--out", tmp.resolve("spark").toString(), "--master", "local[2]", "--spark-log", "console", "--quiet");
    assertEquals(0, rc, err.toString());
    assertEquals(8, Sweeps.assertSameMetrics(ref, tmp.resolve("spark")));
    assertTrue(Files.isRegularFile(tmp.resolve("spark/report.html")));
    assertTrue(Files.isRegularFile(tmp.resolve("spark/stats.json")));
  }

  @Test void runsAnExecutorCannotWriteAreRefusedOnceEachNotRetried(@TempDir Path tmp) throws Exception {
    Path file = Files.writeString(tmp.resolve("a-file"), "not a directory");
    List<SparkRun> runs = List.of(
        new SparkRun("a", List.of("--p", "23", "--epochs", "2", "--threads", "1"), file.resolve("a").toString()),
        new SparkRun("b", List.of("--p", "23", "--epochs", "2", "--threads", "1"), file.resolve("b").toString()));
    List<RunOutcome> out = new SparkSweepEngine(new SparkSweepEngine.Settings().master("local[2]")).run(runs, SweepProgress.NONE);
    assertEquals(2, out.size());
    for (RunOutcome o : out) {
      assertTrue(o.failed(), o.toString());
      assertEquals(0, o.attempt(), "a refused run is not retried");
      assertTrue(o.message().contains("cannot create the run directory " + file.resolve(o.id())), o.message());
      assertFalse(o.message().contains("\n"));
    }
  }
}
