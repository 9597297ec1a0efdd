package dev.egd.experiment;

import dev.egd.util.Rng;
import java.util.Arrays;

/**
 * Small-sample statistics of times to target across seeds. A run that never reached the target is
 * right-censored: it counts as +infinity, so a median or interval that lands on one becomes "more
 * than the cap" rather than a made-up number.
 */
public final class Stats {
  /** Bootstrap resamples per interval. */
  public static final int BOOTSTRAP = 10_000;
  /** The bootstrap's fixed seed: the same values always give the same interval. */
  public static final long BOOTSTRAP_SEED = 0xB007L;

  private Stats() {}

  /**
   * Quantile q in [0, 1] of sorted values, linear between order statistics (numpy's default, R type 7).
   *
   * @param sorted the values, ascending (+inf allowed); read only
   * @param q the quantile, in [0, 1]
   * @return the quantile, +inf when it lies next to an infinite value, NaN for no values
   */
  public static double quantile(double[] sorted, double q) {
    if (sorted.length == 0) return Double.NaN;
    double h = (sorted.length - 1) * q;
    int lo = (int) Math.floor(h), hi = (int) Math.ceil(h);
    if (lo == hi || sorted[hi] == sorted[lo]) return sorted[lo];
    if (Double.isInfinite(sorted[hi])) return Double.POSITIVE_INFINITY;
    return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
  }

  /**
   * The median of the values, +inf when half or more are +inf.
   *
   * @param values the values, in any order; not changed
   * @return the median, NaN for no values
   */
  public static double median(double[] values) {
    double[] s = values.clone();
    Arrays.sort(s);
    return quantile(s, 0.5);
  }

  /**
   * Summary of one group: values (+inf for runs that never arrived).
   *
   * @param n the number of runs
   * @param reached how many reached the target (finite values)
   * @param median the censored median, +inf when half or more never arrived
   * @param q1 the first quartile
   * @param q3 the third quartile
   * @param ciLow the lower end of the median's bootstrap 95% interval
   * @param ciHigh its upper end
   */
  public record Summary(int n, int reached, double median, double q1, double q3, double ciLow, double ciHigh) {}

  /**
   * The censored summary of one group: median, quartiles and the median's bootstrap interval.
   *
   * @param values the times to target of one group, +inf for runs that never arrived; not changed
   * @return the summary
   */
  public static Summary summarize(double[] values) {
    double[] s = values.clone();
    Arrays.sort(s);
    int reached = 0;
    for (double v : s) if (Double.isFinite(v)) reached++;
    double[] ci = bootstrapMedianCi(values);
    return new Summary(s.length, reached, quantile(s, 0.5), quantile(s, 0.25), quantile(s, 0.75), ci[0], ci[1]);
  }

  /** The normal quantile of a two-sided 95% interval. */
  public static final double Z95 = 1.959963984540054;

  /**
   * Wilson score 95% interval of a success probability from k successes in n trials: the interval
   * R's {@code prop.test(correct = FALSE)} and statsmodels' {@code proportion_confint(method="wilson")}
   * give. Unlike the normal approximation it stays inside [0, 1] and is not empty at k = 0 or k = n
   * (0 of 20 gives [0, 0.161]). {NaN, NaN} for n = 0.
   *
   * @param k successes, in [0, n]
   * @param n trials, &gt;= 0
   * @return a new array {low, high}
   */
  public static double[] wilson(int k, int n) {
    if (n < 0 || k < 0 || k > n) throw new IllegalArgumentException("need 0 <= k <= n: " + k + " of " + n);
    if (n == 0) return new double[] {Double.NaN, Double.NaN};
    double z2 = Z95 * Z95, p = (double) k / n;
    double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
    double half = Z95 / (1 + z2 / n) * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
    return new double[] {k == 0 ? 0 : Math.max(0, centre - half), k == n ? 1 : Math.min(1, centre + half)};
  }

  /**
   * The median time of the runs that reached the target (finite values only) with its percentile
   * bootstrap 95% interval: {median, low, high}; NaNs when none did. Read beside the success rate:
   * it says how fast a run is when it arrives, the censored median of {@link #summarize} how fast a
   * run is.
   *
   * @param values the times to target, +inf for runs that never arrived; not changed
   * @return a new array {median, low, high}
   */
  public static double[] medianOfReached(double[] values) {
    double[] f = Arrays.stream(values).filter(Double::isFinite).toArray();
    if (f.length == 0) return new double[] {Double.NaN, Double.NaN, Double.NaN};
    double[] ci = bootstrapMedianCi(f);
    return new double[] {median(f), ci[0], ci[1]};
  }

  /**
   * Percentile bootstrap 95% interval of the median: {@link #BOOTSTRAP} resamples, fixed seed.
   *
   * @param values the values, +inf allowed; not changed
   * @return a new array {low, high}; NaNs for no values
   */
  public static double[] bootstrapMedianCi(double[] values) {
    if (values.length == 0) return new double[] {Double.NaN, Double.NaN};
    Rng rng = new Rng(BOOTSTRAP_SEED);
    double[] meds = new double[BOOTSTRAP];
    double[] r = new double[values.length];
    for (int b = 0; b < BOOTSTRAP; b++) {
      for (int i = 0; i < r.length; i++) r[i] = values[rng.nextInt(values.length)];
      meds[b] = median(r);
    }
    Arrays.sort(meds);
    return new double[] {quantile(meds, 0.025), quantile(meds, 0.975)};
  }

  /**
   * Speed-up of method over baseline: median(baseline) / median(method), with a percentile bootstrap
   * 95% interval resampling both groups. Infinite baselines make lower bounds (+inf), infinite
   * methods zeros; NaN when both medians are infinite.
   *
   * @param baseline the baseline's times to target, +inf for runs that never arrived; not changed
   * @param method the method's times, likewise
   * @return a new array {speed-up, low, high}
   */
  public static double[] speedup(double[] baseline, double[] method) {
    double point = ratio(median(baseline), median(method));
    Rng rng = new Rng(BOOTSTRAP_SEED + 1);
    double[] rs = new double[BOOTSTRAP];
    double[] a = new double[baseline.length], b = new double[method.length];
    int n = 0;
    for (int k = 0; k < BOOTSTRAP; k++) {
      for (int i = 0; i < a.length; i++) a[i] = baseline[rng.nextInt(a.length)];
      for (int i = 0; i < b.length; i++) b[i] = method[rng.nextInt(b.length)];
      double r = ratio(median(a), median(b));
      if (!Double.isNaN(r)) rs[n++] = r;
    }
    if (n == 0) return new double[] {point, Double.NaN, Double.NaN};
    double[] sorted = Arrays.copyOf(rs, n);
    Arrays.sort(sorted);
    return new double[] {point, quantile(sorted, 0.025), quantile(sorted, 0.975)};
  }

  private static double ratio(double base, double m) {
    if (Double.isInfinite(base) && Double.isInfinite(m)) return Double.NaN;
    if (Double.isInfinite(base)) return Double.POSITIVE_INFINITY;
    if (Double.isInfinite(m)) return 0;
    return base / m;
  }
}
