package dev.egd.util;

/**
 * A small, fully specified pseudo-random generator (xoshiro256**, seeded by SplitMix64).
 *
 * <p>Written out here rather than taken from {@code java.util} so that the same seed gives the same
 * numbers on every JDK: reproducibility across JVM versions is part of egd's contract. Gaussians use
 * the Box-Muller transform in double precision.
 */
public final class Rng {
  private long s0, s1, s2, s3;
  private double spareGaussian;
  private boolean hasSpare;

  /**
   * A generator for one named stream of a run: the same (seed, stream) always gives the same numbers.
   *
   * @param seed the run's seed; any value
   * @param stream which of the run's streams (initialisation, batch order, ...); streams of one seed are independent
   */
  public Rng(long seed, long stream) {
    long x = seed * 0x9E3779B97F4A7C15L + stream * 0xD1B54A32D192ED03L + 0x632BE59BD9B4E019L;
    long[] z = new long[1];
    z[0] = x;
    s0 = splitMix(z);
    s1 = splitMix(z);
    s2 = splitMix(z);
    s3 = splitMix(z);
  }

  /**
   * A generator for stream 0 of {@code seed}, the same as {@code new Rng(seed, 0)}.
   *
   * @param seed the seed; any value
   */
  public Rng(long seed) {
    this(seed, 0);
  }

  private static long splitMix(long[] state) {
    long z = (state[0] += 0x9E3779B97F4A7C15L);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /**
   * The next 64 random bits (xoshiro256**), the step every other method draws from.
   *
   * @return a uniformly distributed long, any of the 2<sup>64</sup> values
   */
  public long nextLong() {
    long result = Long.rotateLeft(s1 * 5, 7) * 9;
    long t = s1 << 17;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = Long.rotateLeft(s3, 45);
    return result;
  }

  /**
   * Uniform in [0, 1) with 53 random bits.
   *
   * @return a double in [0, 1), a multiple of 2<sup>-53</sup>
   */
  public double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  /**
   * Uniform integer in [0, bound), without modulo bias (Lemire's method).
   *
   * @param bound the exclusive upper bound, &gt; 0
   * @return an int in [0, bound)
   * @throws IllegalArgumentException if {@code bound <= 0}
   */
  public int nextInt(int bound) {
    if (bound <= 0) throw new IllegalArgumentException("bound must be positive: " + bound);
    long m = (nextLong() >>> 32) * bound;
    long low = m & 0xFFFFFFFFL;
    if (low < bound) {
      long threshold = (0x100000000L - bound) % bound;
      while (low < threshold) {
        m = (nextLong() >>> 32) * bound;
        low = m & 0xFFFFFFFFL;
      }
    }
    return (int) (m >>> 32);
  }

  /**
   * Standard normal deviate (Marsaglia's polar method).
   * Deviates come in pairs: every second call returns the spare of the one before, which {@link #state()} records.
   *
   * @return a sample of N(0, 1)
   */
  public double nextGaussian() {
    if (hasSpare) {
      hasSpare = false;
      return spareGaussian;
    }
    double u, v, s;
    do {
      u = 2 * nextDouble() - 1;
      v = 2 * nextDouble() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s == 0);
    double f = Math.sqrt(-2 * Math.log(s) / s);
    spareGaussian = v * f;
    hasSpare = true;
    return u * f;
  }

  /**
   * Fills {@code out[0..n)} with N(0, std^2) samples.
   *
   * @param out the array to fill (only its first {@code n} entries are written)
   * @param n how many samples, at most {@code out.length}
   * @param std the standard deviation of the samples
   */
  public void fillGaussian(float[] out, int n, double std) {
    for (int i = 0; i < n; i++) out[i] = (float) (nextGaussian() * std);
  }

  /**
   * Fisher-Yates shuffle of {@code a[0..n)}.
   * Every permutation is equally likely.
   *
   * @param a the array, permuted in place (entries from {@code n} on are left as they are)
   * @param n how many leading entries to shuffle, at most {@code a.length}
   */
  public void shuffle(int[] a, int n) {
    for (int i = n - 1; i > 0; i--) {
      int j = nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  /**
   * The full generator state, for checkpoints.
   *
   * @return a new array of six longs: the four state words, the spare-Gaussian flag and the spare's bits; give it to
   *     {@link #restore} to continue the sequence exactly
   */
  public long[] state() {
    return new long[] {s0, s1, s2, s3, hasSpare ? 1 : 0, Double.doubleToRawLongBits(spareGaussian)};
  }

  /**
   * Continues the sequence from a state {@link #state()} returned: the next numbers are those the saved generator would
   * have given.
   *
   * @param state the six longs of {@link #state()} (read, not kept)
   * @throws ArrayIndexOutOfBoundsException if {@code state} has fewer than six entries
   */
  public void restore(long[] state) {
    s0 = state[0];
    s1 = state[1];
    s2 = state[2];
    s3 = state[3];
    hasSpare = state[4] != 0;
    spareGaussian = Double.longBitsToDouble(state[5]);
  }
}
