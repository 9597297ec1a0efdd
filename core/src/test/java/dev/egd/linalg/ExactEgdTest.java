package dev.egd.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.egd.util.Rng;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ExactEgdTest {
  private static final ExactEgd.Route[] ACCURATE = {ExactEgd.Route.AUTO, ExactEgd.Route.GRAM64, ExactEgd.Route.SVD};

  /**
   * The polar factor Q = U V^T of a full-row-rank G (m <= n) is the unique Q with orthonormal rows
   * and Q G^T symmetric positive definite; both are checked here in double precision.
   */
  private static void assertPolarFactorOfFullRowRank(float[] g, float[] q, int m, int n, double tol) {
    double[] gd = Mat.toDouble(g), qd = Mat.toDouble(q);
    double[] qqt = Mat.mul(qd, Mat.transpose(qd, m, n), m, n, m);
    for (int i = 0; i < m; i++)
      for (int j = 0; j < m; j++) assertEquals(i == j ? 1 : 0, qqt[i * m + j], tol, "Q Q^T at " + i + "," + j);
    double[] p = Mat.mul(qd, Mat.transpose(gd, m, n), m, n, m); // = U S U^T
    double scale = Mat.frob(p);
    for (int i = 0; i < m; i++)
      for (int j = 0; j < i; j++) assertEquals(p[i * m + j], p[j * m + i], tol * scale, "Q G^T symmetric");
    for (int i = 0; i < m; i++) assertTrue(p[i * m + i] > 0, "Q G^T has a positive diagonal");
  }

  @ParameterizedTest
  @EnumSource(value = ExactEgd.Route.class, names = "NEWTON_SCHULZ", mode = EnumSource.Mode.EXCLUDE)
  void randomWideMatrixBecomesItsPolarFactor(ExactEgd.Route route) {
    int m = 30, n = 70;
    float[] g = new float[m * n];
    new Rng(1).fillGaussian(g, g.length, 1.0);
    float[] out = new float[m * n];
    new ExactEgd(m, n, route, 1e-6f).apply(g, out);
    assertPolarFactorOfFullRowRank(g, out, m, n, route == ExactEgd.Route.GRAM32 ? 1e-3 : 1e-5);
  }

  @ParameterizedTest
  @EnumSource(value = ExactEgd.Route.class, names = "NEWTON_SCHULZ", mode = EnumSource.Mode.EXCLUDE)
  void tallMatrixUsesTheOtherGramAndAgreesWithSvd(ExactEgd.Route route) {
    int m = 80, n = 25;
    float[] g = new float[m * n];
    new Rng(2).fillGaussian(g, g.length, 0.01);
    float[] out = new float[m * n], ref = new float[m * n];
    new ExactEgd(m, n, route, 1e-6f).apply(g, out);
    new ExactEgd(m, n, ExactEgd.Route.SVD, 1e-6f).apply(g, ref);
    assertTrue(Mat.relDiff(out, ref) < (route == ExactEgd.Route.GRAM32 ? 1e-3 : 1e-5), "route " + route);
    float[] s = Mat.singularValues(out, m, n);
    for (float v : s) assertEquals(1.0, v, 1e-4);
  }

  @Test
  void illConditionedMatrixKeepsSingularVectorsAndGetsUnitSingularValues() {
    int m = 40, n = 90;
    double[] s = new double[m];
    for (int i = 0; i < m; i++) s[i] = Math.pow(10, -4.0 * i / (m - 1)); // condition number 1e4
    Rng rng = new Rng(3);
    float[] g = Mat.toFloat(Mat.withSpectrum(m, n, s, rng));
    float[] ref = new float[m * n];
    new ExactEgd(m, n, ExactEgd.Route.SVD, 1e-6f).apply(g, ref);
    for (ExactEgd.Route route : ACCURATE) {
      float[] out = new float[m * n];
      new ExactEgd(m, n, route, 1e-6f).apply(g, out);
      assertTrue(Mat.relDiff(out, ref) < 2e-3, route + " vs svd: " + Mat.relDiff(out, ref));
      float[] sv = Mat.singularValues(out, m, n);
      for (float v : sv) assertEquals(1.0, v, 2e-3, route + " singular value");
      assertPolarFactorOfFullRowRank(g, out, m, n, 2e-3);
    }
  }

  /** Beyond condition number 1e4 GRAM64 multiplies in float64 and stays as accurate as the SVD; AUTO takes it. */
  @ParameterizedTest
  @CsvSource({"40, 90", "90, 40"})
  void gram64InDoubleCoversConditionNumbersUpTo1e5(int m, int n) {
    int k = Math.min(m, n);
    double[] s = new double[k];
    for (int i = 0; i < k; i++) s[i] = Math.pow(10, -5.0 * i / (k - 1)); // condition number 1e5
    float[] g = Mat.toFloat(Mat.withSpectrum(m, n, s, new Rng(5)));
    float[] ref = new float[m * n];
    new ExactEgd(m, n, ExactEgd.Route.SVD, 1e-6f, 0.0).apply(g, ref);
    for (ExactEgd.Route route : new ExactEgd.Route[] {ExactEgd.Route.GRAM64, ExactEgd.Route.AUTO}) {
      ExactEgd e = new ExactEgd(m, n, route, 1e-6f, 0.0);
      float[] out = new float[m * n];
      assertEquals(ExactEgd.Route.GRAM64, e.apply(g, out), route + " takes the float64 Gram route");
      assertTrue(Mat.relDiff(out, ref) < 1e-3, route + " vs svd: " + Mat.relDiff(out, ref));
      for (float v : Mat.singularValues(out, m, n)) assertEquals(1.0, v, 1e-3, route + " singular value");
    }
  }

  @ParameterizedTest
  @CsvSource({"30, 60, 10", "60, 30, 7", "20, 20, 1"})
  void rankDeficientMatrixHasUnitSingularValuesOnItsRangeAndZeroElsewhere(int m, int n, int rank) {
    double[] s = new double[rank];
    for (int i = 0; i < rank; i++) s[i] = 1.0 + i;
    float[] g = Mat.toFloat(Mat.withSpectrum(m, n, s, new Rng(4)));
    for (ExactEgd.Route route : ACCURATE) {
      float[] out = new float[m * n];
      new ExactEgd(m, n, route, 1e-6f).apply(g, out);
      float[] sv = Mat.singularValues(out, m, n);
      for (int i = 0; i < sv.length; i++) {
        assertTrue(Float.isFinite(sv[i]));
        assertEquals(i < rank ? 1.0 : 0.0, sv[i], 1e-3, route + " singular value " + i);
      }
      // The output stays in G's range: projecting onto G's column space changes nothing.
      float[] back = new float[m * n];
      new ExactEgd(m, n, ExactEgd.Route.SVD, 1e-6f).apply(g, back);
      double[] pu = Mat.mul(Mat.toDouble(back), Mat.transpose(Mat.toDouble(back), m, n), m, n, m); // U U^T
      double[] proj = Mat.mul(pu, Mat.toDouble(out), m, m, n);
      assertTrue(Mat.maxAbsDiff(proj, Mat.toDouble(out)) < 1e-3, route + " output leaves the range of G");
    }
  }

  @ParameterizedTest
  @EnumSource(value = ExactEgd.Route.class, names = "NEWTON_SCHULZ", mode = EnumSource.Mode.EXCLUDE)
  void zeroStaysZeroAndNothingIsNaN(ExactEgd.Route route) {
    float[] g = new float[12 * 9], out = new float[12 * 9];
    java.util.Arrays.fill(out, 7f);
    new ExactEgd(12, 9, route, 1e-6f).apply(g, out);
    for (float v : out) assertEquals(0f, v);
  }

  @Test
  void singularValuesBelowTheFloorShrinkInsteadOfBlowingUp() {
    // s = (1e-3, 1e-8): the second direction lies below the absolute floor 1e-6 and keeps weight s/floor.
    int m = 2, n = 3;
    double[] s = {1e-3, 1e-8};
    float[] g = Mat.toFloat(Mat.withSpectrum(m, n, s, new Rng(5)));
    float[] out = new float[m * n];
    new ExactEgd(m, n, ExactEgd.Route.SVD, 1e-6f).apply(g, out);
    float[] sv = Mat.singularValues(out, m, n);
    assertEquals(1.0, sv[0], 1e-4);
    assertTrue(sv[1] < 0.05, "tiny direction stays small: " + sv[1]);
  }

  @Test
  void rcondZeroKeepsEveryDirectionAsThePapersFormulaDoes() {
    // rank 2 of 6 rows, plus rounding noise: the default cut-off drops the noise, rcond 0 moves it too
    int m = 6, n = 10;
    float[] g = Mat.toFloat(Mat.withSpectrum(m, n, new double[] {2.0, 1.0}, new Rng(8)));
    float[] out = new float[m * n];
    new ExactEgd(m, n, ExactEgd.Route.SVD, 1e-30f, 0.0).apply(g, out);
    float[] all = Mat.singularValues(out, m, n);
    new ExactEgd(m, n, ExactEgd.Route.SVD, 1e-30f).apply(g, out);
    float[] cut = Mat.singularValues(out, m, n);
    int unitAll = 0, unitCut = 0;
    for (int i = 0; i < m; i++) {
      if (Math.abs(all[i] - 1) < 1e-3) unitAll++;
      if (Math.abs(cut[i] - 1) < 1e-3) unitCut++;
    }
    assertEquals(2, unitCut);
    assertTrue(unitAll > 2, "noise directions move at unit speed too: " + java.util.Arrays.toString(all));
  }

  @Test
  void autoFallsBackToDoublePrecisionForIllConditionedInput() {
    int m = 20, n = 40;
    double[] s = new double[m];
    for (int i = 0; i < m; i++) s[i] = Math.pow(10, -3.0 * i / (m - 1));
    float[] g = Mat.toFloat(Mat.withSpectrum(m, n, s, new Rng(6)));
    ExactEgd auto = new ExactEgd(m, n);
    assertEquals(ExactEgd.Route.GRAM64, auto.apply(g, new float[m * n]));
    float[] well = new float[m * n];
    new Rng(7).fillGaussian(well, well.length, 1.0);
    ExactEgd fresh = new ExactEgd(m, n);
    assertEquals(ExactEgd.Route.GRAM32, fresh.apply(well, new float[m * n]));
  }

  @Property(tries = 25)
  void everyAccurateRouteMatchesSvdOnRandomShapes(@ForAll @IntRange(min = 1, max = 40) int m,
      @ForAll @IntRange(min = 1, max = 40) int n, @ForAll @IntRange(min = 0, max = 1000) int seed) {
    float[] g = new float[m * n];
    new Rng(seed).fillGaussian(g, g.length, 1.0);
    float[] ref = new float[m * n];
    new ExactEgd(m, n, ExactEgd.Route.SVD, 1e-6f).apply(g, ref);
    for (ExactEgd.Route route : ACCURATE) {
      float[] out = new float[m * n];
      new ExactEgd(m, n, route, 1e-6f).apply(g, out);
      double d = Mat.relDiff(out, ref);
      // Random Gaussian matrices can be nearly singular when m ~ n; allow for that conditioning.
      assertTrue(d < 5e-3 || Mat.singularValues(g, m, n)[Math.min(m, n) - 1] < 1e-2, route + " " + m + "x" + n + ": " + d);
    }
  }

  /** Damping 0 and no rank limit are the paper's rule: the same bits as the 5-argument kernel, every route. */
  @ParameterizedTest
  @EnumSource(value = ExactEgd.Route.class, names = {"AUTO", "GRAM32", "GRAM64", "SVD"})
  void zeroDampingAndNoRankLimitGiveTodaysBits(ExactEgd.Route route) {
    for (int[] shape : new int[][] {{30, 70}, {70, 30}}) {
      int m = shape[0], n = shape[1];
      double[] s = new double[Math.min(m, n)];
      for (int i = 0; i < s.length; i++) s[i] = Math.pow(10, -5.0 * i / (s.length - 1));
      float[] g = Mat.toFloat(Mat.withSpectrum(m, n, s, new Rng(11)));
      float[] a = new float[m * n], b = new float[m * n];
      ExactEgd plain = new ExactEgd(m, n, route, 1e-6f, ExactEgd.defaultRcond(m, n));
      ExactEgd zero = new ExactEgd(m, n, route, 1e-6f, ExactEgd.defaultRcond(m, n), 0, 0, 5);
      for (int call = 0; call < 3; call++) { // AUTO's route memory included
        plain.apply(g, a);
        zero.apply(g, b);
        org.junit.jupiter.api.Assertions.assertArrayEquals(a, b, route + " call " + call);
      }
    }
  }

  /** Damped EGD is U diag(s / sqrt(s^2 + δ s_max^2)) V^T, on every decomposition route. */
  @ParameterizedTest
  @CsvSource({"1e-4, 40, 90", "1e-2, 40, 90", "1e-3, 90, 40"})
  void dampingShrinksTheSmallDirectionsInsteadOfBlowingThemUp(double delta, int m, int n) {
    int r = Math.min(m, n);
    double[] s = new double[r];
    for (int i = 0; i < r; i++) s[i] = Math.pow(10, -4.0 * i / (r - 1));
    Rng rng = new Rng(13);
    double[] u = Mat.orthonormal(m, r, rng), v = Mat.orthonormal(n, r, rng);
    double[] us = u.clone(), uw = u.clone();
    for (int i = 0; i < m; i++) for (int j = 0; j < r; j++) {
      us[i * r + j] *= s[j];
      uw[i * r + j] *= s[j] / Math.sqrt(s[j] * s[j] + delta * s[0] * s[0]);
    }
    float[] g = Mat.toFloat(Mat.mul(us, Mat.transpose(v, n, r), m, r, n));
    float[] expected = Mat.toFloat(Mat.mul(uw, Mat.transpose(v, n, r), m, r, n));
    for (ExactEgd.Route route : ACCURATE) {
      float[] out = new float[m * n];
      ExactEgd k = new ExactEgd(m, n, route, 1e-6f, ExactEgd.defaultRcond(m, n), delta, 0, 5);
      k.apply(g, out);
      assertTrue(Mat.relDiff(out, expected) < 1e-3, route + ": " + Mat.relDiff(out, expected));
      double[] o = new double[r];
      k.lastOutputSingularValues(o);
      assertEquals(1 / Math.sqrt(1 + delta), o[0], 1e-4, "the largest direction");
      assertEquals(1e-4 / Math.sqrt(1e-8 + delta), o[r - 1], 1e-4 * o[r - 1] + 1e-6, "the smallest");
    }
  }

  /** A rank limit r moves the r largest directions only: U_r V_r^T. */
  @ParameterizedTest
  @CsvSource({"32, 50, 100", "10, 100, 50"})
  void rankLimitKeepsTheLargestDirections(int limit, int m, int n) {
    int r = Math.min(m, n);
    double[] s = new double[r];
    for (int i = 0; i < r; i++) s[i] = i < limit ? 2 - (double) i / limit : 1e-2 * (r - i) / r; // a data part, then a small remainder
    Rng rng = new Rng(17);
    double[] u = Mat.orthonormal(m, r, rng), v = Mat.orthonormal(n, r, rng);
    double[] us = u.clone(), uk = u.clone();
    for (int i = 0; i < m; i++) for (int j = 0; j < r; j++) {
      us[i * r + j] *= s[j];
      uk[i * r + j] *= j < limit ? 1 : 0;
    }
    float[] g = Mat.toFloat(Mat.mul(us, Mat.transpose(v, n, r), m, r, n));
    float[] expected = Mat.toFloat(Mat.mul(uk, Mat.transpose(v, n, r), m, r, n));
    for (ExactEgd.Route route : ACCURATE) {
      float[] out = new float[m * n];
      ExactEgd k = new ExactEgd(m, n, route, 1e-6f, ExactEgd.defaultRcond(m, n), 0, limit, 5);
      k.apply(g, out);
      assertTrue(Mat.relDiff(out, expected) < 1e-4, route + ": " + Mat.relDiff(out, expected));
      float[] sv = Mat.singularValues(out, m, n);
      assertEquals(1, sv[limit - 1], 1e-4);
      assertEquals(0, sv[limit], 1e-4);
    }
  }

  @Test
  void newtonSchulzRouteIsMuonsIteration() {
    int m = 30, n = 70;
    float[] g = new float[m * n];
    new Rng(19).fillGaussian(g, g.length, 1.0);
    float[] a = new float[m * n], b = new float[m * n];
    ExactEgd k = new ExactEgd(m, n, ExactEgd.Route.NEWTON_SCHULZ, 1e-6f, 0, 0, 0, 5);
    assertEquals(ExactEgd.Route.NEWTON_SCHULZ, k.apply(g, a));
    new NewtonSchulz(m, n, 5).apply(g, b);
    org.junit.jupiter.api.Assertions.assertArrayEquals(b, a);
    assertEquals(1, k.newtonSchulzCount());
    assertEquals(7, k.state().length);
  }
}
