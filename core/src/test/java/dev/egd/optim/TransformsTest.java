package dev.egd.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.egd.nn.Mlp;
import dev.egd.nn.ParamSet;
import dev.egd.nn.Tensor;
import dev.egd.util.Rng;
import java.util.List;
import org.junit.jupiter.api.Test;

class TransformsTest {
  private static ParamSet layout() {
    return new Mlp(new int[] {6, 5, 4, 3}, true, false).params(); // W1 6x5, b1, W2 5x4, b2, W3 4x3
  }

  @Test
  void selectorsPickFirstAllOrByName() {
    ParamSet p = layout();
    assertArrayEquals(new int[] {p.indexOf("W1")}, ParamSelector.first().select(p));
    assertArrayEquals(new int[] {p.indexOf("W1"), p.indexOf("W2"), p.indexOf("W3")}, ParamSelector.all().select(p));
    assertArrayEquals(new int[] {p.indexOf("W2")}, ParamSelector.parse("W2").select(p));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ParamSelector.parse("attn.*").select(p));
    assertTrue(e.getMessage().contains("matches no"));
  }

  @Test
  void columnNormalizationGivesUnitColumnsAboveTheFloor() {
    ParamSet p = layout();
    ParamSet g = p.zerosLike();
    float[] w = g.get("W1").data; // 6 x 5
    new Rng(1).fillGaussian(w, w.length, 1.0);
    for (int r = 0; r < 6; r++) w[r * 5 + 4] *= 1e-4f; // a tiny column: norm below 0.01
    float[] tiny = new float[6];
    for (int r = 0; r < 6; r++) tiny[r] = w[r * 5 + 4];
    GradientTransform cn = Transforms.colnorm(ParamSelector.first());
    cn.init(p, 0);
    cn.update(g, p, 0);
    for (int c = 0; c < 4; c++) {
      double n = 0;
      for (int r = 0; r < 6; r++) n += w[r * 5 + c] * w[r * 5 + c];
      assertEquals(1.0, Math.sqrt(n), 1e-5);
    }
    for (int r = 0; r < 6; r++) assertEquals(tiny[r] / 0.01f, w[r * 5 + 4], 1e-7);
  }

  @Test
  void sgdIsMinusLearningRateTimesGradient() {
    ParamSet p = layout();
    ParamSet g = p.zerosLike();
    g.get("b1").data[2] = 3f;
    GradientTransform sgd = Transforms.sgd(0.5);
    sgd.init(p, 0);
    sgd.update(g, p, 0);
    assertEquals(-1.5f, g.get("b1").data[2]);
    assertEquals("lr", assertThrows(dev.egd.ValidationException.class, () -> Transforms.sgd(0)).parameter());
  }

  /** Records the order it is called in. */
  private static final class Tag implements GradientTransform {
    final List<String> log;
    final String name;

    Tag(List<String> log, String name) {
      this.log = log;
      this.name = name;
    }

    @Override public void init(ParamSet params, InitContext context) {}
    @Override public void update(ParamSet grads, ParamSet params, long step) { log.add(name); }
    @Override public String describe() { return name; }
  }

  @Test
  void chainRunsLinksInOrder() {
    List<String> log = new java.util.ArrayList<>();
    GradientTransform c = Transforms.chain(new Tag(log, "a"), new Tag(log, "b"), new Tag(log, "c"));
    c.init(layout(), 0);
    c.update(null, null, 0);
    assertEquals(List.of("a", "b", "c"), log);
    assertEquals("a -> b -> c", c.describe());
  }

  @Test
  void stickySwitchOffStaysOffRecheckComesBack() {
    List<String> log = new java.util.ArrayList<>();
    TestAccuracy signal = new TestAccuracy();
    InitContext ctx = InitContext.of(0, dev.egd.util.Workers.single(), signal);
    GradientTransform sticky = Transforms.switchOff(new Tag(log, "s"), 0.95, SwitchOffMode.STICKY);
    GradientTransform recheck = Transforms.switchOff(new Tag(log, "r"), 0.95, SwitchOffMode.RECHECK);
    for (GradientTransform s : List.of(sticky, recheck)) s.init(layout(), ctx);
    double[] acc = {0.5, 0.951, 0.9, 0.96};
    StringBuilder trace = new StringBuilder();
    for (int e = 0; e < acc.length; e++) {
      log.clear();
      sticky.update(null, null, e);
      recheck.update(null, null, e);
      trace.append(String.join("", log)).append('|');
      signal.report(acc[e], e + 1);
    }
    // epochs 0-1: both on; after 0.951 both off; after 0.9 only recheck is on again.
    assertEquals("sr|sr||r|", trace.toString());
    assertFalse(((Switchable) sticky).active());
    assertEquals(2L, ((Reporting) sticky).stats().get("switched_off_after_epoch"));
    // the threshold is exclusive: exactly 0.95 does not switch off
    TestAccuracy edgeSignal = new TestAccuracy();
    GradientTransform edge = Transforms.switchOff(new Tag(log, "e"), 0.95);
    edge.init(layout(), InitContext.of(0, dev.egd.util.Workers.single(), edgeSignal));
    edgeSignal.report(0.95, 1);
    assertTrue(((Switchable) edge).active());
  }

  @Test
  void matrixTransformsAndAdamGiveTheSameBitsOnOneOrTwoWorkers() {
    ParamSet p = layout();
    Rng rng = new Rng(9);
    for (Tensor t : p.tensors()) rng.fillGaussian(t.data, t.size(), 1.0);
    float[][] results = new float[2][];
    for (int workers = 1; workers <= 2; workers++) {
      ParamSet g = p.zerosLike();
      Rng gr = new Rng(10);
      for (Tensor t : g.tensors()) gr.fillGaussian(t.data, t.size(), 1.0);
      GradientTransform c = Transforms.chain(Transforms.egd(ParamSelector.all()),
          Transforms.egdRandomized(ParamSelector.all(), RandomizedEgdOptions.rank(2).withPowerIterations(1).withResidual(dev.egd.linalg.RandomizedEgd.Residual.KEEP)),
          Transforms.grokfastEma(0.9, 1.0), Transforms.addDecayedWeights(0.1), Transforms.adam(1e-2, AdamOptions.DEFAULT.withBetas(0.9, 0.98).withWeightDecay(0.01)));
      try (dev.egd.util.Workers w = new dev.egd.util.Workers(workers)) {
        c.init(p, InitContext.of(3, w, new TestAccuracy()));
        c.update(g, p, 0);
        c.update(g, p, 1);
      }
      java.util.List<Float> all = new java.util.ArrayList<>();
      for (Tensor t : g.tensors()) for (float v : t.data) all.add(v);
      results[workers - 1] = new float[all.size()];
      for (int i = 0; i < all.size(); i++) results[workers - 1][i] = all.get(i);
    }
    assertArrayEquals(results[0], results[1]);
  }

  @Test
  void egdOnAllLayersGivesEveryWeightGradientUnitSingularValues() {
    ParamSet p = layout();
    ParamSet g = p.zerosLike();
    Rng rng = new Rng(3);
    for (Tensor t : g.tensors()) rng.fillGaussian(t.data, t.size(), 1.0);
    float[] bias = g.get("b1").data.clone();
    GradientTransform egd = Transforms.egd(ParamSelector.all());
    egd.init(p, 0);
    egd.update(g, p, 0);
    for (String name : new String[] {"W1", "W2", "W3"}) {
      Tensor t = g.get(name);
      float[] copy = t.data.clone(), s = new float[Math.min(t.rows, t.cols)];
      dev.egd.linalg.Blas.gesdd(t.rows, t.cols, copy, s, new float[t.rows * s.length], new float[s.length * t.cols]);
      for (float v : s) assertEquals(1.0, v, 1e-4, name);
    }
    assertArrayEquals(bias, g.get("b1").data, "biases are untouched");
  }
}
