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
}
