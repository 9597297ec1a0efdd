package dev.egd.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StatsTest {
  static final double INF = Double.POSITIVE_INFINITY;

  @Test
  void quantilesInterpolateLikeNumpy() {
    double[] s = {1, 2, 3, 4};
    assertEquals(2.5, Stats.quantile(s, 0.5), 1e-12);
    assertEquals(1.75, Stats.quantile(s, 0.25), 1e-12); // numpy.percentile([1,2,3,4], 25)
    assertEquals(3.25, Stats.quantile(s, 0.75), 1e-12);
    assertEquals(7, Stats.median(new double[] {9, 7, 1}), 0);
    Stats.Summary t = Stats.summarize(new double[] {10, 40, 20, 30, 50});
    assertEquals(5, t.n());
    assertEquals(5, t.reached());
    assertEquals(30, t.median(), 0);
    assertEquals(20, t.q1(), 0);
    assertEquals(40, t.q3(), 0);
  }

  @Test
  void runsThatNeverArrivedAreCensoredNotAveraged() {
    Stats.Summary t = Stats.summarize(new double[] {100, INF, 200});
    assertEquals(2, t.reached());
    assertEquals(200, t.median(), 0);
    assertEquals(INF, t.q3(), 0, "between 200 and never: unknown, so never");
    assertEquals(INF, Stats.summarize(new double[] {100, INF, INF}).median(), 0);
  }

  @Test
  void bootstrapIntervalsBracketTheMedianAndCollapseOnConstants() {
    double[] ci = Stats.bootstrapMedianCi(new double[] {5, 5, 5, 5});
    assertEquals(5, ci[0], 0);
    assertEquals(5, ci[1], 0);
    double[] v = {100, 120, 130, 150, 400};
    double[] c = Stats.bootstrapMedianCi(v);
    assertTrue(c[0] <= 130 && 130 <= c[1], c[0] + " .. " + c[1]);
    assertTrue(c[0] >= 100 && c[1] <= 400);
    assertTrue(c[1] > c[0]);
    double[] again = Stats.bootstrapMedianCi(v);
    assertEquals(c[0], again[0], 0, "fixed seed: the same interval every time");
  }

  @Test
  void speedupIsTheRatioOfMediansWithAnInterval() {
    double[] s = Stats.speedup(new double[] {1000, 1100, 900}, new double[] {100, 110, 90});
    assertEquals(10, s[0], 1e-12);
    assertTrue(s[1] <= 10 && 10 <= s[2] && s[1] >= 900.0 / 110 && s[2] <= 1100.0 / 90, s[1] + " .. " + s[2]);
    double[] same = Stats.speedup(new double[] {3, 3}, new double[] {3, 3});
    assertEquals(1, same[0], 0);
    assertEquals(1, same[1], 0);
    assertEquals(INF, Stats.speedup(new double[] {INF}, new double[] {5})[0], 0);
  }

  /** Newcombe (1998), Statistics in Medicine 17:857, Table II, method 3 (the Wilson score interval without continuity correction). */
  @Test
  void wilsonIntervalMatchesNewcombesPublishedValues() {
    int[][] cases = {{81, 263}, {15, 148}, {0, 20}, {1, 29}};
    double[][] expected = {{0.2553, 0.3662}, {0.0624, 0.1605}, {0.0000, 0.1611}, {0.0061, 0.1718}};
    for (int i = 0; i < cases.length; i++) {
      double[] w = Stats.wilson(cases[i][0], cases[i][1]);
      assertEquals(expected[i][0], w[0], 5e-5, cases[i][0] + "/" + cases[i][1] + " low");
      assertEquals(expected[i][1], w[1], 5e-5, cases[i][0] + "/" + cases[i][1] + " high");
    }
    double[] all = Stats.wilson(20, 20);
    assertEquals(1, all[1], 0);
    assertEquals(1 - 0.16112515805281938, all[0], 1e-12, "symmetric to 0 of 20");
    double[] six = Stats.wilson(6, 20); // the (50, 4) EGD count
    assertTrue(six[0] < 0.3 && 0.3 < six[1] && six[0] > 0.14 && six[1] < 0.52, six[0] + " .. " + six[1]);
    assertTrue(Double.isNaN(Stats.wilson(0, 0)[0]));
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Stats.wilson(3, 2));
  }

  @Test
  void medianOfReachedIgnoresCensoredRuns() {
    double[] m = Stats.medianOfReached(new double[] {100, INF, 200, INF, INF});
    assertEquals(150, m[0], 0, "the median of the two that arrived");
    assertTrue(m[1] >= 100 && m[2] <= 200 && m[1] <= m[2]);
    assertEquals(INF, Stats.summarize(new double[] {100, INF, 200, INF, INF}).median(), 0, "censored: more than half never arrived");
    assertTrue(Double.isNaN(Stats.medianOfReached(new double[] {INF, INF})[0]));
  }
}
