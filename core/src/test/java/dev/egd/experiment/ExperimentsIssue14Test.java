package dev.egd.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.egd.ValidationException;
import dev.egd.train.RunResult;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The settings of issue 14 as runs see them: chains, presets, refusals. */
class ExperimentsIssue14Test {
  private static RunConfig parity() {
    return RunConfig.empty().with(RunConfig.TASK, "parity").with(RunConfig.N, 50).with(RunConfig.K, 4).with(RunConfig.THREADS, 1);
  }

  private static String chain(RunConfig c) { return Experiments.build(c).transform().describe(); }

  @Test
  void decayAfterEgdMovesTheL2TermBehindTheMethod() {
    RunConfig c = parity().with(RunConfig.METHOD, "egd");
    String before = chain(c), after = chain(c.with(RunConfig.DECAY_AFTER_EGD, true));
    assertTrue(before.startsWith("decay(wd=0.01, weights) -> egd(W1"), before);
    assertTrue(after.startsWith("egd(W1") && after.contains(" -> decay(wd=0.01, weights) -> sgd("), after);
    ValidationException e = assertThrows(ValidationException.class,
        () -> Experiments.build(RunConfig.empty().with(RunConfig.TASK, "mnist").with(RunConfig.METHOD, "egd").with(RunConfig.DECAY_AFTER_EGD, true)));
    assertEquals("decay_after_egd", e.parameter());
    assertEquals("decay_after_egd", assertThrows(ValidationException.class,
        () -> Experiments.build(parity().with(RunConfig.METHOD, "vanilla").with(RunConfig.DECAY_AFTER_EGD, true))).parameter());
  }

  @Test
  void dampingAndRankLimitReachTheKernel() {
    String d = chain(parity().with(RunConfig.METHOD, "egd").with(RunConfig.EGD_DAMPING, 1e-3).with(RunConfig.EGD_MAX_RANK, "batch"));
    assertTrue(d.contains("damping=0.001") && d.contains("max-rank=32"), d);
    assertEquals("egd_max_rank", assertThrows(ValidationException.class,
        () -> Experiments.build(parity().with(RunConfig.METHOD, "egd").with(RunConfig.EGD_MAX_RANK, "half"))).parameter());
    assertEquals("egd_damping", assertThrows(ValidationException.class,
        () -> Experiments.build(parity().with(RunConfig.METHOD, "egd").with(RunConfig.EGD_DAMPING, -1.0))).parameter());
    assertEquals("egd_damping", assertThrows(ValidationException.class,
        () -> Experiments.build(parity().with(RunConfig.METHOD, "colnorm").with(RunConfig.EGD_DAMPING, 1e-3))).parameter(), "egd's setting only");
  }

  @Test
  void muonPartitionsTheParametersWithTheTasksOptimizerOnTheRest() {
    String sgd = chain(RunConfig.empty().with(RunConfig.METHOD, "muon").with(RunConfig.THREADS, 1));
    assertTrue(sgd.startsWith("partition(first: muon(W1, lr=0.7") && sgd.contains("wd=1.0E-4)")
        && sgd.contains("rest: decay(wd=1.0E-4, weights) -> sgd(lr=0.7"), sgd);
    String adamw = chain(RunConfig.empty().with(RunConfig.TASK, "mnist").with(RunConfig.METHOD, "muon").with(RunConfig.THREADS, 1));
    assertTrue(adamw.startsWith("partition(all: muon(W1,W2,W3, lr=0.02") && adamw.contains("rest: adamw(lr=0.001"), adamw);
    String tuned = chain(RunConfig.empty().with(RunConfig.METHOD, "muon").with(RunConfig.MUON_LR, 0.05).with(RunConfig.THREADS, 1));
    assertTrue(tuned.contains("muon(W1, lr=0.05"), tuned);
    assertEquals("muon_lr", assertThrows(ValidationException.class,
        () -> Experiments.build(RunConfig.empty().with(RunConfig.METHOD, "egd").with(RunConfig.MUON_LR, 0.05))).parameter());
  }

