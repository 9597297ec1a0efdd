package dev.egd.data;

import dev.egd.nn.Batch;

/**
 * Examples held as flat arrays. Inputs are either sparse one-hot (a fixed number of active feature
 * indices per example, e.g. the a and b of modular arithmetic) or dense rows; targets are either
 * class labels or real-valued rows.
 */
public final class Dataset {
  /** The number of examples. */
  public final int size;
  /** Input features: the number of one-hot features, or the width of a dense row. */
  public final int inputDim;
  /** Active feature indices, size x activePerExample, or null for dense inputs. */
  public final int[] oneHot;
  /** Active features per example of a one-hot input; 0 for dense inputs. */
  public final int activePerExample;
  /** Dense inputs, size x inputDim, or null for one-hot inputs. */
  public final float[] dense;
  /** Class labels in [0, numClasses), or null for real-valued targets. */
  public final int[] labels;
  /** The number of classes; 0 for real-valued targets. */
  public final int numClasses;
  /** Real-valued targets, size x targetDim, or null for class labels. */
  public final float[] values;
  /** The width of a real-valued target; 0 for class labels. */
  public final int targetDim;

  private Dataset(int size, int inputDim, int[] oneHot, int activePerExample, float[] dense,
      int[] labels, int numClasses, float[] values, int targetDim) {
    this.size = size;
    this.inputDim = inputDim;
    this.oneHot = oneHot;
    this.activePerExample = activePerExample;
    this.dense = dense;
    this.labels = labels;
    this.numClasses = numClasses;
    this.values = values;
    this.targetDim = targetDim;
  }

  /**
   * One-hot inputs with class labels. The arrays are kept, not copied.
   *
   * @param inputDim the number of one-hot features; indices are in [0, inputDim)
   * @param active the active feature indices, {@code labels.length x activePerExample}, row-major
   * @param activePerExample active features per example
   * @param labels the class labels, one per example, in [0, numClasses)
   * @param numClasses the number of classes
   * @return the data set
   * @throws IllegalArgumentException if {@code active} does not hold {@code activePerExample} indices per label
   */
  public static Dataset oneHotClassification(int inputDim, int[] active, int activePerExample, int[] labels, int numClasses) {
    int size = labels.length;
    if (active.length != size * activePerExample) throw new IllegalArgumentException("active indices do not match labels");
    return new Dataset(size, inputDim, active, activePerExample, null, labels, numClasses, null, 0);
  }

  /**
   * Dense inputs with class labels. The arrays are kept, not copied.
   *
   * @param inputDim the width of an input row
   * @param x the inputs, {@code labels.length x inputDim}, row-major
   * @param labels the class labels, one per example, in [0, numClasses)
   * @param numClasses the number of classes
   * @return the data set
   * @throws IllegalArgumentException if {@code x} does not hold one row per label
   */
  public static Dataset denseClassification(int inputDim, float[] x, int[] labels, int numClasses) {
    if (x.length != (long) labels.length * inputDim) throw new IllegalArgumentException("inputs do not match labels");
    return new Dataset(labels.length, inputDim, null, 0, x, labels, numClasses, null, 0);
  }

  /**
   * Dense inputs with real-valued targets. The arrays are kept, not copied.
   *
   * @param inputDim the width of an input row
   * @param x the inputs, {@code size x inputDim}, row-major
   * @param y the targets, {@code size x targetDim}, row-major; size is {@code y.length / targetDim}
   * @param targetDim the width of a target, at least 1
   * @return the data set
   * @throws IllegalArgumentException if {@code x} does not hold one row per target
   */
  public static Dataset denseRegression(int inputDim, float[] x, float[] y, int targetDim) {
    int size = y.length / targetDim;
    if (x.length != (long) size * inputDim) throw new IllegalArgumentException("inputs do not match targets");
    return new Dataset(size, inputDim, null, 0, x, null, 0, y, targetDim);
  }

  /** @return whether the inputs are one-hot indices ({@link #oneHot}) rather than dense rows ({@link #dense}) */
  public boolean isOneHot() { return oneHot != null; }

  /**
   * An empty batch with room for {@code capacity} examples laid out as this data set's.
   *
   * @param capacity the most examples, at least 1
   * @return a new batch of this data set's layout, size 0
   */
  public Batch newBatch(int capacity) {
    if (oneHot != null) {
      return labels != null ? Batch.ofTokens(capacity, activePerExample, inputDim)
          : Batch.ofTokensWithTargets(capacity, activePerExample, inputDim, targetDim);
    }
    return Batch.ofRows(capacity, inputDim, labels != null ? 0 : targetDim);
  }

  /**
   * Every example, in order, as one batch.
   *
   * @return a new batch holding all {@link #size} examples (capacity at least 1)
   */
  public Batch toBatch() {
    int[] all = new int[size];
    for (int i = 0; i < size; i++) all[i] = i;
    Batch b = newBatch(Math.max(1, size));
    gather(all, 0, size, b);
    return b;
  }

  /**
   * Lays the examples at positions {@code idx[off .. off + n)} out in {@code batch} (made by {@link #newBatch}).
   * The examples are copied into the batch's buffers, and {@code batch.size} is set to n.
   *
   * @param idx example positions, each in [0, size)
   * @param off the first entry of {@code idx} to use
   * @param n how many examples
   * @param batch a batch of this data set's layout with capacity at least n
   * @throws IllegalArgumentException if n exceeds the batch's capacity
   */
  public void gather(int[] idx, int off, int n, Batch batch) {
    if (n > batch.capacity) throw new IllegalArgumentException("batch of " + n + " exceeds its capacity " + batch.capacity);
    batch.size = n;
    for (int r = 0; r < n; r++) {
      int p = idx[off + r];
      if (oneHot != null) System.arraycopy(oneHot, p * activePerExample, batch.tokens, r * activePerExample, activePerExample);
      else System.arraycopy(dense, p * inputDim, batch.inputs, r * inputDim, inputDim);
      if (labels != null) batch.labels[r] = labels[p];
      else System.arraycopy(values, p * targetDim, batch.targets, r * targetDim, targetDim);
    }
  }
  /** @return whether the targets are class labels ({@link #labels}) rather than real values ({@link #values}) */
  public boolean isClassification() { return labels != null; }

  /**
   * The examples at the given positions, as a new dataset.
   * The arrays are new: the subset shares nothing with this data set.
   *
   * @param positions example positions, each in [0, size), repeats allowed
   * @return the subset, in the order of {@code positions}
   */
  public Dataset subset(int[] positions) {
    int n = positions.length;
    int[] lab = labels == null ? null : new int[n];
    float[] val = values == null ? null : new float[n * targetDim];
    int[] act = oneHot == null ? null : new int[n * activePerExample];
    float[] x = dense == null ? null : new float[n * inputDim];
    for (int i = 0; i < n; i++) {
      int p = positions[i];
      if (lab != null) lab[i] = labels[p];
      if (val != null) System.arraycopy(values, p * targetDim, val, i * targetDim, targetDim);
      if (act != null) System.arraycopy(oneHot, p * activePerExample, act, i * activePerExample, activePerExample);
      if (x != null) System.arraycopy(dense, p * inputDim, x, i * inputDim, inputDim);
    }
    return new Dataset(n, inputDim, act, activePerExample, x, lab, numClasses, val, targetDim);
  }
}
