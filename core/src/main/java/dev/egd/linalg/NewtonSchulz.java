package dev.egd.linalg;

/**
 * Muon's approximate orthogonalisation (Keller Jordan's {@code zeropower_via_newtonschulz5}): the
 * matrix is divided by its Frobenius norm (plus 1e-7), then {@code steps} iterations of the quintic
 * X &lt;- a X + (b A + c A^2) X with A = X X^T and (a, b, c) = (3.4445, -4.7750, 2.0315), on the
 * smaller Gram side (X^T X for a tall matrix, which is the reference's transpose). Everything in
 * float32 (the reference runs bfloat16 on a GPU).
 *
 * <p>It is not the polar factor U V^T: each singular value s of the normalised matrix becomes p^5(s)
 * for the odd quintic p, whose coefficients maximise the slope at 0 (3.4445) at the price of not
 * converging to 1: p(1) = 0.701, and after 5 steps every singular value that started at or above
 * 2e-3 of the Frobenius norm lands in [0.6818, 1.2024] (the range of p^5 there, checked against random
 * matrices in {@code NewtonSchulzTest}); so the output is off the polar factor by up to 0.32 in
 * spectral norm. Those that started far below stay small (they grow by at most 3.4445 per step, 486x
 * in 5 steps). The singular vectors are G's own: the output is U diag(p^5(s / ||G||_F)) V^T.
 *
 * <p>An instance holds the workspaces for one shape; {@link #apply} allocates nothing.
 */
public final class NewtonSchulz {
  /** The quintic's coefficients (a, b, c): X &lt;- a X + (b A + c A^2) X, those of the Muon reference. */
  public static final double A = 3.4445, B = -4.7750, C = 2.0315;
  /** The iterations Muon uses, and the default of the Muon options. */
  public static final int DEFAULT_STEPS = 5;

  private final int m, n, k, steps;
  private final boolean tall; // m > n: iterate on X^T X (n x n), X <- a X + X (b A + c A^2)
  private final float[] x, y, gramA, gramB;

  /**
   * A kernel for one shape, with its workspaces.
   *
   * @param rows rows of the matrices, at least 1
   * @param cols columns of the matrices, at least 1
   * @param steps iterations of the quintic, in [1, 100]
   * @throws dev.egd.ValidationException ({@code shape}, {@code ns_steps}) if a value is out of range
   */
  public NewtonSchulz(int rows, int cols, int steps) {
    if (rows < 1 || cols < 1) throw new dev.egd.ValidationException("shape", "must be at least 1 x 1", rows + "x" + cols);
    if (steps < 1 || steps > 100) throw new dev.egd.ValidationException("ns_steps", "must be in [1, 100]", steps);
    this.m = rows;
    this.n = cols;
    this.k = Math.min(rows, cols);
    this.steps = steps;
    this.tall = rows > cols;
    x = new float[m * n];
    y = new float[m * n];
    gramA = new float[k * k];
    gramB = new float[k * k];
  }

  /** @return the iterations each {@link #apply} runs */
  public int steps() { return steps; }

  /**
   * Writes the Newton-Schulz orthogonalisation of g (m x n, unchanged) into out (m x n).
   * Not thread-safe (the kernel's workspaces are shared); g and out may be the same array.
   *
   * @param g the rows x cols matrix, row-major; read, not kept
   * @param out receives the result, rows x cols
   */
  public void apply(float[] g, float[] out) {
    double ss = 0;
    for (int i = 0; i < m * n; i++) ss += (double) g[i] * g[i];
    float inv = (float) (1.0 / (Math.sqrt(ss) + 1e-7));
    float[] cur = x, next = y;
    for (int i = 0; i < m * n; i++) cur[i] = g[i] * inv;
    float a = (float) A, b = (float) B, c = (float) C;
    for (int it = 0; it < steps; it++) {
      // gramA = X X^T (wide) or X^T X (tall): k x k
      if (tall) Blas.gemm(true, false, k, k, m, 1f, cur, n, cur, n, 0f, gramA, k);
      else Blas.gemm(false, true, k, k, n, 1f, cur, n, cur, n, 0f, gramA, k);
      // gramB = b A + c A A
      Blas.gemm(false, false, k, k, k, c, gramA, k, gramA, k, 0f, gramB, k);
      for (int i = 0; i < k * k; i++) gramB[i] += b * gramA[i];
      // next = a X + gramB X (wide) or a X + X gramB (tall)
      System.arraycopy(cur, 0, next, 0, m * n);
      if (tall) Blas.gemm(false, false, m, n, n, 1f, cur, n, gramB, k, a, next, n);
      else Blas.gemm(false, false, m, n, m, 1f, gramB, k, cur, n, a, next, n);
      float[] t = cur;
      cur = next;
      next = t;
    }
    System.arraycopy(cur, 0, out, 0, m * n);
  }
}
