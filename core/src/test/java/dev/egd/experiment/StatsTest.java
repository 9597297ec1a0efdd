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
}
