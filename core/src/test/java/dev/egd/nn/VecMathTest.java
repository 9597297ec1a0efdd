package dev.egd.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.egd.util.Rng;
import org.junit.jupiter.api.Test;

/** The shared reductions against plain double-precision loops, over lengths around the eight lanes and at offsets. */
class VecMathTest {
  @Test
  void reductionsAgreeWithPlainLoops() {
    Rng rng = new Rng(41);
    float[] a = new float[64], b = new float[64];
    rng.fillGaussian(a, a.length, 1.0);
    rng.fillGaussian(b, b.length, 1.0);
    for (int n : new int[] {0, 1, 7, 8, 9, 16, 23, 40}) {
      for (int o : new int[] {0, 3}) {
        double sum = 0, sq = 0, dot = 0;
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
          sum += a[o + j];
          sq += (double) a[o + j] * a[o + j];
          dot += (double) a[o + j] * b[20 - o + j];
          max = Math.max(max, a[o + j]);
        }
        assertEquals(sum, VecMath.sum(a, o, n), 1e-5, "sum n=" + n);
        assertEquals(sq, VecMath.sumOfSquares(a, o, n), 1e-5, "sum of squares n=" + n);
        assertEquals(dot, VecMath.dot(a, o, b, 20 - o, n), 1e-5, "dot n=" + n);
        assertEquals(max, VecMath.max(a, o, n), 0f, "max n=" + n); // exact
      }
    }
    float[] withNan = {1f, 2f, Float.NaN, 0f, 5f, 1f, 1f, 1f, 1f};
    assertTrue(Float.isNaN(VecMath.max(withNan, 0, withNan.length)));
  }
}
