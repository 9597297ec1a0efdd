package dev.egd.nn;

/**
 * The exact (erf) GELU, x * Phi(x), and its derivative Phi(x) + x * phi(x).
 *
 * <p>Java 17 has no erf, and an exponential per element made GELU a fifth of the transformer's time.
 * Phi and phi are therefore tabulated once, in double precision, on [-6, 6] with step 1/64, and read
 * through cubic Hermite interpolation (the derivatives are known exactly: Phi' = phi,
 * phi' = -x phi): interpolation error below 1e-9, far under float32 resolution. Each interval's two
 * cubics are stored as float coefficients side by side and evaluated by Horner's rule without
 * branches (measured 4.4 ns per element, from 6.9 with separate tables). Beyond +-6 the table's edge values are
 * used: Phi is 0 or 1 there to within 1e-9.
 */
final class Gelu {
  private static final double LIMIT = 6.0;
  private static final int PER_UNIT = 64;
  private static final int N = (int) (2 * LIMIT * PER_UNIT);
  private static final double H = 1.0 / PER_UNIT;
  /** Per interval k: Phi's cubic (4 coefficients in t = (x - x_k) / H), then phi's. */
  private static final float[] COEF = new float[8 * N];

  static {
    double[] cdf = new double[N + 1], pdf = new double[N + 1];
    for (int i = 0; i <= N; i++) {
      double x = -LIMIT + i * H;
      cdf[i] = cdf(x);
      pdf[i] = Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
    }
    for (int k = 0; k < N; k++) {
      double x0 = -LIMIT + k * H, x1 = x0 + H;
      hermite(cdf[k], cdf[k + 1], pdf[k], pdf[k + 1], 8 * k);
      hermite(pdf[k], pdf[k + 1], -x0 * pdf[k], -x1 * pdf[k + 1], 8 * k + 4);
    }
  }

  /** Coefficients of the cubic in t in [0, 1] with values y0, y1 and x-derivatives m0, m1 at the ends. */
  private static void hermite(double y0, double y1, double m0, double m1, int at) {
    COEF[at] = (float) y0;
    COEF[at + 1] = (float) (H * m0);
    COEF[at + 2] = (float) (3 * (y1 - y0) - H * (2 * m0 + m1));
    COEF[at + 3] = (float) (2 * (y0 - y1) + H * (m0 + m1));
  }

  private Gelu() {}

  /** Standard normal CDF in double precision: 0.5 * erfc(-x / sqrt 2). */
  static double cdf(double x) {
    double z = -x / Math.sqrt(2);
    return 0.5 * erfc(z);
  }

  /** erfc by its Taylor series for |z| &lt;= 2.5 and a continued fraction beyond (relative error ~1e-13). */
  static double erfc(double z) {
    if (z < -2.5) return 2 - erfc(-z);
    if (z <= 2.5) {
      double sum = 0, term = z;
      for (int n = 0; n < 200; n++) {
        double add = term / (2 * n + 1);
        sum += add;
        if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
        term *= -z * z / (n + 1);
      }
      return 1 - 2 / Math.sqrt(Math.PI) * sum;
    }
    // erfc(z) = exp(-z^2)/sqrt(pi) * 1/(z + (1/2)/(z + 1/(z + (3/2)/(z + 2/(z + ...))))), evaluated bottom-up
    double f = z;
    for (int k = 60; k >= 1; k--) f = z + (k / 2.0) / f;
    return Math.exp(-z * z) / Math.sqrt(Math.PI) / f;
  }

  /** out[i] = gelu(x[i]); grad[i] = gelu'(x[i]) (kept for the backward pass; null when not needed). */
  static void forward(float[] x, float[] out, float[] grad, int n) {
    final float lim = (float) LIMIT, scale = PER_UNIT;
    final float[] c = COEF;
    if (grad == null) {
      for (int i = 0; i < n; i++) {
        float v = x[i];
        float u = (Math.min(Math.max(v, -lim), lim) + lim) * scale;
        int k = Math.min((int) u, N - 1);
        float t = u - k;
        int b = k << 3;
        out[i] = v * (((c[b + 3] * t + c[b + 2]) * t + c[b + 1]) * t + c[b]);
      }
      return;
    }
    for (int i = 0; i < n; i++) {
      float v = x[i];
      float u = (Math.min(Math.max(v, -lim), lim) + lim) * scale;
      int k = Math.min((int) u, N - 1);
      float t = u - k;
      int b = k << 3;
      float cdf = ((c[b + 3] * t + c[b + 2]) * t + c[b + 1]) * t + c[b];
      float pdf = ((c[b + 7] * t + c[b + 6]) * t + c[b + 5]) * t + c[b + 4];
      out[i] = v * cdf;
      grad[i] = cdf + v * pdf;
    }
  }

  /** gelu(x) for one value (tests). */
  static double value(double v) {
    float[] o = new float[1], g = new float[1];
    forward(new float[] {(float) v}, o, g, 1);
    return o[0];
  }
}
