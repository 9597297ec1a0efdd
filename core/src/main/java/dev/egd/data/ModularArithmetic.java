package dev.egd.data;

import dev.egd.ValidationException;

import dev.egd.util.Rng;
import java.util.Locale;

/**
 * Modular arithmetic {@code a op b mod p} over all pairs (a, b), split disjointly into train and test.
 * Input: one-hot of a and of b (2p features, indices a and p + b); target: the class c in [0, p).
 */
public final class ModularArithmetic {
  public enum Op {
    ADD("+"), SUB("-"), MUL("*"), DIV("/");

    public final String symbol;

    Op(String symbol) { this.symbol = symbol; }

    public static Op parse(String s) {
      try {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new ValidationException("op", "must be one of: add, sub, mul, div", s);
      }
    }

    public String id() { return name().toLowerCase(Locale.ROOT); }
  }

  private ModularArithmetic() {}

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

  public static int apply(Op op, int a, int b, int p) {
    switch (op) {
      case ADD: return (a + b) % p;
      case SUB: return ((a - b) % p + p) % p;
      case MUL: return (int) ((long) a * b % p);
      default: return (int) ((long) a * inverse(b, p) % p);
    }
  }

  /** Checks the arguments; throws IllegalArgumentException naming the flag and the valid range. */
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
