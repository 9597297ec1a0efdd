package dev.egd.linalg;

import dev.egd.util.Rng;

/** Small double-precision helpers for tests: plain loops, independent of the code under test. */
final class Mat {
  private Mat() {}

  static double[] mul(double[] a, double[] b, int m, int k, int n) {
    double[] c = new double[m * n];
    for (int i = 0; i < m; i++)
      for (int t = 0; t < k; t++) {
        double v = a[i * k + t];
        for (int j = 0; j < n; j++) c[i * n + j] += v * b[t * n + j];
      }
    return c;
  }

  static double[] transpose(double[] a, int m, int n) {
    double[] t = new double[m * n];
    for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) t[j * m + i] = a[i * n + j];
    return t;
  }

  static double[] toDouble(float[] a) {
    double[] d = new double[a.length];
    for (int i = 0; i < a.length; i++) d[i] = a[i];
    return d;
  }

  static float[] toFloat(double[] a) {
    float[] f = new float[a.length];
    for (int i = 0; i < a.length; i++) f[i] = (float) a[i];
    return f;
  }

  static double maxAbsDiff(double[] a, double[] b) {
    double m = 0;
    for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
    return m;
  }

  static double frob(double[] a) {
    double s = 0;
    for (double v : a) s += v * v;
    return Math.sqrt(s);
  }

  static double relDiff(float[] a, float[] b) {
    double n = 0, d = 0;
    for (int i = 0; i < a.length; i++) {
      n += (a[i] - (double) b[i]) * (a[i] - (double) b[i]);
      d += (double) b[i] * b[i];
    }
    return Math.sqrt(n / Math.max(d, 1e-300));
  }

  /** Random orthonormal columns (m x k, k <= m) by Gram-Schmidt in double. */
  static double[] orthonormal(int m, int k, Rng rng) {
    double[] q = new double[m * k];
    for (int j = 0; j < k; j++) {
      double[] v = new double[m];
      for (int i = 0; i < m; i++) v[i] = rng.nextGaussian();
      for (int pass = 0; pass < 2; pass++) {
        for (int c = 0; c < j; c++) {
          double dot = 0;
          for (int i = 0; i < m; i++) dot += v[i] * q[i * k + c];
          for (int i = 0; i < m; i++) v[i] -= dot * q[i * k + c];
        }
      }
      double nrm = 0;
      for (double x : v) nrm += x * x;
      nrm = Math.sqrt(nrm);
      for (int i = 0; i < m; i++) q[i * k + j] = v[i] / nrm;
    }
    return q;
  }

  /** U diag(s) V^T with random orthonormal U (m x r), V (n x r). */
  static double[] withSpectrum(int m, int n, double[] s, Rng rng) {
    int r = s.length;
    double[] u = orthonormal(m, r, rng), v = orthonormal(n, r, rng);
    for (int i = 0; i < m; i++) for (int j = 0; j < r; j++) u[i * r + j] *= s[j];
    return mul(u, transpose(v, n, r), m, r, n);
  }

  /** Singular values, descending, via the library's SVD route (sgesdd). */
  static float[] singularValues(float[] a, int m, int n) {
    float[] copy = a.clone(), s = new float[Math.min(m, n)], u = new float[m * Math.min(m, n)], vt = new float[Math.min(m, n) * n];
    Blas.gesdd(m, n, copy, s, u, vt);
    return s;
  }
}
