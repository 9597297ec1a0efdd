package dev.egd.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.egd.data.Dataset;
import dev.egd.util.Rng;
import org.junit.jupiter.api.Test;

/** Backward passes against central finite differences of the forward pass. */
class MlpGradientTest {
  /** Mean loss over the examples of d. */
  public static double loss(Model model, Loss loss, Dataset d) {
    Batch b = d.toBatch();
    Model.Workspace ws = model.newWorkspace(d.size);
    model.forward(b, ws);
    LossStats st = new LossStats();
    loss.evaluate(ws.out(), model.outputDim(), b, null, 0f, st);
    return st.meanLoss();
  }

  public static ParamSet analytic(Model model, Loss loss, Dataset d) {
    Batch b = d.toBatch();
    Model.Workspace ws = model.newWorkspace(d.size);
    model.forward(b, ws);
    loss.evaluate(ws.out(), model.outputDim(), b, ws.dOut(), 1f / d.size, new LossStats());
    ParamSet g = model.params().zerosLike();
    model.backward(b, ws, g);
    return g;
  }

  /** Checks every parameter entry: |analytic - numeric| <= 2e-2 * max(|numeric|, 1e-2 * scale). */
  static void check(Model model, Loss loss, Dataset d) {
    ParamSet g = analytic(model, loss, d);
    double worst = 0;
    int checked = 0;
    for (int t = 0; t < model.params().count(); t++) {
      Tensor p = model.params().get(t);
      float[] ga = g.get(t).data;
      double scale = 0;
      for (float v : ga) scale = Math.max(scale, Math.abs(v));
      for (int i = 0; i < p.size(); i++) {
        float orig = p.data[i];
        float h = 1e-2f * Math.max(1f, Math.abs(orig));
        p.data[i] = orig + h;
        double up = loss(model, loss, d);
        p.data[i] = orig - h;
        double down = loss(model, loss, d);
        p.data[i] = orig;
        double numeric = (up - down) / ((double) (orig + h) - (orig - h));
        double err = Math.abs(ga[i] - numeric) / Math.max(Math.abs(numeric), 1e-2 * scale + 1e-6);
        worst = Math.max(worst, err);
        assertTrue(err < 3e-2, p.name + "[" + i + "]: analytic " + ga[i] + " vs numeric " + numeric);
        checked++;
      }
    }
    assertTrue(checked > 0);
  }

