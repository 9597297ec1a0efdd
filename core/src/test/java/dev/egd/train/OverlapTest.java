package dev.egd.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.egd.data.ModularArithmetic;
import dev.egd.data.Split;
import dev.egd.nn.CrossEntropy;
import dev.egd.nn.Mlp;
import dev.egd.optim.Chain;
import dev.egd.optim.Egd;
import dev.egd.optim.GrokfastEma;
import dev.egd.optim.ParamSelector;
import dev.egd.optim.Sgd;
import dev.egd.optim.SwitchOff;
import dev.egd.util.Rng;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Evaluations overlapped with training (on their own thread, rolled back when they switch EGD off or
 * end the run) give exactly the results of evaluating in line.
 */
class OverlapTest {
  record Outcome(RunResult result, float[][] params, List<byte[]> checkpoints, int overlapped, int rollbacks) {}

  static Outcome run(boolean overlap, SwitchOff.Mode mode, long evalEvery, long stopAfter, double switchOff, int stopAt) {
    Split split = ModularArithmetic.split(ModularArithmetic.Op.ADD, 31, 0.8, 0);
    Mlp mlp = new Mlp(new int[] {62, 128, 31}, true, false);
    mlp.initHeNormal(new Rng(3, 1), 0);
    TrainSettings s = new TrainSettings(60, 128, 0.45, stopAfter, 1e-4, 2, 3, true, TrainSettings.TrainMetrics.FULL, evalEvery);
    Chain chain = Chain.of(new SwitchOff(new Egd(ParamSelector.first()), switchOff, mode), new GrokfastEma(0.9, 1.0), new Sgd(0.9));
    Trainer t = new Trainer(mlp, new CrossEntropy(), split, chain, s).overlapEvaluation(overlap);
    List<byte[]> saved = new ArrayList<>();
    RunResult r = t.run(new TrainListener() {
      int seen;
      @Override public void onEpoch(EpochRecord rec) {
        if (++seen == stopAt) t.requestStop();
      }
    }, new Checkpoints() {
      @Override public boolean due(long evaluations) { return evaluations % 7 == 0; }
      @Override public void save(byte[] state) { saved.add(state); }
    });
    float[][] p = new float[mlp.params().count()][];
    for (int i = 0; i < p.length; i++) p[i] = mlp.params().get(i).data.clone();
    return new Outcome(r, p, saved, t.overlapped, t.rollbacks);
  }

  @ParameterizedTest(name = "{0} evalEvery={1} stopAfter={2} switchOff={3} stopAt={4}")
  @CsvSource({
      "STICKY, 0, 5, 0.3, 0",    // EGD switched off mid-run: a rollback; the run ends 5 epochs after the target
      "RECHECK, 0, -1, 0.3, 0",  // the paper's rule: off and on again, several rollbacks, run to the cap
      "STICKY, 3, 2, 0.35, 0",   // evaluations mid-epoch
      "STICKY, 0, -1, 0.3, 20",  // stopped on request (as Ctrl-C) after 20 evaluations
  })
  void overlappedEvaluationGivesTheInLineResults(SwitchOff.Mode mode, long evalEvery, long stopAfter, double switchOff, int stopAt) {
    Outcome a = run(false, mode, evalEvery, stopAfter, switchOff, stopAt), b = run(true, mode, evalEvery, stopAfter, switchOff, stopAt);
    RunResult x = a.result(), y = b.result();
    assertEquals(x.status(), y.status());
    assertEquals(x.epochsRun(), y.epochsRun());
    assertEquals(x.stepsRun(), y.stepsRun());
    assertEquals(x.epochsToTarget(), y.epochsToTarget());
    assertEquals(x.history().size(), y.history().size());
    for (int i = 0; i < x.history().size(); i++) {
      EpochRecord p = x.history().get(i), q = y.history().get(i);
      assertEquals(p.epoch(), q.epoch());
      assertEquals(p.step(), q.step());
      assertEquals(p.trainLoss(), q.trainLoss(), 0.0, "evaluation " + i);
      assertEquals(p.testLoss(), q.testLoss(), 0.0, "evaluation " + i);
      assertEquals(p.testAcc(), q.testAcc(), 0.0);
      assertEquals(p.weightNorm(), q.weightNorm(), 0.0);
      assertEquals(p.transformActive(), q.transformActive(), "evaluation " + i);
    }
    for (int i = 0; i < a.params().length; i++) assertArrayEquals(a.params()[i], b.params()[i], "parameters " + i);
    assertEquals(x.transformStats(), y.transformStats());
    assertEquals(a.checkpoints().size(), b.checkpoints().size());
    assertEquals(0, a.overlapped());
    assertTrue(b.overlapped() >= x.history().size() - 1, "evaluations overlapped: " + b.overlapped());
    if (stopAt == 0) {
      assertTrue(x.transformStats().get("switched_off_after_epoch") != null, "EGD switched off");
      assertTrue(b.rollbacks() >= 1, "and the overlapped run rolled back to do it");
    }
  }
}
