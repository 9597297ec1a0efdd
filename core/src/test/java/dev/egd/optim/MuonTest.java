package dev.egd.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.egd.linalg.NewtonSchulz;
import dev.egd.nn.Mlp;
import dev.egd.nn.ParamSet;
import dev.egd.nn.Tensor;
import dev.egd.util.Rng;
import dev.egd.util.State;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

class MuonTest {
  private static ParamSet layout() {
    return new Mlp(new int[] {6, 10, 4}, true, false).params(); // W1 6x10, b1, W2 10x4, b2
  }

  private static void fill(ParamSet g, long seed) {
    Rng r = new Rng(seed);
    for (Tensor t : g.tensors()) r.fillGaussian(t.data, t.size(), 1.0);
  }

  /**
   * Two steps of muon on W1 and SGD on the rest, against the reference's arithmetic written out:
   * m = m + (1 - β)(g - m), u = g + β(m - g), update = -lr (sqrt(max(1, fan_out/fan_in)) NS(u) + wd p).
   */
  @Test
  void followsTheReferenceUpdateOnTheSelectedMatrixAndSgdOnTheRest() {
    ParamSet p = layout();
    fill(p, 1);
    double lr = 0.05, wd = 0.1, beta = 0.95;
    GradientTransform t = Transforms.muon(ParamSelector.first(), MuonOptions.lr(lr).withWeightDecay(wd), Transforms.sgd(0.5));
    t.init(p, 0);
    float[] m = new float[60];
    for (int step = 0; step < 2; step++) {
      ParamSet g = p.zerosLike();
      fill(g, 10 + step);
      float[] g1 = g.get("W1").data.clone(), b1 = g.get("b1").data.clone(), w2 = g.get("W2").data.clone();
      float[] u = new float[60];
      for (int j = 0; j < 60; j++) {
        m[j] = m[j] + (float) (1 - beta) * (g1[j] - m[j]);
        u[j] = g1[j] + (float) beta * (m[j] - g1[j]);
      }
      float[] o = new float[60];
      new NewtonSchulz(6, 10, 5).apply(u, o);
      float scale = (float) Math.sqrt(10.0 / 6); // W1 is fan_in 6 x fan_out 10
      t.update(g, p, step);
      for (int j = 0; j < 60; j++) {
        float expected = (float) (-lr * (scale * o[j]) - lr * wd * p.get("W1").data[j]);
        assertEquals(expected, g.get("W1").data[j], 1e-6f, "W1 element " + j + ", step " + step);
      }
      for (int j = 0; j < b1.length; j++) assertEquals(-0.5f * b1[j], g.get("b1").data[j]);
      for (int j = 0; j < w2.length; j++) assertEquals(-0.5f * w2[j], g.get("W2").data[j], "W2 is not selected: plain SGD");
      p.add(g);
    }
  }

  @Test
  void shapeScaleFollowsTheOrientation() {
    MuonOptions o = MuonOptions.lr(0.02);
    assertEquals(Math.sqrt(512.0 / 194), o.scale(194, 512), 1e-12, "egd's fan_in x fan_out: the mod-97 W1 is 194 -> 512");
    assertEquals(1, o.scale(512, 97), 0);
    MuonOptions torch = o.withOrientation(MuonOptions.Orientation.OUT_IN);
    assertEquals(1, torch.scale(194, 512), 0);
    assertEquals(Math.sqrt(512.0 / 97), torch.scale(512, 97), 1e-12, "the reference's rows / cols");
  }

  @Test
  void refusesVectorsAndBadSettings() {
    ParamSet p = layout();
    dev.egd.ValidationException e = assertThrows(dev.egd.ValidationException.class, () -> Transforms.muon(MuonOptions.lr(0.02)).init(p, 0));
    assertEquals("muon", e.parameter());
    assertTrue(e.getMessage().contains("partition"), e.getMessage());
    assertEquals("muon_lr", assertThrows(dev.egd.ValidationException.class, () -> MuonOptions.lr(0)).parameter());
    assertEquals("muon_momentum", assertThrows(dev.egd.ValidationException.class, () -> MuonOptions.lr(1).withMomentum(1)).parameter());
  }

  /** Momentum is state: a checkpointed partition continues bit for bit. */
  @Test
  void checkpointContinuesBitForBit() throws Exception {
    ParamSet pa = layout(), pb = layout();
    fill(pa, 3);
    fill(pb, 3);
    GradientTransform a = Transforms.muon(ParamSelector.all(), MuonOptions.lr(0.1), Transforms.adamw(1e-3, 0.01));
    GradientTransform b = Transforms.muon(ParamSelector.all(), MuonOptions.lr(0.1), Transforms.adamw(1e-3, 0.01));
    a.init(pa, 0);
    b.init(pb, 0);
    for (int s = 0; s < 3; s++) {
      ParamSet g = pa.zerosLike();
      fill(g, 20 + s);
      a.update(g, pa, s);
      pa.add(g);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    a.saveState(new State.Out(bytes));
    pb.copyFrom(pa);
    b.loadState(new State.In(new ByteArrayInputStream(bytes.toByteArray())));
    for (int s = 3; s < 5; s++) {
      ParamSet ga = pa.zerosLike(), gb = pb.zerosLike();
      fill(ga, 20 + s);
      fill(gb, 20 + s);
      a.update(ga, pa, s);
      b.update(gb, pb, s);
      for (int i = 0; i < ga.count(); i++) assertArrayEquals(ga.get(i).data, gb.get(i).data);
      pa.add(ga);
      pb.add(gb);
    }
  }

  @Test
  void partitionGivesEachPartItsOwnParameterSet() {
    ParamSet p = layout();
    java.util.List<String> seen = new java.util.ArrayList<>();
    GradientTransform spy = new GradientTransform() {
      @Override public void init(ParamSet params, InitContext context) {
        for (Tensor t : params.tensors()) seen.add(t.name);
      }
      @Override public void update(ParamSet grads, ParamSet params, long step) {
        for (Tensor t : grads.tensors()) java.util.Arrays.fill(t.data, 7f);
      }
      @Override public String describe() { return "spy"; }
    };
    GradientTransform t = Transforms.partition(ParamSelector.parse("W2"), spy, Transforms.sgd(1));
    t.init(p, 0);
    assertEquals(java.util.List.of("W2"), seen);
    ParamSet g = p.zerosLike();
    fill(g, 4);
    float b1 = g.get("b1").data[0];
    t.update(g, p, 0);
    assertEquals(7f, g.get("W2").data[5]);
    assertEquals(-b1, g.get("b1").data[0]);
    assertTrue(t.describe().startsWith("partition(W2: spy; rest: sgd"), t.describe());
  }

  @Test
  void fixedSketchDrawsTheSameSketchEveryStep() {
    ParamSet p = layout();
    float[][] outs = new float[4][];
    for (int variant = 0; variant < 2; variant++) {
      GradientTransform t = Transforms.egdRandomized(ParamSelector.first(), RandomizedEgdOptions.rank(3).withFixedSketch(variant == 0));
      t.init(p, 7);
      for (int s = 0; s < 2; s++) {
        ParamSet g = p.zerosLike();
        fill(g, 99); // the same gradient twice
        t.update(g, p, s);
        outs[variant * 2 + s] = g.get("W1").data;
      }
    }
    assertArrayEquals(outs[0], outs[1], "fixed: the same sketch, so the same output");
    assertTrue(!java.util.Arrays.equals(outs[2], outs[3]), "fresh: a new sketch each step");
  }
}
