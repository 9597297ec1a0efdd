package dev.egd.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkConf;
import org.apache.spark.launcher.JavaModuleOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One clear line for each way a sweep cannot start, and the settings every sweep gets. */
class BadInputTest {
  @BeforeAll static void logs() { Sweeps.init(); }

  record Result(int rc, String out, String err, long millis) {}

  static Result main(String... args) {
    StringWriter out = new StringWriter(), err = new StringWriter();
    var cl = SparkSweepMain.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err, true));
    long t0 = System.nanoTime();
    int rc = cl.execute(args);
    return new Result(rc, out.toString(), err.toString(), (System.nanoTime() - t0) / 1_000_000);
  }

  static void assertOneLine(Result r, String expected) {
    assertEquals(2, r.rc(), r.err());
    assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
    assertTrue(r.err().startsWith("egd-spark: "), r.err());
    assertTrue(r.err().contains(expected), r.err());
  }

  @Test void aMasterUrlOfNoKnownFormIsRefusedBeforeSparkStarts(@TempDir Path tmp) throws Exception {
    Result r = main(Sweeps.spec(tmp, 2).toString(), "--out", tmp.resolve("o").toString(), "--master", "foo", "--spark-log", "console");
    assertOneLine(r, "--master foo is not a Spark master URL; use local, local[N]");
    r = main(Sweeps.spec(tmp, 2).toString(), "--out", tmp.resolve("o").toString(), "--master", "spark://127.0.0.1", "--spark-log", "console");
    assertOneLine(r, "expected spark://HOST:PORT");
  }

  @Test void aMasterUrlThatSparkRejectsIsOneLine(@TempDir Path tmp) throws Exception {
    Result r = main(Sweeps.spec(tmp, 2).toString(), "--out", tmp.resolve("o").toString(), "--master", "mesos://127.0.0.1:5050",
        "--spark-log", "console");
    assertOneLine(r, "Spark refused to start with --master mesos://127.0.0.1:5050: Could not parse Master URL: 'mesos://127.0.0.1:5050'");
  }

  @Test void anUnreachableMasterIsOneLineWithinSeconds(@TempDir Path tmp) throws Exception {
    Result r = main(Sweeps.spec(tmp, 2).toString(), "--out", tmp.resolve("o").toString(), "--master", "spark://127.0.0.1:1",
        "--spark-log", "console");
    assertOneLine(r, "cannot reach the Spark master spark://127.0.0.1:1 (127.0.0.1:1: Connection refused)");
    assertTrue(r.millis() < 30_000, r.millis() + " ms");
  }

  @Test void aResultsDirectoryThatCannotBeWrittenIsOneLine(@TempDir Path tmp) throws Exception {
    Path file = Files.writeString(tmp.resolve("a-file"), "x");
    Result r = main(Sweeps.spec(tmp, 2).toString(), "--out", file.resolve("sweep").toString(), "--master", "local[1]", "--spark-log", "console");
    assertOneLine(r, "--out " + file.resolve("sweep") + " cannot be created");
  }

  /** As a user sees it: a separate JVM, Spark's log in its file, and on stderr one line and no stack trace. */
  @Test void inItsOwnJvmTheConsoleShowsOneLine(@TempDir Path tmp) throws Exception {
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> cmd = StandaloneCluster.javaCommand(List.of(cp.split(java.io.File.pathSeparator)), List.of(), SparkSweepMain.class.getName(),
        List.of(Sweeps.spec(tmp, 2).toString(), "--out", tmp.resolve("o").toString(), "--master", "mesos://127.0.0.1:5050"));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(tmp.resolve("err").toFile()).redirectOutput(tmp.resolve("out").toFile());
    Process p = pb.start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    List<String> err = new ArrayList<>(Files.readAllLines(tmp.resolve("err"), StandardCharsets.UTF_8));
    err.removeIf(l -> l.startsWith("WARNING: Using incubator modules")); // the JVM's own note on --add-modules=jdk.incubator.vector
    assertEquals(2, p.exitValue(), String.join("\n", err));
    assertEquals(List.of("egd-spark: Spark refused to start with --master mesos://127.0.0.1:5050: Could not parse Master URL: 'mesos://127.0.0.1:5050'"), err);
    assertTrue(Files.readString(tmp.resolve("o/spark-driver.log")).contains("Could not parse Master URL"));
  }

  @Test void everySweepGetsItsSettings() throws Exception {
    SparkSweepEngine e = new SparkSweepEngine(new SparkSweepEngine.Settings().conf("spark.speculation", "true").conf("spark.executor.memory", "2g"));
    SparkConf c = e.conf(SparkSweepEngine.sparkMaster("local[2]", 4), 3);
    assertEquals("local[2,4]", c.get("spark.master"));
    assertEquals("false", c.get("spark.speculation"), "speculation is off whatever the user says");
    assertEquals("3", c.get("spark.task.cpus"));
    assertEquals("4", c.get("spark.task.maxFailures"));
    assertEquals("1", c.get("spark.executorEnv.OPENBLAS_NUM_THREADS"));
    assertEquals("2g", c.get("spark.executor.memory"));
    assertEquals("local[1,4]", SparkSweepEngine.sparkMaster("local", 4));
    assertEquals("local[*,4]", SparkSweepEngine.sparkMaster("local[*]", 4));
    assertEquals("local[3,7]", SparkSweepEngine.sparkMaster("local[3,7]", 4));
    assertEquals("spark://a:7077,b:7077", SparkSweepEngine.sparkMaster("spark://a:7077,b:7077", 4));
    assertThrows(SparkSweepException.class, () -> SparkSweepEngine.sparkMaster("spark://a:port", 4));
    assertThrows(SparkSweepException.class, () -> SparkSweepEngine.sparkMaster("local[0]", 4));
    assertTrue(SparkSweepEngine.loopback("spark://127.0.0.1:7077"));
  }

  @Test void theDriverJvmHasSparksModuleOptions() {
    List<String> jvm = ManagementFactory.getRuntimeMXBean().getInputArguments();
    for (String o : JavaModuleOptions.defaultModuleOptionArray())
      assertTrue(jvm.contains(o), "spark/pom.xml spark.javaOpts lacks " + o + " (Spark's JavaModuleOptions changed?)");
  }
}
