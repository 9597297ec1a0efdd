package dev.egd.linalg;

import dev.egd.util.Rng;

/**
 * Egalitarian update through a randomized SVD of rank r, as the paper computes it: a fresh Gaussian
 * sketch Omega (n x (r + oversample)), {@code q} power iterations with QR re-orthonormalisation,
 * B = G Q, thin SVD of B giving the top left singular vectors U_r and values s_r, then
 * {@code out = U_r diag(1/max(s_r, c)) U_r^T G}.
 *
 * <p>That formula keeps only the part of G inside its top-r left singular subspace: the rest of the
 * gradient is dropped (default, {@link Residual#DROP}, what the paper measured). {@link Residual#KEEP}
 * adds the remainder {@code (I - U_r U_r^T) G} scaled by {@code 1/max(s_r, c)}, so that every direction
 * still moves, none faster than the egalitarian ones.
 *
 * <p>At r = min(m, n) it equals the exact update up to rounding. Allocates nothing per call.
 */
public final class RandomizedEgd {
  /**
   * What happens to the part of G outside its top-r left singular subspace: {@code DROP} discards it (the paper's
   * formula), {@code KEEP} moves it at the slowest egalitarian rate, 1/max(s_r, floor).
   */
  public enum Residual {
    /** Discard the part of G outside the top-r subspace, as the paper's formula does. */
    DROP,
    /** Keep it, scaled by 1/max(s_r, floor), so that every direction still moves. */
    KEEP
  }

  private final int m, n, r, l, powerIters;
  private final Residual residual;
  private final float floor;
  private final double rcond;
  private final float[] omega, ym, yn, tauM, tauN, b, s, ub, vtb, z, lastSingular;

  /**
   * A kernel for one shape, with its workspaces. Singular values below the float32 rank cut-off
   * {@code max(rows, cols) * 2^-23 * s_1} get weight 0, as in {@link ExactEgd}.
   *
   * @param rows rows of the matrices
   * @param cols columns of the matrices
   * @param rank target rank r, 1 &lt;= r &lt;= min(rows, cols)
   * @param powerIters power iterations q, &gt;= 0 (the paper: 2); each costs two products with G and two QRs
   * @param oversample extra sketch columns, &gt;= 0 (r + oversample is clipped to min(rows, cols))
   * @param residual what to do with the rest of G
   * @param floor the absolute floor of singular values (the paper: 1e-6)
   * @throws dev.egd.ValidationException ({@code rank}, {@code power_iters}, {@code oversample}) if a value is out of
   *     range
   */
  public RandomizedEgd(int rows, int cols, int rank, int powerIters, int oversample, Residual residual, float floor) {
    int kmax = Math.min(rows, cols);
    if (rank < 1 || rank > kmax)
      throw new dev.egd.ValidationException("rank", "must be in [1, " + kmax + "] for a " + rows + "x" + cols + " matrix", rank);
    if (powerIters < 0) throw new dev.egd.ValidationException("power_iters", "must be >= 0", powerIters);
    if (oversample < 0) throw new dev.egd.ValidationException("oversample", "must be >= 0", oversample);
    this.m = rows;
    this.n = cols;
    this.r = rank;
    this.l = (int) Math.min(kmax, (long) rank + oversample);
    this.powerIters = powerIters;
    this.residual = residual;
    this.floor = floor;
    this.rcond = Math.max(rows, cols) * 0x1.0p-23;
    omega = new float[n * l];
    ym = new float[m * l];
    yn = new float[n * l];
    tauM = new float[l];
    tauN = new float[l];
    b = new float[m * l];
    s = new float[l];
    ub = new float[m * l];
    vtb = new float[l * l];
    z = new float[r * n];
    lastSingular = new float[r];
  }

  /** @return the target rank r */
  public int rank() { return r; }

  /**
   * Writes the rank-r egalitarian version of g (m x n, unchanged) into out, drawing the sketch from rng.
   * Not thread-safe: one kernel per thread.
   *
   * @param g the rows x cols gradient, row-major; read, not kept
   * @param out receives the update, rows x cols
   * @param rng the source of the sketch; advanced by cols * l Gaussians, l = r + oversample clipped to min(rows, cols)
   */
  public void apply(float[] g, float[] out, Rng rng) {
    rng.fillGaussian(omega, n * l, 1.0);
    float[] q = omega; // n x l
    if (powerIters == 0) {
      Blas.gemm(false, false, m, l, n, 1f, g, n, q, l, 0f, b, l);
    } else {
      for (int it = 0; it < powerIters; it++) {
        Blas.gemm(false, false, m, l, n, 1f, g, n, q, l, 0f, ym, l); // G Q: m x l
        if (!Blas.choleskyQr2(m, l, ym)) Blas.orthonormalizeColumns(m, l, ym, tauM);
        Blas.gemm(true, false, n, l, m, 1f, g, n, ym, l, 0f, yn, l); // G^T Q: n x l
        if (!Blas.choleskyQr2(n, l, yn)) Blas.orthonormalizeColumns(n, l, yn, tauN);
        q = yn;
      }
      Blas.gemm(false, false, m, l, n, 1f, g, n, q, l, 0f, b, l); // B = G Q: m x l
    }
    Blas.gesdd(m, l, b, s, ub, vtb); // ub: m x l, singular values descending
    // Same rule as ExactEgd: 0 below the rank cut-off, else 1 / max(s, floor).
    double cut = rcond * s[0];
    for (int i = 0; i < r; i++) lastSingular[i] = s[i];
    for (int i = 0; i < r; i++) s[i] = s[i] <= cut ? 0f : 1f / Math.max(s[i], floor);
    // Z = U_r^T G (r x n); the first r columns of ub are U_r (row stride l).
    Blas.gemm(true, false, r, n, m, 1f, ub, l, g, n, 0f, z, n);
    if (residual == Residual.DROP) {
      for (int i = 0; i < r; i++) {
        float w = s[i];
        int row = i * n;
        for (int j = 0; j < n; j++) z[row + j] *= w;
      }
      Blas.gemm(false, false, m, n, r, 1f, ub, l, z, n, 0f, out, n);
    } else {
      // out = w_r G + U_r diag(w_i - w_r) U_r^T G
      float wr = s[r - 1];
      for (int i = 0; i < r; i++) {
        float w = s[i] - wr;
        int row = i * n;
        for (int j = 0; j < n; j++) z[row + j] *= w;
      }
      for (int i = 0; i < m * n; i++) out[i] = g[i] * wr;
      Blas.gemm(false, false, m, n, r, 1f, ub, l, z, n, 1f, out, n);
    }
  }

  /**
   * Estimated top-r singular values of the last input, descending.
   *
   * @return the kernel's own array of r values, overwritten by the next {@link #apply}
   */
  public float[] lastSingularValues() { return lastSingular; }
}
