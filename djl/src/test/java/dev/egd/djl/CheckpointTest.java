package dev.egd.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.egd.data.Mnist;
import dev.egd.data.Split;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A run stopped after K steps, saved (model parameters through DJL, optimizer state through
 * EgdOptimizer.save), rebuilt from nothing, loaded and continued, ends where an uninterrupted run
 * ends: bit for bit, with SGD with momentum and with AdamW (whose moments and update counts DJL
 * itself does not save).
 */
class CheckpointTest {
  static final int K = 3, TOTAL = 7, BATCH = 100;
  static Split data;
  static int[] idx;

  @BeforeAll static void load() throws IOException {
    data = Mnist.load(null, 1000);
    idx = new int[1000];
    for (int i = 0; i < idx.length; i++) idx[i] = (i * 379) % 1000; // a fixed order
  }

  static Optimizer sgdMomentum() { return Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.05f)).optMomentum(0.9f).optWeightDecays(1e-3f).build(); }

  static Optimizer adamW() {
    // a tracker that depends on the update count, so a lost count would show
    return Optimizer.adamW().optLearningRateTracker(Tracker.warmUp().setMainTracker(Tracker.fixed(1e-3f)).optWarmUpSteps(5).build())
        .optWeightDecays(2f).build();
  }

  static Function<Block, Optimizer> egd(Supplier<Optimizer> inner, boolean saveInner) {
    return b -> EgdOptimizer.builder(inner.get(), b).egd(MnistModels.WEIGHTS).egdRandomized("03Linear_weight", 4).grokfastEma(0.8, 0.1)
        .grokfastMa(".*_bias", 4, 0.5).switchOff(0.99).seed(7).saveInnerState(saveInner).build();
  }

  static DjlRun fresh(Function<Block, Optimizer> opt) {
    DjlRun run = new DjlRun(MnistModels.mlp(), new Shape(1, 784), MnistModels.mse(), opt);
    MnistModels.initFanInUniform(run.block, 8, 0);
    return run;
  }

  static void steps(DjlRun run, int from, int to) {
    for (int s = from; s < to; s++) run.step(data.train(), idx, (s % 10) * BATCH, BATCH);
  }

  static Map<String, float[]> uninterrupted(Function<Block, Optimizer> opt) {
    try (DjlRun run = fresh(opt)) {
      steps(run, 0, TOTAL);
      return run.values();
    }
  }

  static Map<String, float[]> resumed(Function<Block, Optimizer> opt) throws Exception {
    byte[] params, state;
    try (DjlRun run = fresh(opt)) {
      steps(run, 0, K);
      ByteArrayOutputStream p = new ByteArrayOutputStream(), s = new ByteArrayOutputStream();
      run.block.saveParameters(new DataOutputStream(p));
      ((EgdOptimizer) run.optimizer).save(s);
      params = p.toByteArray();
      state = s.toByteArray();
    }
    // a new block with other random ids, loaded before the trainer exists, as DJL's Model.load does
    Block block = MnistModels.mlp();
    try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
      block.loadParameters(m, new DataInputStream(new ByteArrayInputStream(params)));
      try (DjlRun run = new DjlRun(block, new Shape(1, 784), MnistModels.mse(), opt)) {
        ((EgdOptimizer) run.optimizer).load(new ByteArrayInputStream(state));
        assertEquals(K, ((EgdOptimizer) run.optimizer).steps());
        steps(run, K, TOTAL);
        return run.values();
      }
    }
  }

  static void assertSame(Map<String, float[]> want, Map<String, float[]> got) {
    assertEquals(want.keySet(), got.keySet());
    for (String k : want.keySet()) assertArrayEquals(want.get(k), got.get(k), k);
  }

  @Test void resumingWithSgdMomentumMatchesTheUninterruptedRun() throws Exception {
    assertSame(uninterrupted(egd(CheckpointTest::sgdMomentum, true)), resumed(egd(CheckpointTest::sgdMomentum, true)));
  }

  @Test void resumingWithAdamWMatchesTheUninterruptedRun() throws Exception {
    assertSame(uninterrupted(egd(CheckpointTest::adamW, true)), resumed(egd(CheckpointTest::adamW, true)));
  }

  /** Why the wrapped optimizer's state is saved: without it AdamW restarts its moments and bias correction. */
  @Test void withoutTheWrappedOptimizersStateAdamWDoesNotResumeExactly() throws Exception {
    Map<String, float[]> want = uninterrupted(egd(CheckpointTest::adamW, false)), got = resumed(egd(CheckpointTest::adamW, false));
    assertFalse(Arrays.equals(want.get("01Linear_weight"), got.get("01Linear_weight")));
  }

  @Test void aCheckpointOfAnotherSetupIsRefused() throws Exception {
    byte[] state;
    try (DjlRun run = fresh(egd(CheckpointTest::adamW, true))) {
      steps(run, 0, 1);
      ByteArrayOutputStream s = new ByteArrayOutputStream();
      ((EgdOptimizer) run.optimizer).save(s);
      state = s.toByteArray();
    }
    try (DjlRun run = fresh(b -> EgdOptimizer.builder(adamW(), b).egd(MnistModels.WEIGHTS).build())) {
      IOException e = assertThrows(IOException.class, () -> ((EgdOptimizer) run.optimizer).load(new ByteArrayInputStream(state)));
      assertTrue(e.getMessage().contains("does not match"), e.getMessage());
    }
    try (DjlRun run = fresh(egd(CheckpointTest::sgdMomentum, true))) {
      IOException e = assertThrows(IOException.class, () -> ((EgdOptimizer) run.optimizer).load(new ByteArrayInputStream(state)));
      assertTrue(e.getMessage().contains("AdamW"), e.getMessage());
    }
  }
}