  @Test
  void officialPresetsAreTheScriptsActiveLines() {
    RunConfig egd = Experiments.resolve(RunConfig.empty().with(RunConfig.TASK, "mnist").with(RunConfig.METHOD, "egd").with(RunConfig.PRESET, "official"));
    assertEquals(0.01, egd.get(RunConfig.WD));
    assertEquals(50_000L, egd.get(RunConfig.EVAL_EVERY));
    assertEquals(10_000L, egd.get(RunConfig.EPOCHS), "50,000 steps of 5 an epoch");
    assertEquals(1.0, egd.get(RunConfig.SWITCH_OFF), "no switch-off");
    RunConfig rsvd = Experiments.resolve(RunConfig.empty().with(RunConfig.TASK, "mnist").with(RunConfig.METHOD, "egd-rsvd+grokfast-ema")
        .with(RunConfig.PRESET, "official"));
    assertEquals(16, rsvd.get(RunConfig.RANK));
    assertEquals(2.0, rsvd.get(RunConfig.WD));
    assertEquals(0.8, rsvd.get(RunConfig.EMA_ALPHA));
    assertEquals(0.1, rsvd.get(RunConfig.EMA_LAMBDA));
    RunConfig paper = Experiments.resolve(RunConfig.empty().with(RunConfig.TASK, "mnist").with(RunConfig.METHOD, "egd"));
    assertEquals(2.0, paper.get(RunConfig.WD));
    assertEquals(100L, paper.get(RunConfig.EVAL_EVERY));
    assertEquals("fixed", Experiments.resolve(parity().with(RunConfig.METHOD, "egd-rsvd").with(RunConfig.PRESET, "official")).get(RunConfig.RSVD_SKETCH));
    assertEquals("fresh", Experiments.resolve(parity().with(RunConfig.METHOD, "egd-rsvd")).get(RunConfig.RSVD_SKETCH));
    assertTrue(chain(parity().with(RunConfig.METHOD, "egd-rsvd").with(RunConfig.PRESET, "official")).contains("fixed sketch"));
  }

  /** The whole loop: damping 0 and no rank limit given explicitly are the same run, bit for bit, as neither given. */
  @Test
  void explicitDefaultsGiveTheSameMetrics(@TempDir Path dir) throws IOException {
    RunConfig c = parity().with(RunConfig.METHOD, "egd").with(RunConfig.EPOCHS, 3L).with(RunConfig.STOP_AFTER, -1L)
        .with(RunConfig.TRAIN_SIZE, 256).with(RunConfig.TEST_SIZE, 256);
    RunResult a = Experiments.build(c).trainer().run(new dev.egd.train.TrainListener() {});
    RunResult b = Experiments.build(c.with(RunConfig.EGD_DAMPING, 0.0).with(RunConfig.EGD_MAX_RANK, "none").with(RunConfig.DECAY_AFTER_EGD, false))
        .trainer().run(new dev.egd.train.TrainListener() {});
    assertEquals(a.history().size(), b.history().size());
    for (int i = 0; i < a.history().size(); i++) assertEquals(bits(a.history().get(i)), bits(b.history().get(i)));
    RunResult damped = Experiments.build(c.with(RunConfig.EGD_DAMPING, 1e-2)).trainer().run(new dev.egd.train.TrainListener() {});
    assertTrue(!bits(damped.history().get(2)).equals(bits(a.history().get(2))), "damping changes the run");
  }

  /** What the seed decides of an evaluation (not its wall time). */
  private static String bits(dev.egd.train.EpochRecord r) {
    return r.epoch() + " " + r.step() + " " + Double.doubleToRawLongBits(r.trainLoss()) + " " + Double.doubleToRawLongBits(r.testLoss())
        + " " + r.trainAcc() + " " + r.testAcc() + " " + Double.doubleToRawLongBits(r.weightNorm());
  }
}
