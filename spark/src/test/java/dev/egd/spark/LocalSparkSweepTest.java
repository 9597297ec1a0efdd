package dev.egd.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * egd sweep --engine spark --master local[N], through the command line in this JVM: the local engine's
 * bytes, a killed attempt retried from its checkpoint, and a stopped sweep finished by the same command.
 */
class LocalSparkSweepTest {
  @TempDir static Path tmp;
  /** vanilla, egd and grokfast-ema, seeds 0 and 1, 20 epochs; and vanilla for 200 epochs (time to stop it midway): the local engine's runs. */
  static Path spec, reference, longSpec, longReference;

  @BeforeAll static void reference() throws Exception {
    spec = Sweeps.spec(tmp, "small", "vanilla, egd, grokfast-ema", 2, 20);
    reference = Sweeps.reference(spec, Sweeps.SHARED_REFERENCE); // StandaloneClusterIT compares with 4 of these runs too
    longSpec = Sweeps.spec(tmp, "long", "vanilla", 2, 200);
    longReference = Sweeps.reference(longSpec, tmp.resolve("local-long"));
  }

  @AfterEach void noFaults() { TestFaults.reset(); }

  @Test void localTwoWritesTheLocalEnginesBytesAndLayout() throws Exception {
    Path out = tmp.resolve("spark");
    Sweeps.Result r = Sweeps.egd("sweep", spec.toString(), "--out", out.toString(), "--engine", "spark", "--master", "local[2]");
    assertEquals(0, r.rc(), r.toString());
    assertEquals(6, Sweeps.assertSameMetrics(reference, out), "every run's metrics.csv, byte for byte");
    assertEquals(Sweeps.layout(reference), Sweeps.layout(out), "the same files (charts, summaries, report...)");
    assertEquals(Files.readString(reference.resolve("sweep.json")).replace(reference.toString(), ""),
        Files.readString(out.resolve("sweep.json")).replace(out.toString(), ""));
    assertTrue(r.out().contains("Spark 4.2.0, master local[2,4]: 6 task(s) of 1 cpu(s), up to 4 attempts each; Spark's log: "
        + out.toAbsolutePath().resolve("spark-driver.log")), r.out());
    assertEquals(6, Sweeps.lines(r.out(), ": completed").size(), r.out());
    assertTrue(r.out().contains("report: " + out.resolve("report.html")), r.out());
  }

  /** A task attempt killed (as Spark kills one) once its run has a checkpoint: Spark runs it again, and it resumes there. */
  @Test void aKilledAttemptIsRunAgainFromItsCheckpointWithTheSameBytes() throws Exception {
    Path out = tmp.resolve("fault");
    TestFaults.killIndex = 0;
    TestFaults.killWhen = out.resolve("runs/base/vanilla/seed0/checkpoint.bin"); // at epoch 5 of 200
    Sweeps.Result r = Sweeps.egd("sweep", longSpec.toString(), "--out", out.toString(), "--engine", "spark", "--master", "local[2]",
        "--engine-conf", "spark.extraListeners=" + TestFaults.class.getName());
    assertEquals(0, r.rc(), r.toString());
    assertEquals(java.util.List.of("killed task 0 attempt 0"), TestFaults.events);
    assertEquals(1, Sweeps.lines(r.out(), "base vanilla s0: attempt 1 ended on ").size(), r.out());
    assertTrue(r.out().contains("TaskKilled (egd test: a fault)"), r.out());
    assertTrue(r.out().contains("base vanilla s0: finished on attempt 2, resumed from its checkpoint"), r.out());
    assertEquals(2, Sweeps.assertSameMetrics(longReference, out));
  }

  /** A sweep stopped midway (one run done, one with a checkpoint): the same command skips the one and resumes the other. */
  @Test void theSameCommandFinishesAStoppedSweep() throws Exception {
    Path out = tmp.resolve("stopped");
    String[] cmd = {"sweep", longSpec.toString(), "--out", out.toString(), "--engine", "spark", "--master", "local[1]", "--engine-conf",
        "spark.extraListeners=" + TestFaults.class.getName()};
    TestFaults.stopWhen = out.resolve("runs/base/vanilla/seed1/checkpoint.bin"); // at epoch 5 of 200
    Sweeps.Result first = Sweeps.egd(cmd);
    assertEquals(1, first.rc(), first.toString());
    assertTrue(first.out().contains("run failed: "), first.out());
    assertTrue(Files.isRegularFile(out.resolve("runs/base/vanilla/seed0/summary.json")));
    assertTrue(Files.isRegularFile(out.resolve("runs/base/vanilla/seed1/checkpoint.bin")), "the stopped run checkpointed");

    Sweeps.Result again = Sweeps.egd(cmd);
    assertEquals(0, again.rc(), again.toString());
    assertTrue(again.out().contains("2 runs (1 done, 1 to resume, 0 to start)"), again.out());
    assertTrue(again.out().contains("base vanilla s1: finished on attempt 1, resumed from its checkpoint"), again.out());
    assertEquals(2, Sweeps.assertSameMetrics(longReference, out));
  }
}
