package dev.egd.data;

import dev.egd.util.Rng;
import java.util.Arrays;
import java.util.Locale;

/**
 * Sparse parity (n, k): inputs uniform in {-1, +1}^n, label the product of k secret bits. The secret
 * is the first k bits (as in the EGD paper) or a random subset drawn from the data seed.
 */
public final class SparseParity {
  private SparseParity() {}

  /**
   * Checks the arguments of {@link #split}.
   *
   * @param n input bits, at least 1
   * @param k secret bits, in [1, n]
   * @param trainSize training examples, at least 1
   * @param testSize test examples, at least 1
   * @throws dev.egd.ValidationException ({@code n}, {@code k}, {@code train_size}, {@code test_size}) if a value is
   *     out of range
   */
  public static void validate(int n, int k, int trainSize, int testSize) {
    dev.egd.Check.atLeast("n", n, 1);
    if (k < 1 || k > n) throw new dev.egd.ValidationException("k", "must be in [1, {n}=" + n + "]", k);
    dev.egd.Check.atLeast("train_size", trainSize, 1);
    dev.egd.Check.atLeast("test_size", testSize, 1);
  }

  /**
   * The secret bit positions: 0..k-1, or k distinct positions drawn from the seed.
   *
   * @param n input bits
   * @param k secret bits, in [1, n]
   * @param random whether to draw the positions rather than take the first k
   * @param dataSeed the seed of the draw (unused when not random)
   * @return a new array of k positions in [0, n), ascending
   */
  public static int[] secret(int n, int k, boolean random, long dataSeed) {
    if (!random) {
      int[] s = new int[k];
      for (int i = 0; i < k; i++) s[i] = i;
      return s;
    }
    int[] all = new int[n];
    for (int i = 0; i < n; i++) all[i] = i;
    new Rng(dataSeed, 0x5EC2E7L).shuffle(all, n);
    int[] s = Arrays.copyOf(all, k);
    Arrays.sort(s);
    return s;
  }

  /**
   * Samples the training and test sets (independently, with replacement) from the data seed.
   *
   * @param n input bits, at least 1
   * @param k secret bits, in [1, n]
   * @param trainSize training examples, at least 1
   * @param testSize test examples, at least 1
   * @param randomSecret whether the secret positions are drawn rather than the first k
   * @param dataSeed the seed of the secret and the samples
   * @return dense inputs of n values in {-1, +1} with one real target in {-1, +1}, the product of the secret bits
   * @throws dev.egd.ValidationException if a value is out of range
   */
  public static Split split(int n, int k, int trainSize, int testSize, boolean randomSecret, long dataSeed) {
    validate(n, k, trainSize, testSize);
    int[] secret = secret(n, k, randomSecret, dataSeed);
    Rng rng = new Rng(dataSeed, 0xDA7AL);
    Dataset train = sample(n, secret, trainSize, rng);
    Dataset test = sample(n, secret, testSize, rng);
    String desc = String.format(Locale.ROOT, "sparse parity n=%d k=%d, secret bits %s: %d train / %d test", n, k,
        Arrays.toString(secret), trainSize, testSize);
    return new Split(train, test, desc);
  }

  private static Dataset sample(int n, int[] secret, int count, Rng rng) {
    float[] x = new float[count * n];
    float[] y = new float[count];
    for (int i = 0; i < count; i++) {
      for (int j = 0; j < n; j++) x[i * n + j] = (rng.nextLong() & 1) == 0 ? -1f : 1f;
      float label = 1f;
      for (int b : secret) label *= x[i * n + b];
      y[i] = label;
    }
    return Dataset.denseRegression(n, x, y, 1);
  }
}
