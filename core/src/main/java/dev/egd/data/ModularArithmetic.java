package dev.egd.data;

import dev.egd.ValidationException;

import dev.egd.util.Rng;
import java.util.Locale;

/**
 * Modular arithmetic {@code a op b mod p} over all pairs (a, b), split disjointly into train and test.
 * Input: one-hot of a and of b (2p features, indices a and p + b); target: the class c in [0, p).
 */
public final class ModularArithmetic {
  /** The operation. */
  public enum Op {
    /** a + b mod p. */
    ADD("+"),
    /** a - b mod p, in [0, p). */
    SUB("-"),
    /** a * b mod p. */
    MUL("*"),
    /** a * b^-1 mod p, for a prime p and b != 0. */
    DIV("/");

    /** The operation's symbol in descriptions: {@code +}, {@code -}, {@code *} or {@code /}. */
    public final String symbol;

    Op(String symbol) { this.symbol = symbol; }

    /**
     * Parses an operation's name.
     *
     * @param s add, sub, mul or div (any case, surrounding space ignored)
     * @return the operation
     * @throws ValidationException ({@code op}) if {@code s} names none
     */
    public static Op parse(String s) {
      try {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new ValidationException("op", "must be one of: add, sub, mul, div", s);
      }
    }

    /** @return the operation's name in lower case ({@code add}, ...), as {@link #parse} reads it */
    public String id() { return name().toLowerCase(Locale.ROOT); }
  }

  private ModularArithmetic() {}

  /**
   * Whether p is prime, by trial division.
   *
   * @param p any int
   * @return whether p is a prime (false below 2)
   */
  public static boolean isPrime(int p) {
    if (p < 2) return false;
    for (int d = 2; (long) d * d <= p; d++) if (p % d == 0) return false;
    return true;
  }

  /** Multiplicative inverse of b mod prime p (b != 0), by Fermat's little theorem. */
  static int inverse(int b, int p) {
    long result = 1, base = b % p;
    for (int e = p - 2; e > 0; e >>= 1) {
      if ((e & 1) == 1) result = result * base % p;
      base = base * base % p;
    }
    return (int) result;
  }

  /**
   * The answer c = a op b mod p.
   *
   * @param op the operation
   * @param a in [0, p)
   * @param b in [0, p); not 0 for {@code DIV}
   * @param p the modulus, at least 2 and below 46341; prime for {@code DIV}
   * @return c in [0, p)
   */
  public static int apply(Op op, int a, int b, int p) {
    switch (op) {
      case ADD: return (a + b) % p;
      case SUB: return ((a - b) % p + p) % p;
      case MUL: return (int) ((long) a * b % p);
      default: return (int) ((long) a * inverse(b, p) % p);
    }
  }

  /**
   * Checks the arguments of {@link #split} and {@link #sequences}.
   *
   * @param op the operation
   * @param p the modulus: in [2, 46340], prime for {@code DIV}
   * @param trainFraction the share of pairs for training, in (0, 1)
   * @throws ValidationException ({@code p}, {@code train_fraction}) naming the setting and its valid range
   */
  public static void validate(Op op, int p, double trainFraction) {
    if (p < 2) throw new ValidationException("p", "must be >= 2", p);
    if (p > 46340) throw new ValidationException("p", "must be <= 46340 (p^2 pairs must fit)", p);
    if (op == Op.DIV && !isPrime(p)) throw new ValidationException("p", "must be prime for {op} div", p);
    if (!(trainFraction > 0 && trainFraction < 1)) throw new ValidationException("train_fraction", "must be in (0, 1)", trainFraction);
  }

  /**
   * Token sequences {@code [a, op, b, eq]} with answer c = a op b mod p, for a decoder: tokens 0..p-1
   * are numbers, p is the operation and p + 1 the equals sign. As in the Grokfast and Power et al.
   * code, b ranges over 1..p-1 for mul and div, 0..p-1 otherwise; split by {@code splitSeed}.
   *
   * @param op the operation
   * @param p the modulus, as {@link #validate} requires
   * @param trainFraction the share of sequences for training, in (0, 1)
   * @param splitSeed the seed of the shuffle that splits them
   * @return the train and test sets: token inputs of 4 tokens out of a vocabulary of p + 2, class labels
   *     in [0, p)
   * @throws ValidationException if an argument is out of range
   */
  public static Split sequences(Op op, int p, double trainFraction, long splitSeed) {
    validate(op, p, trainFraction);
    int bStart = op == Op.MUL || op == Op.DIV ? 1 : 0;
    int total = p * (p - bStart);
    int[] tokens = new int[4 * total];
    int[] labels = new int[total];
    int i = 0;
    for (int a = 0; a < p; a++) {
      for (int b = bStart; b < p; b++) {
        tokens[4 * i] = a;
        tokens[4 * i + 1] = p;
        tokens[4 * i + 2] = b;
        tokens[4 * i + 3] = p + 1;
        labels[i] = apply(op, a, b, p);
        i++;
      }
    }
    Dataset all = Dataset.oneHotClassification(p + 2, tokens, 4, labels, p + 2);
    return splitOf(all, total, trainFraction, splitSeed,
        String.format(Locale.ROOT, "sequences a %s b = c mod %d", op.symbol, p));
  }

  private static Split splitOf(Dataset all, int total, double trainFraction, long splitSeed, String what) {
    int[] perm = new int[total];
    for (int j = 0; j < total; j++) perm[j] = j;
    new Rng(splitSeed, 0x5EED5EEDL).shuffle(perm, total);
    int trainSize = (int) Math.floor(total * trainFraction);
    if (trainSize < 1 || trainSize >= total)
      throw new ValidationException("train_fraction", "leaves an empty train or test set", trainFraction);
    int[] tr = java.util.Arrays.copyOfRange(perm, 0, trainSize);
    int[] te = java.util.Arrays.copyOfRange(perm, trainSize, total);
    return new Split(all.subset(tr), all.subset(te), String.format(Locale.ROOT, "%s: %d train / %d test", what, trainSize, total - trainSize));
  }

  /**
   * All pairs (for div: b != 0), shuffled by {@code splitSeed}; the first {@code floor(N * fraction)}
   * train, the rest test.
   *
   * @param op the operation
   * @param p the modulus, as {@link #validate} requires
   * @param trainFraction the share of pairs for training, in (0, 1)
   * @param splitSeed the seed of the shuffle that splits them
   * @return the train and test sets: one-hot inputs of 2p features (two active), class labels in [0, p)
   * @throws ValidationException if an argument is out of range
   */
  public static Split split(Op op, int p, double trainFraction, long splitSeed) {
    validate(op, p, trainFraction);
    int bStart = op == Op.DIV ? 1 : 0;
    int total = p * (p - bStart);
    int[] active = new int[2 * total];
    int[] labels = new int[total];
    int i = 0;
    for (int a = 0; a < p; a++) {
      for (int b = bStart; b < p; b++) {
        active[2 * i] = a;
        active[2 * i + 1] = p + b;
        labels[i] = apply(op, a, b, p);
        i++;
      }
    }
    Dataset all = Dataset.oneHotClassification(2 * p, active, 2, labels, p);
    return splitOf(all, total, trainFraction, splitSeed, String.format(Locale.ROOT, "a %s b mod %d", op.symbol, p));
  }
}