  /** Inputs far enough from the ReLU kinks that a finite-difference step never crosses one. */
  @Test
  void oneHotMlpWithCrossEntropy() {
    Rng rng = new Rng(21);
    int p = 5, n = 12;
    int[] active = new int[2 * n];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      active[2 * i] = rng.nextInt(p);
      active[2 * i + 1] = p + rng.nextInt(p);
      labels[i] = rng.nextInt(p);
    }
    Dataset d = Dataset.oneHotClassification(2 * p, active, 2, labels, p);
    Mlp mlp = new Mlp(new int[] {2 * p, 7, p}, true, false);
    mlp.initHeNormal(rng, 0.5);
    checkAwayFromKinks(mlp, new CrossEntropy(), d);
  }

  @Test
  void deepDenseMlpWithBiasesEverywhere() {
    Rng rng = new Rng(22);
    int n = 10, in = 6, classes = 4;
    float[] x = new float[n * in];
    rng.fillGaussian(x, x.length, 1.0);
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) labels[i] = rng.nextInt(classes);
    Dataset d = Dataset.denseClassification(in, x, labels, classes);
    Mlp mlp = new Mlp(new int[] {in, 8, 5, classes}, true, true);
    mlp.initUniformFanIn(rng, 2.0);
    checkAwayFromKinks(mlp, new CrossEntropy(), d);
  }

  /** The MNIST shape in miniature (two hidden layers, biases everywhere, MSE) with every smooth activation. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(value = Mlp.Activation.class, names = {"TANH", "SIGMOID", "GELU"})
  void deepMlpWithSmoothActivations(Mlp.Activation act) {
    Rng rng = new Rng(26);
    int n = 9, in = 7, classes = 4;
    float[] x = new float[n * in];
    for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextDouble();
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) labels[i] = rng.nextInt(classes);
    Dataset d = Dataset.denseClassification(in, x, labels, classes);
    Mlp mlp = new Mlp(new int[] {in, 6, 5, classes}, true, true, act);
    mlp.initUniformFanIn(rng, 2.0);
    assertTrue(mlp.describe().contains(act.name().toLowerCase()));
    check(mlp, new MseOneHot(), d);
    check(mlp, new CrossEntropy(), d);
  }

  /** Activations on one-hot input go through the gather path: same outputs as the dense path. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(Mlp.Activation.class)
  void oneHotAndDenseInputsAgree(Mlp.Activation act) {
    Rng rng = new Rng(27);
    int p = 4, n = 6;
    int[] active = new int[2 * n];
    float[] dense = new float[n * 2 * p];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      active[2 * i] = rng.nextInt(p);
      active[2 * i + 1] = p + rng.nextInt(p);
      dense[i * 2 * p + active[2 * i]] = 1f;
      dense[i * 2 * p + active[2 * i + 1]] = 1f;
      labels[i] = rng.nextInt(p);
    }
    Dataset oneHot = Dataset.oneHotClassification(2 * p, active, 2, labels, p);
    Dataset asDense = Dataset.denseClassification(2 * p, dense, labels, p);
    Mlp mlp = new Mlp(new int[] {2 * p, 5, 3, p}, true, true, act);
    mlp.initUniformFanIn(rng, 1.5);
    ParamSet a = analytic(mlp, new CrossEntropy(), oneHot), b = analytic(mlp, new CrossEntropy(), asDense);
    assertEquals(loss(mlp, new CrossEntropy(), oneHot), loss(mlp, new CrossEntropy(), asDense), 1e-6);
    for (int t = 0; t < a.count(); t++)
      for (int i = 0; i < a.get(t).size(); i++) assertEquals(b.get(t).data[i], a.get(t).data[i], 1e-5, a.get(t).name);
  }

  private static void checkAwayFromKinks(Mlp mlp, Loss loss, Dataset d) {
    // Nudge first-layer biases so no pre-activation sits within the finite-difference step of 0.
    for (int attempt = 0; attempt < 50 && nearKink(mlp, d); attempt++) {
      float[] b1 = mlp.params().get("b1").data;
      for (int j = 0; j < b1.length; j++) b1[j] += 0.037f;
    }
    check(mlp, loss, d);
  }

  private static boolean nearKink(Mlp mlp, Dataset d) {
    Mlp probe = new Mlp(new int[] {mlp.inputDim(), mlp.sizes()[1]}, true, true); // linear: pre-activations
    System.arraycopy(mlp.params().get("W1").data, 0, probe.params().get("W1").data, 0, probe.params().get("W1").size());
    System.arraycopy(mlp.params().get("b1").data, 0, probe.params().get("b1").data, 0, probe.params().get("b1").size());
    Model.Workspace ws = probe.newWorkspace(d.size);
    probe.forward(d.toBatch(), ws);
    for (int i = 0; i < d.size * mlp.sizes()[1]; i++) if (Math.abs(ws.out()[i]) < 0.1) return true;
    return false;
  }

  @Test
  void meanSquaredErrorAgainstOneHot() {
    Rng rng = new Rng(25);
    int n = 8, in = 9, classes = 4;
    float[] x = new float[n * in];
    for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextDouble();
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) labels[i] = rng.nextInt(classes);
    Dataset d = Dataset.denseClassification(in, x, labels, classes);
    Mlp mlp = new Mlp(new int[] {in, 7, classes}, true, true); // the deeper backward is covered by deepDenseMlpWithBiasesEverywhere
    mlp.initUniformFanIn(rng, 1.0);
    checkAwayFromKinks(mlp, new MseOneHot(), d);
  }

  @Test
  void scalarOutputWithSquaredErrorAndHinge() {
    Rng rng = new Rng(23);
    int n = 9, in = 7;
    float[] x = new float[n * in];
    for (int i = 0; i < x.length; i++) x[i] = rng.nextInt(2) == 0 ? -1f : 1f;
    float[] y = new float[n];
    for (int i = 0; i < n; i++) y[i] = rng.nextInt(2) == 0 ? -1f : 1f;
    Dataset d = Dataset.denseRegression(in, x, y, 1);
    for (Loss loss : new Loss[] {new SquaredError(), new Hinge()}) {
      Mlp mlp = new Mlp(new int[] {in, 6, 1}, true, false);
      mlp.initHeNormal(new Rng(24), Math.sqrt(2.0 / in));
      checkAwayFromKinks(mlp, loss, d);
    }
  }

  @Test
  void squaredErrorAndHingeMatchTheirDefinitions() {
    Dataset d = Dataset.denseRegression(1, new float[3], new float[] {1f, -1f, 1f}, 1);
    float[] out = {0.5f, 0.25f, 2f};
    LossStats st = new LossStats();
    float[] dOut = new float[3];
    new SquaredError().evaluate(out, 1, d.toBatch(), dOut, 1f / 3, st);
    assertEquals(0.25 + 1.5625 + 1.0, st.lossSum, 1e-6);
    assertEquals(2, st.correct); // signs agree for 0.5 vs 1 and 2 vs 1
    assertEquals(2 * (0.5 - 1) / 3, dOut[0], 1e-6);
    st.clear();
    new Hinge().evaluate(out, 1, d.toBatch(), dOut, 1f, st);
    assertEquals(0.5 + 1.25 + 0, st.lossSum, 1e-6);
    assertEquals(-1f, dOut[0]);
    assertEquals(1f, dOut[1]);
    assertEquals(0f, dOut[2]);
  }

  @Test
  void crossEntropyMatchesDefinition() {
    float[] out = {1f, 2f, 0.5f, -1f, 0f, 3f};
    Dataset d = Dataset.denseClassification(1, new float[2], new int[] {1, 0}, 3);
    LossStats st = new LossStats();
    float[] dOut = new float[6];
    new CrossEntropy().evaluate(out, 3, d.toBatch(), dOut, 0.5f, st);
    double l0 = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(0.5)) - 2;
    double l1 = Math.log(Math.exp(-1) + Math.exp(0) + Math.exp(3)) + 1;
    assertEquals(l0 + l1, st.lossSum, 1e-5);
    assertEquals(1, st.correct); // row 0 predicts class 1 (right), row 1 predicts class 2 (wrong)
    double z = Math.exp(1) + Math.exp(2) + Math.exp(0.5);
    assertEquals(0.5 * (Math.exp(2) / z - 1), dOut[1], 1e-6);
    assertEquals(0.5 * Math.exp(1) / z, dOut[0], 1e-6);
  }
}
