package dev.egd.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.egd.util.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NewtonSchulzTest {
  /** The quintic applied to one normalised singular value, 5 times, in double. */
  static double quintic5(double x, int steps) {
    for (int i = 0; i < steps; i++) x = NewtonSchulz.A * x + NewtonSchulz.B * x * x * x + NewtonSchulz.C * x * x * x * x * x;
    return x;
  }

  /**
   * On a matrix of known SVD U diag(s) V^T the float32 iteration is U diag(p^5(s / ||s||)) V^T: the
   * singular vectors are kept and each singular value follows the scalar quintic.
   */
  @ParameterizedTest
  @CsvSource({"30, 70", "70, 30", "40, 40"})
  void keepsSingularVectorsAndMapsEachSingularValueThroughTheQuintic(int m, int n) {
    int r = Math.min(m, n);
    double[] s = new double[r];
    for (int i = 0; i < r; i++) s[i] = Math.pow(10, -2.0 * i / (r - 1)); // condition number 100
    Rng rng = new Rng(5);
    double[] u = Mat.orthonormal(m, r, rng), v = Mat.orthonormal(n, r, rng);
    double norm = 0;
    for (double x : s) norm += x * x;
    norm = Math.sqrt(norm);
    double[] us = u.clone(), uf = u.clone();
    for (int i = 0; i < m; i++) for (int j = 0; j < r; j++) {
      us[i * r + j] *= s[j];
      uf[i * r + j] *= quintic5(s[j] / norm, 5);
    }
    float[] g = Mat.toFloat(Mat.mul(us, Mat.transpose(v, n, r), m, r, n));
    double[] expected = Mat.mul(uf, Mat.transpose(v, n, r), m, r, n);
    float[] out = new float[m * n];
    new NewtonSchulz(m, n, 5).apply(g, out);
    assertTrue(Mat.relDiff(out, Mat.toFloat(expected)) < 1e-4, "float32 NS vs the scalar map: " + Mat.relDiff(out, Mat.toFloat(expected)));
  }

  /**
   * Against the exact polar factor U V^T (EGD's SVD route) on random Gaussian matrices: every output
   * singular value lies in [0.6818, 1.2024], the range of p^5 over [2e-3, 1] (a random matrix's
   * singular values are 0.03-0.25 of its Frobenius norm at these shapes), so NS is off U V^T by up to
   * 0.32 in spectral norm: measured 0.318 at every shape here. Not 1e-6: the coefficients trade
   * convergence for slope at 0.
   */
  @ParameterizedTest
  @CsvSource({"64, 128", "128, 64", "50, 100", "194, 512"})
  void landsWithinTheQuinticsBandOfThePolarFactor(int m, int n) {
    float[] g = new float[m * n];
    new Rng(m * 1000L + n).fillGaussian(g, g.length, 0.01);
    float[] ns = new float[m * n], polar = new float[m * n];
    new NewtonSchulz(m, n, 5).apply(g, ns);
    new ExactEgd(m, n, ExactEgd.Route.SVD, 1e-6f).apply(g, polar);
    float[] sv = Mat.singularValues(ns, m, n);
    for (float x : sv) assertTrue(x >= 0.6818f - 1e-4f && x <= 1.2024f + 1e-4f, "singular value " + x);
    float[] diff = new float[m * n];
    for (int i = 0; i < diff.length; i++) diff[i] = ns[i] - polar[i];
    double spectral = Mat.singularValues(diff, m, n)[0];
    assertTrue(spectral > 0.30 && spectral < 0.32, "||NS - U V^T||_2 = " + spectral);
  }

  @Test
  void directionsFarBelowTheFrobeniusNormStaySmall() {
    int m = 20, n = 40;
    double[] s = new double[m];
    for (int i = 0; i < m; i++) s[i] = i == m - 1 ? 1e-6 : 1;
    float[] g = Mat.toFloat(Mat.withSpectrum(m, n, s, new Rng(9)));
    float[] out = new float[m * n];
    new NewtonSchulz(m, n, 5).apply(g, out);
    float[] sv = Mat.singularValues(out, m, n);
    double norm = Math.sqrt(m - 1 + 1e-12);
    assertEquals(quintic5(1e-6 / norm, 5), sv[m - 1], 1e-5, "grows by about 3.4445^5 = 486, not to 1");
    assertTrue(sv[m - 1] < 1e-3);
  }
}
