package dev.egd.nn;

/**
 * Element-wise math and reductions written so that C2 (JDK 17) vectorises them: straight-line float
 * arithmetic, one loop per method, reductions in eight independent accumulators. Measured on AVX-512:
 * e^x over an array 0.5 ns per element against 2.7 ns for the same algorithm fused into one loop and
 * ~4 ns for Math.exp.
 *
 * <p>The one home of the package's vectorised reductions ({@link #sum}, {@link #sumOfSquares},
 * {@link #dot}, {@link #max}). Java's strict evaluation order keeps a single running float sum scalar;
 * eight independent accumulators C2 packs into one vector register. Each reduction adds its lanes in a
 * fixed order, so its result depends only on its inputs (results are part of the bit-identity of runs:
 * changing the lane count or the final order changes metrics).
 */
final class VecMath {
  private VecMath() {}

  private static final float LOG2E = 1.44269504f, LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f, ROUND = 12582912f;

  /**
   * a[i] = e^a[i] for i &lt; n, for arguments &lt;= 0 (softmax); k is scratch of length &gt;= n. x = k ln 2 + r
   * with |r| &lt;= ln 2 / 2 (Cody-Waite), e^r by a degree-6 polynomial, 2^k from the exponent bits.
   * Relative error below 3e-7 (about 4 ulps). Arguments below -87 give e^-87 ~ 1.6e-38.
   */
  static void expInPlace(float[] a, float[] k, int n) {
    reduce(a, k, n);
    scaleByPowerOfTwo(a, k, n);
  }

  private static void reduce(float[] a, float[] k, int n) {
    for (int i = 0; i < n; i++) {
      float v = Math.max(a[i], -87f);
      float kf = (v * LOG2E + ROUND) - ROUND; // ROUND = 1.5 * 2^23: rounds v log2(e) to an integer
      float r = v - kf * LN2_HI - kf * LN2_LO;
      a[i] = ((((1.3981999507e-3f * r + 8.3334519073e-3f) * r + 4.1665795894e-2f) * r + 1.6666665459e-1f) * r
          + 5.0000001201e-1f) * r * r + r + 1f;
      k[i] = kf;
    }
  }

  private static void scaleByPowerOfTwo(float[] a, float[] k, int n) {
    for (int i = 0; i < n; i++) a[i] *= Float.intBitsToFloat(((int) k[i] + 127) << 23);
  }

  /** sum of a[o .. o + n) in eight accumulators, added in a fixed order. */
  static float sum(float[] a, int o, int n) {
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
    int j = 0;
    for (; j + 8 <= n; j += 8) {
      s0 += a[o + j];
      s1 += a[o + j + 1];
      s2 += a[o + j + 2];
      s3 += a[o + j + 3];
      s4 += a[o + j + 4];
      s5 += a[o + j + 5];
      s6 += a[o + j + 6];
      s7 += a[o + j + 7];
    }
    for (; j < n; j++) s0 += a[o + j];
    return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
  }

  /** sum of a[o + j]^2 for j &lt; n, in eight accumulators, added in a fixed order. */
  static float sumOfSquares(float[] a, int o, int n) {
    return dot(a, o, a, o, n); // the same products in the same order: the same bits
  }

  /** sum of a[ao + c] * b[bo + c] for c &lt; n, in eight accumulators, added in a fixed order. */
  static float dot(float[] a, int ao, float[] b, int bo, int n) {
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
    int c = 0;
    for (; c + 8 <= n; c += 8) {
      s0 += a[ao + c] * b[bo + c];
      s1 += a[ao + c + 1] * b[bo + c + 1];
      s2 += a[ao + c + 2] * b[bo + c + 2];
      s3 += a[ao + c + 3] * b[bo + c + 3];
      s4 += a[ao + c + 4] * b[bo + c + 4];
      s5 += a[ao + c + 5] * b[bo + c + 5];
      s6 += a[ao + c + 6] * b[bo + c + 6];
      s7 += a[ao + c + 7] * b[bo + c + 7];
    }
    for (; c < n; c++) s0 += a[ao + c] * b[bo + c];
    return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
  }

  /**
   * The largest of a[o .. o + n) in eight lanes; NaN if any is NaN, -infinity for n = 0. Maxima are
   * exact, so the lanes give the same value as a running maximum.
   */
  static float max(float[] a, int o, int n) {
    float m0 = Float.NEGATIVE_INFINITY, m1 = m0, m2 = m0, m3 = m0, m4 = m0, m5 = m0, m6 = m0, m7 = m0;
    int j = 0;
    for (; j + 8 <= n; j += 8) {
      m0 = Math.max(m0, a[o + j]);
      m1 = Math.max(m1, a[o + j + 1]);
      m2 = Math.max(m2, a[o + j + 2]);
      m3 = Math.max(m3, a[o + j + 3]);
      m4 = Math.max(m4, a[o + j + 4]);
      m5 = Math.max(m5, a[o + j + 5]);
      m6 = Math.max(m6, a[o + j + 6]);
      m7 = Math.max(m7, a[o + j + 7]);
    }
    for (; j < n; j++) m0 = Math.max(m0, a[o + j]);
    return Math.max(Math.max(Math.max(m0, m1), Math.max(m2, m3)), Math.max(Math.max(m4, m5), Math.max(m6, m7)));
  }
}
