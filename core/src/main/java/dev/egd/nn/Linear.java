package dev.egd.nn;

import dev.egd.linalg.Blas;
import java.util.Arrays;

/**
 * A fully connected layer {@code out = in W + b} over {@code rows} rows at a time, as a forward and
 * backward pair over flat row-major float32 arrays.
 *
 * <p>{@code W} is {@code fanIn x fanOut} (a one-hot input row selects rows of W), {@code b} is
 * {@code 1 x fanOut} or absent. {@code in} is {@code rows x fanIn}, {@code out} and {@code dOut} are
 * {@code rows x fanOut}; element (r, c) of an {@code R x C} matrix is at {@code r * C + c}. Arrays may
 * be longer than the rows used (workspaces sized for the largest batch).
 *
 * <p>The layer holds its parameter tensors, not copies: it reads {@code weight().data} and
 * {@code bias().data} at each call, so updates to the parameters are seen. It keeps no per-call
 * state and allocates nothing after construction, so one instance may be used by several threads at
 * once, each with its own activation and gradient arrays. The products are single-threaded OpenBLAS
 * GEMMs ({@link Blas#gemm}); the bias add and the bias gradient are plain loops that C2 vectorises.
 * Results depend only on the inputs (no threads, fixed order), so the same inputs give the same bits.
 */
public final class Linear {
  private final Tensor weight, bias;
  private final int fanIn, fanOut;

  /**
   * @param weight {@code fanIn x fanOut}
   * @param bias {@code 1 x fanOut}, or null for a layer without bias
   */
  public Linear(Tensor weight, Tensor bias) {
    this.weight = java.util.Objects.requireNonNull(weight, "weight");
    if (bias != null && (bias.rows != 1 || bias.cols != weight.cols))
      throw new IllegalArgumentException("bias " + bias + " does not fit weight " + weight + " (needs 1x" + weight.cols + ")");
    this.bias = bias;
    this.fanIn = weight.rows;
    this.fanOut = weight.cols;
  }

  /**
   * The weight, {@code fanIn x fanOut}.
   *
   * @return the weight tensor itself, not a copy
   */
  public Tensor weight() { return weight; }

  /**
   * The bias, {@code 1 x fanOut}; null if the layer has none.
   *
   * @return the bias tensor itself, or null
   */
  public Tensor bias() { return bias; }

  /** @return the input width, the weight's rows */
  public int fanIn() { return fanIn; }

  /** @return the output width, the weight's columns */
  public int fanOut() { return fanOut; }

  /**
   * {@code out = in W (+ b)} for the first {@code rows} rows: one GEMM writing out (its old contents
   * are not read), then the bias added row by row. Reads in, writes out; in and out must not overlap.
   *
   * @param in {@code rows x fanIn}
   * @param out {@code rows x fanOut}, overwritten
   * @param rows how many rows to compute
   */
  public void forward(float[] in, float[] out, int rows) {
    check(in, rows, fanIn, "in");
    check(out, rows, fanOut, "out");
    Blas.gemm(false, false, rows, fanOut, fanIn, 1f, in, fanIn, weight.data, fanOut, 0f, out, fanOut);
    if (bias != null) addRowVector(out, rows, fanOut, bias.data);
  }

  /**
   * The gradients of {@code out = in W + b} from {@code dOut}: {@code dW = in^T dOut}, {@code db} =
   * the column sums of dOut (added row by row in row order), {@code dIn = dOut W^T}. Reads in, dOut
   * and W; writes dW, dB and dIn (none of which may overlap the inputs or each other).
   *
   * <p>With {@code accumulate} false each result overwrites its array (old contents not read); with
   * true each is added to it (the GEMMs run with beta = 1, which OpenBLAS may add in blocks of the
   * inner dimension: not guaranteed to match, bit for bit, a product written elsewhere and then added).
   *
   * @param in the forward pass's input, {@code rows x fanIn}
   * @param dOut the gradient of the output, {@code rows x fanOut}
   * @param dW {@code fanIn x fanOut}
   * @param dB {@code 1 x fanOut}; null to skip it, and null if the layer has no bias
   * @param dIn {@code rows x fanIn}; null to skip the input gradient (a first layer)
   * @param rows how many rows the forward pass computed
   * @param accumulate whether to add to dW, dB and dIn rather than overwrite them
   */
  public void backward(float[] in, float[] dOut, int rows, float[] dW, float[] dB, float[] dIn, boolean accumulate) {
    check(in, rows, fanIn, "in");
    check(dOut, rows, fanOut, "dOut");
    check(dW, fanIn, fanOut, "dW");
    if (dB != null) {
      if (bias == null) throw new IllegalArgumentException("a bias gradient for a layer without bias");
      check(dB, 1, fanOut, "dB");
    }
    if (dIn != null) check(dIn, rows, fanIn, "dIn");
    float beta = accumulate ? 1f : 0f;
    Blas.gemm(true, false, fanIn, fanOut, rows, 1f, in, fanIn, dOut, fanOut, beta, dW, fanOut);
    if (dB != null) {
      if (!accumulate) Arrays.fill(dB, 0, fanOut, 0f);
      addColumnSums(dOut, rows, fanOut, dB);
    }
    if (dIn != null) Blas.gemm(false, true, rows, fanIn, fanOut, 1f, dOut, fanOut, weight.data, fanOut, beta, dIn, fanIn);
  }

  /**
   * {@link #backward(float[], float[], int, float[], float[], float[], boolean)} with the parameter
   * gradients taken from {@code grads} by the parameters' names (dB only if the layer has a bias).
   *
   * @param in the forward pass's input, {@code rows x fanIn}
   * @param dOut the gradient of the output, {@code rows x fanOut}
   * @param rows how many rows the forward pass computed
   * @param grads holds the gradients under the weight's and bias's names
   * @param dIn {@code rows x fanIn}; null to skip the input gradient
   * @param accumulate whether to add to the gradients rather than overwrite them
   * @throws dev.egd.ValidationException ({@code tensor}) if {@code grads} has no tensor of a parameter's name
   */
  public void backward(float[] in, float[] dOut, int rows, ParamSet grads, float[] dIn, boolean accumulate) {
    backward(in, dOut, rows, grads.get(weight.name).data, bias == null ? null : grads.get(bias.name).data, dIn, accumulate);
  }

  private static void check(float[] a, int rows, int cols, String what) {
    if (rows < 0) throw new IllegalArgumentException("negative row count " + rows);
    if ((long) rows * cols > a.length)
      throw new IllegalArgumentException(what + " holds " + a.length + " floats, needs " + rows + "x" + cols);
  }

  /** m[r, j] += v[j] for r &lt; rows. */
  static void addRowVector(float[] m, int rows, int cols, float[] v) {
    for (int r = 0; r < rows; r++) {
      int base = r * cols;
      for (int j = 0; j < cols; j++) m[base + j] += v[j];
    }
  }

  /** out[j] += m[r, j], for r = 0, 1, ... in order. */
  static void addColumnSums(float[] m, int rows, int cols, float[] out) {
    for (int r = 0; r < rows; r++) {
      int base = r * cols;
      for (int j = 0; j < cols; j++) out[j] += m[base + j];
    }
  }
}
