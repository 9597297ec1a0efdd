package dev.egd.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real standalone cluster: a master and two workers (1 core, 1 GiB each), each its own JVM with
 * Spark's jars and nothing of egd; this JVM is the driver (egd sweep --engine spark in-process) and
 * ships the egd job jar (spark.jars). One worker is killed, with its executor (SIGKILL: the machine
 * dies), while it runs a run that has saved a checkpoint; the sweep must finish with the local
 * engine's bytes, the run resumed from that checkpoint.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS) // never hang a build
class StandaloneClusterIT {
  @TempDir static Path tmp;
  static StandaloneCluster cluster;
  static Path spec, reference;
  static double masterSeconds, referenceSeconds, workersSeconds; // the reference: 0 s when the unit tests' is used

  /** Spark's own class path: what a Spark distribution's jars/ holds (Spark, Scala, Hadoop client, Netty, Jackson, log4j...). */
  static List<String> sparkJars() throws Exception {
    List<String> jars = new ArrayList<>();
    for (String f : System.getProperty("egd.sparkClasspath").split(","))
      for (String j : Files.readString(Path.of(f)).strip().split(java.io.File.pathSeparator)) if (!j.isBlank()) jars.add(j);
    return jars;
  }

  static String jobJar() {
    String j = System.getProperty("egd.jobjar");
    assertTrue(j != null && Files.isRegularFile(Path.of(j)), "the job jar (mvn package) " + j);
    return j;
  }

  /** One cluster for the class: the master, then both workers, booting while this JVM runs the local reference. */
  @BeforeAll static void start() throws Exception {
    long t0 = System.nanoTime();
    cluster = StandaloneCluster.startMaster(tmp.resolve("cluster"), sparkJars(), Duration.ofSeconds(90));
    long t1 = System.nanoTime();
    cluster.startWorkers(2, 1, "1g");
    spec = Sweeps.spec(tmp, "cluster", "vanilla, egd", 2, 20); // 4 of LocalSparkSweepTest's 6 runs
    reference = sharedReferenceIsCurrent() ? Sweeps.SHARED_REFERENCE : Sweeps.reference(spec, tmp.resolve("local"));
    long t2 = System.nanoTime();
    cluster.awaitWorkers(2, Duration.ofSeconds(90));
    long t3 = System.nanoTime();
    masterSeconds = (t1 - t0) / 1e9;
    referenceSeconds = (t2 - t1) / 1e9;
    workersSeconds = (t3 - t2) / 1e9;
  }

  /** The unit tests' reference is whole and was made by the egd-core and egd-cli jars this JVM runs (built before it in the same build). */
  static boolean sharedReferenceIsCurrent() throws Exception {
    Path ref = Sweeps.SHARED_REFERENCE;
    if (!Files.isRegularFile(ref.resolve("report.html")) || Sweeps.metrics(ref).size() != 6) return false;
    for (Class<?> c : List.of(dev.egd.cli.Main.class, dev.egd.experiment.SweepRuns.class)) {
      Path jar = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (!Files.isRegularFile(jar) || Files.getLastModifiedTime(jar).compareTo(Files.getLastModifiedTime(ref.resolve("sweep.json"))) > 0) return false;
    }
    return true;
  }

  @AfterAll static void stop() {
    if (cluster != null) cluster.close();
  }

  @Test void aSweepSurvivesAWorkerKilledMidRunWithTheSameBytes() throws Exception {
    Path out = tmp.resolve("spark");
    Killer.cluster = cluster;
    Killer.index = 1;
    Killer.when = out.resolve("runs/base/vanilla/seed1/checkpoint.bin");
    long t0 = System.nanoTime();
    Sweeps.Result r = Sweeps.egd("sweep", spec.toString(), "--out", out.toString(), "--engine", "spark", "--master", cluster.masterUrl(),
        "--engine-conf", "spark.jars=" + jobJar(), "--engine-conf", "spark.executor.memory=1g",
        // executors start faster with C1 only and the serial collector; the runs are tiny (and C1 computes the same bytes)
        "--engine-conf", "spark.executor.extraJavaOptions=-XX:TieredStopAtLevel=1 -XX:+UseSerialGC",
        "--engine-conf", "spark.extraListeners=" + Killer.class.getName());
    System.out.printf("standalone IT: master %.1f s, local reference %.1f s, then workers up %.1f s, the sweep %.1f s; %s%n", masterSeconds,
        referenceSeconds, workersSeconds, (System.nanoTime() - t0) / 1e9, Killer.events);
    assertEquals(0, r.rc(), r.toString());
    assertEquals(1, Killer.events.stream().filter(e -> e.startsWith("killed worker")).count(), Killer.events.toString());
    assertFalse(cluster.worker(Killer.killedWorker).isAlive());
    assertEquals(4, Sweeps.assertSameMetrics(reference, out), "metrics.csv of every run, byte for byte, as the local engine wrote them");
    assertTrue(r.out().contains("lost: "), "the driver said an executor was lost: " + r.out());
    assertTrue(r.out().contains("base vanilla s1: finished on attempt 2, resumed from its checkpoint"), r.out());
  }

  /** Kills the worker running the first attempt of task {@code index}, and that worker's executor, once its run has saved a checkpoint. */
  public static final class Killer extends SparkListener {
    static volatile StandaloneCluster cluster;
    static volatile int index = -1;
    static volatile Path when;
    static volatile int killedWorker = -1;
    static final List<String> events = new CopyOnWriteArrayList<>();

    @Override public void onTaskStart(SparkListenerTaskStart e) {
      if (e.taskInfo().index() != index || e.taskInfo().attemptNumber() != 0) return;
      String executor = e.taskInfo().executorId();
      Thread t = new Thread(() -> {
        try {
          for (int i = 0; i < 120_000 / 5 && !Files.exists(when); i++) Thread.sleep(5);
          int w = cluster.workerOfExecutor(executor).orElseThrow(() -> new IllegalStateException("no worker runs executor " + executor));
          int lines = Files.readAllLines(when.resolveSibling("metrics.csv")).size();
          cluster.killWorker(w, true);
          killedWorker = w;
          events.add("killed worker " + w + " (executor " + executor + ") at " + lines + " metrics lines");
        } catch (Exception ex) {
          events.add("killer: " + ex);
        }
      }, "it-killer");
      t.setDaemon(true);
      t.start();
    }
  }
}
