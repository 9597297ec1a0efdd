package dev.egd.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real standalone cluster: a master and two workers (1 core, 1 GiB each), each its own JVM with
 * Spark's jars and nothing of egd; this JVM is the driver and ships the egd job jar (spark.jars).
 * One worker is killed while it runs a run; the sweep must finish with the same bytes as the local engine.
 */
class StandaloneClusterIT {
  @BeforeAll static void logs() { Sweeps.init(); }

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

  @Timeout(value = 240, unit = TimeUnit.SECONDS) // never hang a build
  @Test void aSweepSurvivesAWorkerKilledMidRunWithTheSameBytes(@TempDir Path tmp) throws Exception {
    long t0 = System.nanoTime();
    Path spec = Sweeps.spec(tmp, 30);
    try (StandaloneCluster cluster = StandaloneCluster.startMaster(tmp.resolve("cluster"), sparkJars(), Duration.ofSeconds(60))) {
      long tMaster = System.nanoTime();
      cluster.startWorkers(2, 1, "1g"); // they boot while this JVM runs the local reference
      Path ref = Sweeps.reference(spec, tmp.resolve("local"));
      long tRef = System.nanoTime();
      cluster.awaitWorkers(2, Duration.ofSeconds(60));
      long tWorkers = System.nanoTime();

      Path out = tmp.resolve("spark");
      List<SparkRun> runs = Sweeps.runs(spec, out);
      Killer killer = new Killer(cluster, 3);
      List<RunOutcome> outcomes = new SparkSweepEngine(settings(cluster)).run(runs, killer);
      long tSpark = System.nanoTime();
      System.out.printf("standalone IT: master %.1f s, local reference %.1f s, then workers up %.1f s, spark sweep %.1f s "
          + "(killed worker %d running %s); %s%n", (tMaster - t0) / 1e9, (tRef - tMaster) / 1e9,
          (tWorkers - tRef) / 1e9, (tSpark - tWorkers) / 1e9, killer.killedWorker, killer.killed.get(), killer.lines);

      assertTrue(killer.killed.get() != null, "a worker was killed");
      assertFalse(cluster.worker(killer.killedWorker).isAlive());
      assertEquals(8, outcomes.size());
      for (RunOutcome o : outcomes) assertEquals("completed", o.status(), o.toString());
      // metrics.csv of every run, byte for byte, as the local engine wrote them
      assertEquals(8, Sweeps.assertSameMetrics(ref, out));
      RunOutcome retried = outcomes.stream().filter(o -> o.id().equals(killer.killed.get())).findFirst().orElseThrow();
      assertTrue(retried.attempt() > 0, "the killed run was run again: " + retried);
      assertTrue(retried.resumed(), "and continued from its last checkpoint: " + retried);
      assertTrue(killer.failures.stream().anyMatch(f -> f.contains("worker lost") || f.contains("ExecutorLostFailure")), killer.failures.toString());
    }
    System.out.printf("standalone IT: %.1f s in all%n", (System.nanoTime() - t0) / 1e9);
  }

  static SparkSweepEngine.Settings settings(StandaloneCluster cluster) {
    return new SparkSweepEngine.Settings().master(cluster.masterUrl()).appName("egd-it").jar(jobJar())
        .conf("spark.executor.memory", "1g").conf("spark.executor.extraJavaOptions", "-Xss4m");
  }

  /**
   * Progress that kills the worker running the k-th started run, and that worker's executor, with
   * SIGKILL (the machine dies) once the run has saved its first checkpoint (checkpoint_every: 5).
   */
  static final class Killer implements SweepProgress {
    final StandaloneCluster cluster;
    final int k;
    int started;
    volatile int killedWorker = -1;
    final AtomicReference<String> killed = new AtomicReference<>();
    final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    final Map<String, String> executorOf = new ConcurrentHashMap<>();

    Killer(StandaloneCluster cluster, int k) {
      this.cluster = cluster;
      this.k = k;
    }

    @Override public void started(SparkRun run, int attempt, String executor, String host) {
      executorOf.put(run.id(), executor);
      if (++started != k) return;
      Thread t = new Thread(() -> kill(run, executor), "it-killer");
      t.setDaemon(true);
      t.start();
    }

    private void kill(SparkRun run, String executor) {
      try {
        Path metrics = Path.of(run.dir(), "metrics.csv");
        long deadline = System.nanoTime() + 20_000_000_000L;
        Path checkpoint = Path.of(run.dir(), RunTask.CHECKPOINT);
        while (System.nanoTime() < deadline && !Files.exists(checkpoint)) Thread.sleep(5);
        int w = cluster.workerOfExecutor(executor).orElseThrow(() -> new IllegalStateException("no worker runs executor " + executor));
        killedWorker = w;
        killed.set(run.id());
        cluster.killWorker(w, true);
        lines.add("killed worker " + w + " (executor " + executor + ") during " + run.id() + " at " + Files.readAllLines(metrics).size() + " metrics lines");
      } catch (Exception e) {
        lines.add("killer: " + e);
      }
    }

    @Override public void failed(SparkRun run, int attempt, String executor, String host, String reason, boolean retry) {
      failures.add(run.id() + " attempt " + attempt + ": " + reason);
      lines.add("failed " + run.id() + " attempt " + attempt + " on " + executor + ": " + reason + (retry ? " (retry)" : ""));
    }

    @Override public void finished(SparkRun run, RunOutcome o, String executor, String host) {
      if (o != null && (o.attempt() > 0 || o.resumed())) lines.add("finished " + run.id() + " attempt " + o.attempt() + " resumed " + o.resumed() + " on " + executor);
    }

    @Override public void executor(String executor, String host, String removedBecause) {
      if (removedBecause != null) lines.add("executor " + executor + " removed: " + removedBecause);
    }
  }
}
