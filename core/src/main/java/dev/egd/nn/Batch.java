package dev.egd.nn;

/**
 * A batch of examples laid out for one forward pass: inputs as token ids ({@code size x
 * tokensPerExample}, the active features of a one-hot input or a sequence's tokens) or as dense rows
 * ({@code size x inputDim}); targets as class labels or real values ({@code size x targetDim}). The
 * buffers hold up to {@link #capacity} examples and are reused from batch to batch; {@link #size} says
 * how many the current one holds.
 */
public final class Batch {
  /** Examples in the current batch, at most {@link #capacity}. */
  public int size;
  /** The most examples a batch holds: the row count of every buffer. */
  public final int capacity;
  /** Token ids, {@code capacity x tokensPerExample}; null for dense inputs. */
  public final int[] tokens;
  /** Token ids per example (the row width of {@link #tokens}); 0 for dense inputs. */
  public final int tokensPerExample;
  /** Dense inputs, {@code capacity x inputDim}; null for token inputs. */
  public final float[] inputs;
  /** Input features: the vocabulary size for tokens, the row width for dense inputs. */
  public final int inputDim;
  /** Class labels; null for real-valued targets. */
  public final int[] labels;
  /** Real-valued targets, {@code capacity x targetDim}; null for labels. */
  public final float[] targets;
  /** Width of a real-valued target (the row width of {@link #targets}); 0 for class labels. */
  public final int targetDim;

  private Batch(int capacity, int[] tokens, int tokensPerExample, float[] inputs, int inputDim, int[] labels, float[] targets, int targetDim) {
    if (capacity < 1) throw new IllegalArgumentException("a batch holds at least one example: " + capacity);
    this.capacity = capacity;
    this.tokens = tokens;
    this.tokensPerExample = tokensPerExample;
    this.inputs = inputs;
    this.inputDim = inputDim;
    this.labels = labels;
    this.targets = targets;
    this.targetDim = targetDim;
  }

  /**
   * Room for {@code capacity} examples of {@code tokensPerExample} token ids out of {@code vocabulary}, with class labels.
   *
   * @param capacity the most examples, at least 1
   * @param tokensPerExample token ids per example
   * @param vocabulary the number of distinct token ids (recorded as {@link #inputDim})
   * @return an empty batch ({@link #size} 0) with zeroed buffers
   * @throws IllegalArgumentException if {@code capacity} is 0
   * @throws NegativeArraySizeException if {@code capacity} is negative
   */
  public static Batch ofTokens(int capacity, int tokensPerExample, int vocabulary) {
    return new Batch(capacity, new int[capacity * tokensPerExample], tokensPerExample, null, vocabulary, new int[capacity], null, 0);
  }

  /**
   * Room for {@code capacity} dense rows of {@code inputDim} with class labels ({@code targetDim} 0) or real targets of that width.
   *
   * @param capacity the most examples, at least 1
   * @param inputDim floats per input row
   * @param targetDim 0 for class labels, else the width of a real-valued target
   * @return an empty batch ({@link #size} 0) with zeroed buffers
   * @throws IllegalArgumentException if {@code capacity} is 0
   * @throws NegativeArraySizeException if {@code capacity} is negative
   * @throws ArithmeticException if {@code capacity * inputDim} overflows an int
   */
  public static Batch ofRows(int capacity, int inputDim, int targetDim) {
    return new Batch(capacity, null, 0, new float[Math.multiplyExact(capacity, inputDim)], inputDim,
        targetDim == 0 ? new int[capacity] : null, targetDim == 0 ? null : new float[capacity * targetDim], targetDim);
  }

  /**
   * Room for {@code capacity} token examples with real targets of width {@code targetDim}.
   *
   * @param capacity the most examples, at least 1
   * @param tokensPerExample token ids per example
   * @param vocabulary the number of distinct token ids (recorded as {@link #inputDim})
   * @param targetDim the width of a real-valued target
   * @return an empty batch ({@link #size} 0) with zeroed buffers
   * @throws IllegalArgumentException if {@code capacity} is 0
   * @throws NegativeArraySizeException if {@code capacity} is negative
   */
  public static Batch ofTokensWithTargets(int capacity, int tokensPerExample, int vocabulary, int targetDim) {
    return new Batch(capacity, new int[capacity * tokensPerExample], tokensPerExample, null, vocabulary, null, new float[capacity * targetDim], targetDim);
  }

  /** @return whether inputs are token ids ({@link #tokens}) rather than dense rows ({@link #inputs}) */
  public boolean isTokens() { return tokens != null; }
}
