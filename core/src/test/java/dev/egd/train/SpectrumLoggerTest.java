package dev.egd.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.egd.linalg.Blas;
import dev.egd.nn.ParamSet;
import dev.egd.nn.Tensor;
import dev.egd.optim.GradientTransform;
import dev.egd.optim.ParamSelector;
import dev.egd.optim.Transforms;
import dev.egd.util.Rng;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpectrumLoggerTest {
  static ParamSet params() {
    return new ParamSet(List.of(new Tensor("W1", 12, 8, Tensor.Kind.WEIGHT), new Tensor("b1", 1, 8, Tensor.Kind.BIAS),
        new Tensor("W2", 8, 5, Tensor.Kind.WEIGHT)));
  }

  static ParamSet randomGrads(ParamSet params, long seed) {
    ParamSet g = params.zerosLike();
    Rng rng = new Rng(seed);
    for (Tensor t : g.tensors()) rng.fillGaussian(t.data, t.size(), 1.0);
    return g;
  }

  /** Singular values by LAPACK's float32 SVD, descending: an independent reference. */
  static float[] svd(Tensor t) {
    int k = Math.min(t.rows, t.cols);
    float[] a = t.data.clone(), s = new float[k], u = new float[t.rows * k], vt = new float[k * t.cols];
    Blas.gesdd(t.rows, t.cols, a, s, u, vt);
    return s;
  }

  /** The watched transforms with the logger around them, then the optimizer. */
  static List<SpectrumLogger.Record> observe(List<GradientTransform> watched, GradientTransform optimizer, ParamSet params, ParamSet grads,
      String layers) {
    List<SpectrumLogger.Record> records = new ArrayList<>();
    SpectrumLogger log = new SpectrumLogger(ParamSelector.parse(layers), 1, 1).sink(records::add);
    GradientTransform chain = Transforms.chain(Transforms.observed(Transforms.chain(watched), log), optimizer);
    chain.init(params, 0);
    chain.update(grads, params, 0);
    return records;
  }

  @Test
  void logsOnTheLastStepOfEpochOneAndEveryNthEpoch() {
    SpectrumLogger log = new SpectrumLogger(ParamSelector.first(), 2, 3);
    List<Long> steps = new ArrayList<>();
    for (long s = 0; s < 15; s++) if (log.wants(s)) steps.add(s);
    assertEquals(List.of(2L, 5L, 11L), steps); // epochs 1, 2, 4
  }

  @Test
  void egdReusesItsOwnSpectrumBeforeAndIsFlatAfter() {
    ParamSet params = params(), grads = randomGrads(params, 1), raw = randomGrads(params, 1);
    float lr = 0.5f;
    List<SpectrumLogger.Record> rs = observe(List.of(Transforms.egd(ParamSelector.all())), Transforms.sgd(lr), params, grads, "all");
    assertEquals(4, rs.size()); // W1, W2 before, then after
    for (int i = 0; i < 2; i++) {
      SpectrumLogger.Record before = rs.get(i), after = rs.get(i + 2);
      assertEquals(SpectrumLogger.Stage.BEFORE, before.stage());
      assertEquals(SpectrumLogger.Stage.AFTER, after.stage());
      assertEquals(before.layer(), after.layer());
      assertTrue(before.source().startsWith("egd-"), before.source());
      assertEquals("egd-exact", after.source());
      float[] want = svd(raw.get(before.layer()));
      for (int j = 0; j < want.length; j++) {
        assertEquals(want[j], before.singularValues()[j], 1e-4 * want[0], before.layer() + " s" + (j + 1));
        assertEquals(1.0, after.singularValues()[j], 0);
      }
      assertEquals(1.0, after.stats().condition(), 0);
      assertEquals(want.length, after.stats().effectiveRank(), 1e-9);
      // The recorded "after" is what EGD really produced: the update is -lr * U V^T.
      Tensor update = grads.get(before.layer());
      for (int j = 0; j < update.data.length; j++) update.data[j] /= -lr;
      for (float s : svd(update)) assertEquals(1.0, s, 1e-4);
    }
  }

  @Test
  void filtersAreMeasuredAfterAndPlainSgdLeavesTheSpectrumUnchanged() {
    ParamSet params = params(), grads = randomGrads(params, 2), raw = randomGrads(params, 2);
    // At the first step Grokfast's EMA is the gradient itself: g + 2 * g = 3 g.
    List<SpectrumLogger.Record> rs = observe(List.of(Transforms.grokfastEma(0.98, 2.0)), Transforms.sgd(0.1), params, grads, "W1");
    assertEquals(2, rs.size());
    float[] want = svd(raw.get("W1"));
    assertEquals("gram64", rs.get(0).source());
    assertEquals("gram64", rs.get(1).source());
    for (int j = 0; j < want.length; j++) {
      assertEquals(want[j], rs.get(0).singularValues()[j], 1e-5 * want[0]);
      assertEquals(3 * want[j], rs.get(1).singularValues()[j], 3e-5 * want[0]);
    }
    assertEquals(rs.get(0).stats().condition(), rs.get(1).stats().condition(), 1e-3 * rs.get(0).stats().condition());

    List<SpectrumLogger.Record> plain = observe(List.of(), Transforms.sgd(0.1), params, randomGrads(params, 3), "first");
    assertEquals("unchanged", plain.get(1).source());
    assertEquals(plain.get(0).stats(), plain.get(1).stats());
    // EGD on W1 only leaves W2 alone: its "after" is its "before".
    List<SpectrumLogger.Record> mixed = observe(List.of(Transforms.egd(ParamSelector.first())), Transforms.sgd(0.1), params, randomGrads(params, 4), "W2");
    assertEquals("gram64", mixed.get(0).source());
    assertEquals("unchanged", mixed.get(1).source());
    assertFalse(mixed.get(0).singularValues() == mixed.get(1).singularValues(), "records own their arrays");
  }
}
