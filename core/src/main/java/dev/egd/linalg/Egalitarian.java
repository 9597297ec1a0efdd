package dev.egd.linalg;

import dev.egd.ValidationException;

/**
 * The egalitarian update of one matrix, for a training loop of one's own: G = U S Vᵀ becomes U Vᵀ
 * (every singular direction at the same speed), with the safeguards of {@link ExactEgd}: singular
 * values below 1e-6 are floored, directions below float32's numerical rank cut-off get weight 0.
 *
 * <p>{@link #apply} is the one-call form; it allocates a decomposition's workspace each time. For the
 * hot path keep a {@link #kernel} per matrix shape and call {@link ExactEgd#apply} on it: it allocates
 * nothing. A kernel is not thread-safe; one per thread (or per matrix) is the rule. Matrices are
 * row-major: element (r, c) of a {@code rows x cols} matrix is {@code g[r * cols + c]}.
 */
public final class Egalitarian {
  private Egalitarian() {}

  /**
   * Writes U Vᵀ of the row-major {@code rows x cols} matrix {@code g} (unchanged) into {@code out} (same shape).
   *
   * @param g the gradient, rows * cols floats
   * @param rows rows of the matrix, at least 1
   * @param cols columns of the matrix, at least 1
   * @param out receives the update, rows * cols floats
   * @throws ValidationException ({@code shape}, {@code g}, {@code out}) if the shape is empty or an array has another
   *     length
   */
  public static void apply(float[] g, int rows, int cols, float[] out) {
    check(g, rows, cols, "g");
    check(out, rows, cols, "out");
    kernel(rows, cols).apply(g, out);
  }

  /**
   * A reusable exact kernel for {@code rows x cols} matrices (route auto, floor 1e-6, the default rank cut-off).
   *
   * @param rows rows of the matrices, at least 1
   * @param cols columns of the matrices, at least 1
   * @return a new kernel, with its workspaces allocated
   * @throws ValidationException ({@code shape}) if the shape is empty
   */
  public static ExactEgd kernel(int rows, int cols) {
    return new ExactEgd(rows, cols);
  }

  /**
   * A reusable randomized kernel of rank r (2 power iterations, the residual dropped, as the paper).
   *
   * @param rows rows of the matrices
   * @param cols columns of the matrices
   * @param rank the target rank, 1 &lt;= rank &lt;= min(rows, cols)
   * @return a new kernel, with its workspaces allocated
   * @throws ValidationException ({@code rank}) if the rank is out of range
   */
  public static RandomizedEgd randomized(int rows, int cols, int rank) {
    return new RandomizedEgd(rows, cols, rank, 2, 0, RandomizedEgd.Residual.DROP, ExactEgd.DEFAULT_FLOOR);
  }

  private static void check(float[] a, int rows, int cols, String name) {
    if (rows < 1 || cols < 1) throw new ValidationException("shape", "must be at least 1 x 1", rows + "x" + cols);
    if (a == null || a.length != (long) rows * cols)
      throw new ValidationException(name, "must hold rows * cols = " + (long) rows * cols + " floats", a == null ? "null" : a.length + " floats");
  }
}
