package dev.egd.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.egd.util.Rng;
import org.junit.jupiter.api.Test;

class RandomizedEgdTest {
  @Test
  void fullRankEqualsExact() {
    int m = 24, n = 50;
    float[] g = new float[m * n];
    new Rng(11).fillGaussian(g, g.length, 1.0);
    float[] exact = new float[m * n], approx = new float[m * n];
    new ExactEgd(m, n, ExactEgd.Route.SVD, 1e-6f).apply(g, exact);
    new RandomizedEgd(m, n, m, 2, 0, RandomizedEgd.Residual.DROP, 1e-6f).apply(g, approx, new Rng(12));
    assertTrue(Mat.relDiff(approx, exact) < 1e-4, "rel diff " + Mat.relDiff(approx, exact));
  }

  @Test
  void lowRankKeepsTheTopSubspaceWithUnitSingularValuesAndDropsTheRest() {
    int m = 40, n = 60, r = 5;
    double[] s = new double[m];
    for (int i = 0; i < m; i++) s[i] = i < r ? 10.0 * (r - i) : 0.01; // clear gap after r
    float[] g = Mat.toFloat(Mat.withSpectrum(m, n, s, new Rng(13)));
    float[] out = new float[m * n];
    RandomizedEgd k = new RandomizedEgd(m, n, r, 2, 0, RandomizedEgd.Residual.DROP, 1e-6f);
    k.apply(g, out, new Rng(14));
    float[] sv = Mat.singularValues(out, m, n);
    for (int i = 0; i < sv.length; i++) assertEquals(i < r ? 1.0 : 0.0, sv[i], 1e-3, "singular value " + i);
    for (int i = 0; i < r; i++) assertEquals(s[i], k.lastSingularValues()[i], 1e-3 * s[i]);
  }

  @Test
  void keepResidualMovesTheRestAtMostAsFastAsTheKeptDirections() {
    int m = 30, n = 45, r = 4;
    double[] s = new double[m];
    for (int i = 0; i < m; i++) s[i] = i < r ? 8.0 - i : 0.5 / (i + 1);
    float[] g = Mat.toFloat(Mat.withSpectrum(m, n, s, new Rng(15)));
    float[] out = new float[m * n];
    new RandomizedEgd(m, n, r, 3, 0, RandomizedEgd.Residual.KEEP, 1e-6f).apply(g, out, new Rng(16));
    float[] sv = Mat.singularValues(out, m, n);
    for (int i = 0; i < r; i++) assertEquals(1.0, sv[i], 1e-3);
    for (int i = r; i < m; i++) assertEquals(s[i] / s[r - 1], sv[i], 1e-3, "residual singular value " + i);
  }

  @Test
  void rejectsImpossibleRanks() {
    assertThrows(IllegalArgumentException.class, () -> new RandomizedEgd(10, 20, 11, 2, 0, RandomizedEgd.Residual.DROP, 1e-6f));
    assertThrows(IllegalArgumentException.class, () -> new RandomizedEgd(10, 20, 0, 2, 0, RandomizedEgd.Residual.DROP, 1e-6f));
  }

  @Test
  void sameRngStateGivesSameBits() {
    int m = 16, n = 32;
    float[] g = new float[m * n];
    new Rng(17).fillGaussian(g, g.length, 1.0);
    float[] a = new float[m * n], b = new float[m * n];
    new RandomizedEgd(m, n, 6, 2, 2, RandomizedEgd.Residual.DROP, 1e-6f).apply(g, a, new Rng(5));
    new RandomizedEgd(m, n, 6, 2, 2, RandomizedEgd.Residual.DROP, 1e-6f).apply(g, b, new Rng(5));
    assertTrue(java.util.Arrays.equals(a, b));
  }

  @org.junit.jupiter.api.Test
  void choleskyQr2OrthonormalisesTallBlocksAndRefusesRankDeficientOnes() {
    dev.egd.util.Rng rng = new dev.egd.util.Rng(41);
    int m = 300, n = 40;
    float[] a = new float[m * n];
    rng.fillGaussian(a, a.length, 1.0);
    for (int i = 0; i < m; i++) a[i * n + 3] *= 1e-2f; // a column 100x smaller: condition number ~100
    float[] q = a.clone();
    org.junit.jupiter.api.Assertions.assertTrue(Blas.choleskyQr2(m, n, q));
    float[] qtq = new float[n * n], qta = new float[n * n], back = new float[m * n];
    Blas.gemm(true, false, n, n, m, 1f, q, n, q, n, 0f, qtq, n);
    for (int i = 0; i < n; i++)
      for (int j = 0; j < n; j++) org.junit.jupiter.api.Assertions.assertEquals(i == j ? 1f : 0f, qtq[i * n + j], 2e-5f, "Q^T Q at " + i + "," + j);
    Blas.gemm(true, false, n, n, m, 1f, q, n, a, n, 0f, qta, n); // A = Q (Q^T A): the same column space
    Blas.gemm(false, false, m, n, n, 1f, q, n, qta, n, 0f, back, n);
    for (int i = 0; i < a.length; i++) org.junit.jupiter.api.Assertions.assertEquals(a[i], back[i], 1e-4f);
    float[] deficient = a.clone();
    for (int i = 0; i < m; i++) deficient[i * n + 5] = deficient[i * n + 6]; // two equal columns
    float[] copy = deficient.clone();
    org.junit.jupiter.api.Assertions.assertFalse(Blas.choleskyQr2(m, n, deficient));
    org.junit.jupiter.api.Assertions.assertArrayEquals(copy, deficient, "left unchanged for the Householder fallback");
  }
}
