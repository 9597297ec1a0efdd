package dev.egd.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.egd.data.ModularArithmetic;
import dev.egd.data.Split;
import dev.egd.nn.CrossEntropy;
import dev.egd.nn.Mlp;
import dev.egd.optim.GradientTransform;
import dev.egd.optim.AdamOptions;
import dev.egd.optim.ParamSelector;
import dev.egd.optim.RandomizedEgdOptions;
import dev.egd.optim.SwitchOffMode;
import dev.egd.optim.Transforms;
import dev.egd.util.Rng;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A run resumed from any of its checkpoints ends with the same bits as one never interrupted. */
class CheckpointTest {
  static final int P = 13;

  static Supplier<GradientTransform> transform(String name) {
    switch (name) {
      case "egd": return () -> Transforms.chain(Transforms.addDecayedWeights(1e-4),
          Transforms.switchOff(Transforms.egd(ParamSelector.all()), 0.6, SwitchOffMode.RECHECK), Transforms.sgd(0.5));
      case "egd-rsvd": return () -> Transforms.chain(Transforms.addDecayedWeights(1e-4),
          Transforms.egdRandomized(ParamSelector.first(), RandomizedEgdOptions.rank(4).withPowerIterations(1)), Transforms.sgd(0.5));
      case "grokfast-ema+adamw": return () -> Transforms.chain(Transforms.grokfastEma(0.9, 2.0),
          Transforms.adamw(1e-2, 0.01, AdamOptions.DEFAULT.withBetas(0.9, 0.98).withWarmup(3)));
      case "grokfast-ma+colnorm": return () -> Transforms.chain(Transforms.addDecayedWeights(1e-4), Transforms.grokfastMa(4, 1.0),
          Transforms.colnorm(ParamSelector.first(), 0.01), Transforms.sgd(0.3));
      default: throw new IllegalArgumentException(name);
    }
  }

  static Trainer trainer(Mlp[] holder, GradientTransform t, long evalEvery, int threads) {
    Split split = ModularArithmetic.split(ModularArithmetic.Op.ADD, P, 0.6, 0);
    Mlp mlp = new Mlp(new int[] {2 * P, 24, 16, P}, true, true);
    mlp.initHeNormal(new Rng(5, 1), 0.1);
    holder[0] = mlp;
    TrainSettings s = new TrainSettings(12, 16, 1.0, -1, threads, 5, false, TrainSettings.TrainMetrics.RUNNING, evalEvery);
    return new Trainer(mlp, new CrossEntropy(), split, t, s);
  }

  static final class Saved implements Checkpoints {
    final List<byte[]> all = new ArrayList<>();
    @Override public boolean due(long evaluations) { return true; }
    @Override public void save(byte[] state) { all.add(state); }
  }

  @ParameterizedTest
  @ValueSource(strings = {"egd", "egd-rsvd", "grokfast-ema+adamw", "grokfast-ma+colnorm"})
  void resumingFromEveryCheckpointEndsBitIdentical(String method) {
    for (long evalEvery : new long[] {0, 5}) { // after every epoch, and every 5 steps (mid-epoch)
      int threads = evalEvery == 0 ? 1 : 2;
      Mlp[] ref = new Mlp[1];
      Saved saved = new Saved();
      RunResult full = trainer(ref, transform(method).get(), evalEvery, threads).run(new TrainListener() {}, saved);
      assertTrue(saved.all.size() >= 5, "checkpoints taken: " + saved.all.size());
      for (int c : new int[] {0, saved.all.size() / 2, saved.all.size() - 1}) {
        Mlp[] again = new Mlp[1];
        Trainer t = trainer(again, transform(method).get(), evalEvery, threads);
        t.resumeFrom(saved.all.get(c));
        List<EpochRecord> replayed = new ArrayList<>();
        RunResult resumed = t.run(new TrainListener() {
          @Override public void onResume(List<EpochRecord> history) { replayed.addAll(history); }
        });
        assertEquals(c + 1, replayed.size(), "the checkpoint carries the metrics so far");
        assertEquals(full.history().size(), resumed.history().size());
        for (int i = 0; i < full.history().size(); i++) {
          EpochRecord a = full.history().get(i), b = resumed.history().get(i);
          assertEquals(a.step(), b.step());
          assertEquals(a.trainLoss(), b.trainLoss(), 0.0, method + " evaluation " + i);
          assertEquals(a.testLoss(), b.testLoss(), 0.0, method + " evaluation " + i);
          assertEquals(a.weightNorm(), b.weightNorm(), 0.0);
          assertEquals(a.transformActive(), b.transformActive());
        }
        for (int i = 0; i < ref[0].params().count(); i++)
          assertArrayEquals(ref[0].params().get(i).data, again[0].params().get(i).data, method + ": " + ref[0].params().get(i).name);
        assertEquals(full.transformStats(), resumed.transformStats());
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"egd"})
  void aCheckpointOfAnotherSetupIsRefused(String method) {
    Saved saved = new Saved();
    trainer(new Mlp[1], transform(method).get(), 0, 1).run(new TrainListener() {}, saved);
    Trainer other = trainer(new Mlp[1], transform("grokfast-ema+adamw").get(), 0, 1);
    other.resumeFrom(saved.all.get(1));
    java.io.UncheckedIOException e = assertThrows(java.io.UncheckedIOException.class, () -> other.run(new TrainListener() {}));
    assertTrue(e.getCause().getMessage().contains("does not match"), e.getCause().getMessage());
  }
}
