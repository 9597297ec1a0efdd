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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each way a sweep on Spark cannot start: one line, exit 2, nothing written. */
class BadInputTest {
  @TempDir Path tmp;

  /** egd sweep SPEC --out tmp/out ARGS must fail with exit 2 and this one line, and leave tmp/out unmade. */
  Sweeps.Result refused(String expected, String... args) throws Exception {
    Path spec = Sweeps.spec(tmp, "bad", "vanilla, egd", 1, 2);
    List<String> cmd = new ArrayList<>(List.of("sweep", spec.toString(), "--out", tmp.resolve("out").toString()));
    cmd.addAll(List.of(args));
    long t0 = System.nanoTime();
    Sweeps.Result r = Sweeps.egd(cmd.toArray(new String[0]));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(2, r.rc(), r.toString());
    assertEquals(1, r.err().strip().lines().count(), "one line: " + r);
    assertEquals("egd: " + expected, r.err().strip());
    assertFalse(Files.exists(tmp.resolve("out")), "nothing written");
    assertTrue(ms < 15_000, ms + " ms");
    return r;
  }

  @Test void anUnknownEngine() throws Exception {
    refused("--engine must be local or one of [spark]: sparkle", "--engine", "sparkle");
  }

  @Test void aMasterUrlOfNoKnownForm() throws Exception {
    refused("--master foo is not a Spark master URL; use local, local[N], local[*], local[N,F], spark://HOST:PORT, yarn or k8s://HOST:PORT",
        "--engine", "spark", "--master", "foo");
    refused("--master spark://127.0.0.1: expected spark://HOST:PORT, got '127.0.0.1'", "--engine=spark", "--master", "spark://127.0.0.1");
  }

  @Test void aMasterUrlThatSparkRejects() throws Exception {
    refused("--master mesos://127.0.0.1:5050 is refused by Spark: Could not parse Master URL: 'mesos://127.0.0.1:5050'",
        "--engine", "spark", "--master", "mesos://127.0.0.1:5050");
  }

  /** The check above says what Spark itself says when it starts with that master. */
  @Test void sparkSaysTheSame() {
    Exception e = assertThrows(Exception.class, () -> new JavaSparkContext(new SparkConf().setMaster("mesos://127.0.0.1:5050").setAppName("t")
        .set("spark.ui.enabled", "false")));
    assertEquals("Could not parse Master URL: 'mesos://127.0.0.1:5050'", e.getMessage());
  }

  @Test void anUnreachableMasterWithinSeconds() throws Exception {
    refused("--master spark://127.0.0.1:1 cannot be reached (127.0.0.1:1: Connection refused); is the Spark master running, and is the address right?",
        "--engine", "spark", "--master", "spark://127.0.0.1:1");
  }

  @Test void badEngineSettings() throws Exception {
    refused("--engine-conf spark.speculation=true is refused: a speculative copy of a task would be a second writer of the same run directory "
        + "(the run lock would stop it); retries already cover lost and failed tasks", "--engine", "spark", "--engine-conf", "spark.speculation=true");
    refused("--engine-conf start-timout is not a setting of the spark engine; it takes start-timeout, executor-timeout, lock-wait, max-failures, "
        + "spark-log and Spark's own spark.* settings", "--engine", "spark", "--engine-conf", "start-timout=5");
    refused("--engine-conf start-timeout=0: must be a whole number of seconds in [1, 86400]", "--engine", "spark", "--engine-conf", "start-timeout=0");
  }

  @Test void aResultsDirectoryThatCannotBeWritten() throws Exception {
    Path file = Files.writeString(tmp.resolve("a-file"), "x");
    Path spec = Sweeps.spec(tmp, "bad", "vanilla", 1, 2);
    Sweeps.Result r = Sweeps.egd("sweep", spec.toString(), "--out", file.resolve("sweep").toString(), "--engine", "spark", "--master", "local[1]");
    assertEquals(2, r.rc(), r.toString());
    assertEquals("egd: --out cannot be created (" + file + " is not a writable directory): " + file.resolve("sweep"), r.err().strip());
    assertEquals("x", Files.readString(file));
  }

  /**
   * Directories the driver checked but no executor can write (on a cluster: --out not shared): the
   * engine refuses the sweep in one line, and the executors wrote nothing.
   */
  @Test void runDirectoriesNoExecutorCanWrite() throws Exception {
    Path file = Files.writeString(tmp.resolve("a-file"), "x");
    List<SweepRun> runs = new ArrayList<>();
    for (int seed = 0; seed < 2; seed++) {
      RunConfig c = RunConfig.empty().with(RunConfig.P, 23).with(RunConfig.BATCH, 64).with(RunConfig.EPOCHS, 2L).with(RunConfig.METHOD, "vanilla").with(RunConfig.SEED, (long) seed)
          .with(RunConfig.THREADS, 1);
      runs.add(new SweepRun("s" + seed, c, List.of("vanilla"), file.resolve("sweep/runs/s" + seed).toString()));
    }
    List<String> failed = new ArrayList<>();
    ValidationException e = assertThrows(ValidationException.class, () -> new SparkSweepEngine().run(runs,
        Map.of("master", "local[2]", "spark-log", "off"), new SweepEngine.Progress() {
          @Override public void failed(SweepRun run, String why) { failed.add(why); }
        }));
    assertEquals(2, failed.size(), "refused once each, not retried: " + failed);
    String msg = e.render(RunTask::flag);
    assertTrue(msg.startsWith("--out cannot be written on Spark's executors (every run was refused; the first: --out cannot be created ("
        + file + " is not a writable directory): " + file.resolve("sweep/runs/s")), msg);
    assertTrue(msg.endsWith("); it must be a directory that the driver and every executor see at the same path (a shared file system)"), msg);
    assertFalse(msg.contains("\n"), msg);
    assertEquals("x", Files.readString(file));
  }
}
