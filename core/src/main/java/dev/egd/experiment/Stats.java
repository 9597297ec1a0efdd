package dev.egd.experiment;

import dev.egd.util.Rng;
import java.util.Arrays;

/**
 * Small-sample statistics of times to target across seeds. A run that never reached the target is
 * right-censored: it counts as +infinity, so a median or interval that lands on one becomes "more
 * than the cap" rather than a made-up number.
 */
public final class Stats {
  public static final int BOOTSTRAP = 10_000;
  public static final long BOOTSTRAP_SEED = 0xB007L;

  private Stats() {}

  /** Quantile q in [0, 1] of sorted values, linear between order statistics (numpy's default, R type 7). */
  public static double quantile(double[] sorted, double q) {
    if (sorted.length == 0) return Double.NaN;
    double h = (sorted.length - 1) * q;
    int lo = (int) Math.floor(h), hi = (int) Math.ceil(h);
    if (lo == hi || sorted[hi] == sorted[lo]) return sorted[lo];
    if (Double.isInfinite(sorted[hi])) return Double.POSITIVE_INFINITY;
    return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
  }

  public static double median(double[] values) {
    double[] s = values.clone();
    Arrays.sort(s);
    return quantile(s, 0.5);
  }

  /** Summary of one group: values (+inf for runs that never arrived). */
  public record Summary(int n, int reached, double median, double q1, double q3, double ciLow, double ciHigh) {}

  public static Summary summarize(double[] values) {
    double[] s = values.clone();
    Arrays.sort(s);
    int reached = 0;
    for (double v : s) if (Double.isFinite(v)) reached++;
    double[] ci = bootstrapMedianCi(values);
    return new Summary(s.length, reached, quantile(s, 0.5), quantile(s, 0.25), quantile(s, 0.75), ci[0], ci[1]);
  }

  /** Percentile bootstrap 95% interval of the median: {@link #BOOTSTRAP} resamples, fixed seed. */
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
