package dev.egd.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.egd.data.Dataset;
import dev.egd.util.Rng;
import org.junit.jupiter.api.Test;

/** Every parameter gradient of the transformer (embeddings, LayerNorms, causal attention, GELU MLP, head) against central differences. */
class TransformerGradientTest {
  private static Dataset sequences(int n, int vocab, int seq, Rng rng) {
    int[] toks = new int[n * seq], labels = new int[n];
    for (int i = 0; i < toks.length; i++) toks[i] = rng.nextInt(vocab);
    for (int i = 0; i < n; i++) labels[i] = rng.nextInt(vocab);
    return Dataset.oneHotClassification(vocab, toks, seq, labels, vocab);
  }

  /** Loss in double precision is not available, so the model is small and the step large enough for float32. */
  @Test
  void wholeModelMatchesFiniteDifferences() {
    Rng rng = new Rng(31);
    int vocab = 7, seq = 4;
    Transformer tf = new Transformer(vocab, seq, 8, 2, 2);
    tf.initTorchDefault(rng);
    // non-trivial LayerNorm gains and biases, so their gradients are exercised
    for (Tensor t : tf.params().tensors()) {
      if (t.kind == Tensor.Kind.GAIN) for (int i = 0; i < t.size(); i++) t.data[i] = (float) (1 + 0.3 * rng.nextGaussian());
      if (t.kind == Tensor.Kind.BIAS) for (int i = 0; i < t.size(); i++) t.data[i] = (float) (0.2 * rng.nextGaussian());
    }
    Dataset d = sequences(5, vocab, seq, rng);
    ParamSet g = MlpGradientTest.analytic(tf, new CrossEntropy(), d);
    int checked = 0;
    for (int t = 0; t < tf.params().count(); t++) {
      Tensor p = tf.params().get(t);
      float[] ga = g.get(t).data;
      double scale = 0;
      for (float v : ga) scale = Math.max(scale, Math.abs(v));
      for (int i = 0; i < p.size(); i++) {
        float orig = p.data[i];
        float h = 3e-3f;
        p.data[i] = orig + h;
        double up = MlpGradientTest.loss(tf, new CrossEntropy(), d);
        p.data[i] = orig - h;
        double down = MlpGradientTest.loss(tf, new CrossEntropy(), d);
        p.data[i] = orig;
        double numeric = (up - down) / ((double) (orig + h) - (orig - h));
        double err = Math.abs(ga[i] - numeric);
        assertTrue(err <= 2e-2 * Math.abs(numeric) + 2e-3 * scale + 2e-5,
            p.name + "[" + i + "]: analytic " + ga[i] + " vs numeric " + numeric + " (tensor max " + scale + ")");
        checked++;
      }
      assertTrue(scale > 0 || p.name.startsWith("pos_emb") || p.name.startsWith("tok_emb"), p.name + " has a gradient");
    }
    assertTrue(checked > 1000);
  }

  @Test
  void attentionIsCausalAndTheLastBlockComputesOnlyTheLastQuery() {
    Rng rng = new Rng(32);
    Transformer tf = new Transformer(6, 4, 8, 2, 2);
    tf.initTorchDefault(rng);
    Dataset d = sequences(3, 6, 4, rng);
    Transformer.Workspace ws = tf.newWorkspace(3);
    tf.forward(d.toBatch(), ws);
    for (int block = 0; block < 2; block++) {
      float[] att = ws.att[block];
      for (int b = 0; b < 3; b++)
        for (int h = 0; h < 2; h++)
          for (int i = block == 0 ? 0 : 3; i < 4; i++) {
            double sum = 0;
            for (int j = 0; j < 4; j++) {
              float p = att[((b * 2 + h) * 4 + i) * 4 + j];
              if (j > i) assertEquals(0f, p, "no attention to later positions");
              sum += p;
            }
            assertEquals(1.0, sum, 1e-5);
          }
    }
    // Changing the last token changes the output; changing nothing else leaves it bit-identical.
    float[] before = java.util.Arrays.copyOf(ws.out(), 3 * 6);
    tf.forward(d.toBatch(), ws);
    org.junit.jupiter.api.Assertions.assertArrayEquals(before, java.util.Arrays.copyOf(ws.out(), 3 * 6));
    d.oneHot[3] = (d.oneHot[3] + 1) % 6;
    tf.forward(d.toBatch(), ws);
    assertTrue(before[0] != ws.out()[0] || before[1] != ws.out()[1]);
  }

  @Test
  void geluMatchesTheErfDefinition() {
    // reference values of x * Phi(x)
    assertEquals(0.0, Gelu.value(0), 1e-7);
    assertEquals(0.8413447460685429, Gelu.value(1), 2e-7);
    assertEquals(-0.15865525393145707, Gelu.value(-1), 2e-7);
    assertEquals(1.9544997361036416, Gelu.value(2), 3e-7);
    assertEquals(-0.004049694095, Gelu.value(-3), 5e-7); // float32 1 + erf: absolute, not relative, accuracy

    assertEquals(0.5, Gelu.cdf(0), 1e-15);
    assertEquals(0.9772498680518208, Gelu.cdf(2), 1e-13);
    assertEquals(2.866515718791939e-7, Gelu.cdf(-5), 1e-18);
  }

  /** Values within 3e-7 of x Phi(x) (absolute, scaled by |x| above 1) and slopes within 1e-5 of Phi + x phi, on [-10, 10]. */
  @Test
  void vectorisedGeluAgreesWithTheDoublePrecisionDefinition() {
    int n = 40001;
    float[] x = new float[n], out = new float[n], grad = new float[n], outOnly = new float[n];
    for (int i = 0; i < n; i++) x[i] = (float) (-10 + 20.0 * i / (n - 1));
    Gelu.forward(x, out, grad, n);
    Gelu.forward(x, outOnly, null, n);
    double worstValue = 0, worstSlope = 0;
    for (int i = 0; i < n; i++) {
      double v = x[i], phi = Math.exp(-0.5 * v * v) / Math.sqrt(2 * Math.PI);
      double exact = v * Gelu.cdf(v), slope = Gelu.cdf(v) + v * phi;
      worstValue = Math.max(worstValue, Math.abs(out[i] - exact) / Math.max(1, Math.abs(v)));
      worstSlope = Math.max(worstSlope, Math.abs(grad[i] - slope));
      assertEquals(out[i], outOnly[i], 0f, "the same values with and without the slope");
    }
    assertTrue(worstValue < 3e-7, "value error " + worstValue); // ~2.5 float32 ulps at 1
    assertTrue(worstSlope < 1e-5, "slope error " + worstSlope);
    float[] same = x.clone();
    Gelu.forward(same, same, new float[n], n); // in place
    assertEquals(out[12345], same[12345], 0f);
  }
}
