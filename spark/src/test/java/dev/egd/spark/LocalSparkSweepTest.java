package dev.egd.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A sweep on local[2], as egd-spark runs it: the same bytes as the local engine. */
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
}
