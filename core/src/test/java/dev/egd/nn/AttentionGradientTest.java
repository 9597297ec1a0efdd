package dev.egd.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.egd.util.Rng;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link Attention} on its own: forward against a double-precision definition, the qkv gradient against central differences. */
class AttentionGradientTest {
  /** Causal softmax attention in double precision, every query: y is (n * seq) x width, att as the layer lays it out. */
  private static void reference(float[] qkv, int n, int seq, int width, int heads, double[] y, double[] att) {
    int hd = width / heads, stride = 3 * width;
    for (int b = 0; b < n; b++)
      for (int h = 0; h < heads; h++)
        for (int i = 0; i < seq; i++) {
          double[] s = new double[i + 1];
          double max = Double.NEGATIVE_INFINITY, sum = 0;
          for (int j = 0; j <= i; j++) {
            for (int c = 0; c < hd; c++)
              s[j] += (double) qkv[(b * seq + i) * stride + h * hd + c] * qkv[(b * seq + j) * stride + width + h * hd + c];
            s[j] /= Math.sqrt(hd);
            max = Math.max(max, s[j]);
          }
          for (int j = 0; j <= i; j++) sum += s[j] = Math.exp(s[j] - max);
          for (int j = 0; j < seq; j++) {
            double p = j <= i ? s[j] / sum : 0;
            att[((b * heads + h) * seq + i) * seq + j] = p;
            for (int c = 0; c < hd; c++) y[(b * seq + i) * width + h * hd + c] += p * qkv[(b * seq + j) * stride + 2 * width + h * hd + c];
          }
        }
  }

  /** n sequences, seq positions, width, heads (a head width of 16 runs the dot products' eight lanes). */
  @ParameterizedTest
  @CsvSource({"3, 4, 8, 2", "2, 5, 32, 2", "2, 3, 6, 1"})
  void forwardMatchesTheDefinitionAndBackwardMatchesFiniteDifferences(int n, int seq, int width, int heads) {
    Rng rng = new Rng(71 + seq);
    Attention attn = new Attention(seq, width, heads);
    int rows = n * seq, stride = 3 * width;
    float[] qkv = new float[rows * stride];
    rng.fillGaussian(qkv, qkv.length, 1.0);
    float[] att = new float[n * heads * seq * seq], y = new float[rows * width], scratch = new float[seq];
    Arrays.fill(y, Float.NaN); // overwritten
    attn.forward(qkv, att, y, n, false, scratch);
    double[] yRef = new double[rows * width], attRef = new double[att.length];
    reference(qkv, n, seq, width, heads, yRef, attRef);
    for (int i = 0; i < y.length; i++) assertEquals(yRef[i], y[i], 1e-5, "y[" + i + "]");
    for (int i = 0; i < att.length; i++) assertEquals(attRef[i], att[i], 1e-6, "att[" + i + "]");

    // the last query only: the same bits as the full pass's last rows, y compact (one row per sequence)
    float[] attLast = new float[att.length], yLast = new float[n * width];
    attn.forward(qkv, attLast, yLast, n, true, scratch);
    for (int b = 0; b < n; b++) {
      assertEquals(Arrays.toString(Arrays.copyOfRange(y, (b * seq + seq - 1) * width, (b * seq + seq) * width)),
          Arrays.toString(Arrays.copyOfRange(yLast, b * width, (b + 1) * width)));
      for (int h = 0; h < heads; h++) {
        int row = ((b * heads + h) * seq + seq - 1) * seq;
        assertEquals(Arrays.toString(Arrays.copyOfRange(att, row, row + seq)), Arrays.toString(Arrays.copyOfRange(attLast, row, row + seq)));
      }
    }

    for (boolean lastOnly : new boolean[] {false, true}) {
      int yRows = lastOnly ? n : rows;
      float[] out = lastOnly ? yLast : y, a = lastOnly ? attLast : att;
      float[] c = new float[yRows * width], dY = new float[yRows * width], dQkv = new float[rows * stride];
      rng.fillGaussian(c, c.length, 1.0);
      FiniteDifferences.quadraticGradient(out, c, c.length, dY);
      Arrays.fill(dQkv, Float.NaN); // overwritten
      attn.backward(qkv, a, dY, dQkv, n, lastOnly, scratch);
      java.util.function.DoubleSupplier loss = () -> {
        float[] yy = new float[yRows * width], aa = new float[att.length];
        attn.forward(qkv, aa, yy, n, lastOnly, new float[seq]);
        return FiniteDifferences.quadratic(yy, c, c.length);
      };
      FiniteDifferences.check("dQkv" + (lastOnly ? " (last query)" : ""), qkv, qkv.length, dQkv, loss, 1e-2f, 1e-3, 1e-4);
      if (lastOnly) // no gradient reaches the queries of earlier positions
        for (int b = 0; b < n; b++)
          for (int t = 0; t < seq - 1; t++)
            for (int j = 0; j < width; j++) assertEquals(0f, dQkv[(b * seq + t) * stride + j], "query gradient at an earlier position");
    }
  }

  @org.junit.jupiter.api.Test
  void rejectsMisfitShapes() {
    assertThrows(IllegalArgumentException.class, () -> new Attention(4, 10, 3));
    Attention attn = new Attention(4, 8, 2);
    float[] qkv = new float[2 * 4 * 24], att = new float[2 * 2 * 16], y = new float[2 * 4 * 8];
    assertThrows(IllegalArgumentException.class, () -> attn.forward(qkv, att, y, 2, false, new float[3]));
    assertThrows(IllegalArgumentException.class, () -> attn.forward(qkv, new float[att.length - 1], y, 2, false, new float[4]));
    assertThrows(IllegalArgumentException.class, () -> attn.forward(qkv, att, new float[2 * 8 - 1], 2, true, new float[4]));
    assertThrows(IllegalArgumentException.class, () -> attn.backward(qkv, att, y, new float[qkv.length - 1], 2, false, new float[4]));
  }
}
