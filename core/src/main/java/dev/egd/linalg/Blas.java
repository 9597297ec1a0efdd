package dev.egd.linalg;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas_full;

/**
 * The one door to OpenBLAS: row-major float32 (and a little float64) BLAS and LAPACK.
 *
 * <p>Nothing outside this package calls OpenBLAS. OpenBLAS is pinned to one thread: its own pool
 * spin-waits and collapses when the cores are shared; egd parallelises with Java threads instead.
 *
 * <p>Note on arrays: JavaCPP passes a Java {@code float[]} to native code by allocating a native copy
 * of the <em>whole</em> array and copying it in and out on every call (this build has no critical
 * regions). For the level-3 calls egd stages operands instead through per-thread native buffers
 * that are allocated once and grown as needed, copying only the region the call reads or writes:
 * measured 10-55% faster on the transformer's GEMM shapes, the same as native pointers.
 * LAPACK calls (small matrices) still pass arrays, which should therefore be exactly sized.
 */
public final class Blas {
  private static final int ROW = openblas_full.CblasRowMajor;
  private static final int NO = openblas_full.CblasNoTrans;
  private static final int T = openblas_full.CblasTrans;
  private static final int UPPER = openblas_full.CblasUpper;

  static {
    Loader.load(openblas_full.class);
    openblas_full.openblas_set_num_threads(1);
  }

  private Blas() {}

  /** Per-thread native operand buffers, grown on demand and reused. */
  private static final class Staging {
    private final FloatPointer[] f = new FloatPointer[3];
    private final DoublePointer[] d = new DoublePointer[3];

    FloatPointer f(int slot, long size) {
      FloatPointer p = f[slot];
      if (p == null || p.capacity() < size) {
        if (p != null) p.close();
        p = f[slot] = new FloatPointer(Math.max(size, 1024));
      }
      return p;
    }

    DoublePointer d(int slot, long size) {
      DoublePointer p = d[slot];
      if (p == null || p.capacity() < size) {
        if (p != null) p.close();
        p = d[slot] = new DoublePointer(Math.max(size, 1024));
      }
      return p;
    }
  }

  private static final ThreadLocal<Staging> STAGING = ThreadLocal.withInitial(Staging::new);

  /** Elements a row-major matrix of the given rows and leading dimension spans. */
  private static int span(int rows, int cols, int ld) {
    return rows == 0 ? 0 : (rows - 1) * ld + cols;
  }

  private static FloatPointer in(Staging st, int slot, float[] a, int size) {
    FloatPointer p = st.f(slot, size);
    p.position(0).put(a, 0, size);
    return p;
  }

  /** Forces native loading (and the one-thread pin) now rather than on first use. */
  public static String config() {
    return openblas_full.openblas_get_config().getString().trim();
  }

  /** C = alpha * op(A) * op(B) + beta * C, all row-major; op(A) is m x k, op(B) is k x n. */
  public static void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
      float[] a, int lda, float[] b, int ldb, float beta, float[] c, int ldc) {
    if (m == 0 || n == 0) return;
    Staging st = STAGING.get();
    int sa = transA ? span(k, m, lda) : span(m, k, lda), sb = transB ? span(n, k, ldb) : span(k, n, ldb), sc = span(m, n, ldc);
    FloatPointer pa = in(st, 0, a, sa), pb = in(st, 1, b, sb);
    FloatPointer pc = beta == 0f ? st.f(2, sc) : in(st, 2, c, sc);
    openblas_full.cblas_sgemm(ROW, transA ? T : NO, transB ? T : NO, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
    pc.position(0).get(c, 0, sc);
  }

  /** Plain row-major C = A * B with A m x k, B k x n. */
  public static void gemm(int m, int n, int k, float[] a, float[] b, float[] c) {
    gemm(false, false, m, n, k, 1f, a, k, b, n, 0f, c, n);
  }

  /** Upper triangle of C = alpha * A * A^T + beta * C (trans=false, A is n x k) or A^T * A (trans=true, A is k x n). */
  public static void syrk(boolean trans, int n, int k, float alpha, float[] a, int lda, float beta, float[] c, int ldc) {
    Staging st = STAGING.get();
    int sa = trans ? span(k, n, lda) : span(n, k, lda), sc = span(n, n, ldc);
    FloatPointer pa = in(st, 0, a, sa);
    FloatPointer pc = beta == 0f ? st.f(2, sc) : in(st, 2, c, sc);
    openblas_full.cblas_ssyrk(ROW, UPPER, trans ? T : NO, n, k, alpha, pa, lda, beta, pc, ldc);
    pc.position(0).get(c, 0, sc);
  }

  public static void dsyrk(boolean trans, int n, int k, double alpha, double[] a, int lda, double beta, double[] c, int ldc) {
    Staging st = STAGING.get();
    int sa = trans ? span(k, n, lda) : span(n, k, lda), sc = span(n, n, ldc);
    DoublePointer pa = st.d(0, sa);
    pa.position(0).put(a, 0, sa);
    DoublePointer pc = st.d(2, sc);
    if (beta != 0) pc.position(0).put(c, 0, sc);
    openblas_full.cblas_dsyrk(ROW, UPPER, trans ? T : NO, n, k, alpha, pa, lda, beta, pc, ldc);
    pc.position(0).get(c, 0, sc);
  }

  /** C = alpha * A * B + beta * C with A symmetric (upper triangle used) m x m, B m x n. */
  public static void symmLeft(int m, int n, float alpha, float[] a, int lda, float[] b, int ldb, float beta, float[] c, int ldc) {
    symm(openblas_full.CblasLeft, m, n, m, alpha, a, lda, b, ldb, beta, c, ldc);
  }

  /** C = alpha * B * A + beta * C with A symmetric (upper triangle used) n x n, B m x n. */
  public static void symmRight(int m, int n, float alpha, float[] a, int lda, float[] b, int ldb, float beta, float[] c, int ldc) {
    symm(openblas_full.CblasRight, m, n, n, alpha, a, lda, b, ldb, beta, c, ldc);
  }

  private static void symm(int side, int m, int n, int ka, float alpha, float[] a, int lda, float[] b, int ldb, float beta, float[] c, int ldc) {
    Staging st = STAGING.get();
    int sa = span(ka, ka, lda), sb = span(m, n, ldb), sc = span(m, n, ldc);
    FloatPointer pa = in(st, 0, a, sa), pb = in(st, 1, b, sb);
    FloatPointer pc = beta == 0f ? st.f(2, sc) : in(st, 2, c, sc);
    openblas_full.cblas_ssymm(ROW, side, UPPER, m, n, alpha, pa, lda, pb, ldb, beta, pc, ldc);
    pc.position(0).get(c, 0, sc);
  }

  /** C = A * B (left, A symmetric m x m, B m x n) or B * A (right, A n x n), in float64, upper triangle of A used. */
  public static void dsymm(boolean left, int m, int n, double[] a, double[] b, double[] c) {
    Staging st = STAGING.get();
    int ka = left ? m : n;
    DoublePointer pa = st.d(0, (long) ka * ka), pb = st.d(1, (long) m * n), pc = st.d(2, (long) m * n);
    pa.position(0).put(a, 0, ka * ka);
    pb.position(0).put(b, 0, m * n);
    openblas_full.cblas_dsymm(ROW, left ? openblas_full.CblasLeft : openblas_full.CblasRight, UPPER, m, n, 1.0, pa, ka, pb, n, 0.0, pc, n);
    pc.position(0).get(c, 0, m * n);
  }

  /** Eigenvalues (ascending, into w) and eigenvectors (columns of a, row-major) of a symmetric matrix, upper triangle given. */
  public static void syevd(int n, float[] a, float[] w) {
    int info = openblas_full.LAPACKE_ssyevd(openblas_full.LAPACK_ROW_MAJOR, (byte) 'V', (byte) 'U', n, a, n, w);
    check("ssyevd", info);
  }

  public static void dsyevd(int n, double[] a, double[] w) {
    int info = openblas_full.LAPACKE_dsyevd(openblas_full.LAPACK_ROW_MAJOR, (byte) 'V', (byte) 'U', n, a, n, w);
    check("dsyevd", info);
  }

  /** Eigenvalues only (ascending, into w) of a symmetric matrix, upper triangle given; a is destroyed. */
  public static void dsyevdValues(int n, double[] a, double[] w) {
    int info = openblas_full.LAPACKE_dsyevd(openblas_full.LAPACK_ROW_MAJOR, (byte) 'N', (byte) 'U', n, a, n, w);
    check("dsyevd", info);
  }

  /** Thin SVD in float64 of the m x n matrix a (destroyed): a = U diag(s) VT, singular values descending. */
  public static void dgesdd(int m, int n, double[] a, double[] s, double[] u, double[] vt) {
    int r = Math.min(m, n);
    int info = openblas_full.LAPACKE_dgesdd(openblas_full.LAPACK_ROW_MAJOR, (byte) 'S', m, n, a, n, s, u, r, vt, n);
    check("dgesdd", info);
  }

  /**
   * Thin SVD of the m x n matrix a (destroyed): a = U diag(s) VT, U m x r, VT r x n, r = min(m, n),
   * singular values descending.
   */
  public static void gesdd(int m, int n, float[] a, float[] s, float[] u, float[] vt) {
    int r = Math.min(m, n);
    int info = openblas_full.LAPACKE_sgesdd(openblas_full.LAPACK_ROW_MAJOR, (byte) 'S', m, n, a, n, s, u, r, vt, n);
    check("sgesdd", info);
  }

  /** Overwrites the m x n matrix a (m &gt;= n) with the n orthonormal columns of its thin QR factor. */
  /**
   * Orthonormalises the columns of a (m x n, m &gt;= n, row-major) in place by CholeskyQR2: R from the
   * Cholesky factor of A^T A, A := A R^-1, twice (the second pass restores orthogonality to rounding
   * level). Level-3 only, so several times faster than Householder QR on tall thin blocks (512 x 64:
   * ~0.15 against ~0.5 ms). Returns false, leaving a unchanged, when A's condition number looks
   * beyond ~1e3 (R's diagonal) or the block is numerically rank-deficient (as a sketch of a gradient
   * whose rank is below the sketch's width is); callers then use {@link #orthonormalizeColumns}.
   */
  public static boolean choleskyQr2(int m, int n, float[] a) {
    Staging st = STAGING.get();
    FloatPointer pa = in(st, 0, a, m * n), pg = st.f(1, (long) n * n);
    for (int pass = 0; pass < 2; pass++) {
      openblas_full.cblas_ssyrk(ROW, UPPER, T, n, m, 1f, pa, n, 0f, pg, n);
      if (openblas_full.LAPACKE_spotrf(openblas_full.LAPACK_ROW_MAJOR, (byte) 'U', n, pg, n) != 0) return false;
      float min = Float.POSITIVE_INFINITY, max = 0;
      for (int i = 0; i < n; i++) {
        float r = Math.abs(pg.get((long) i * n + i));
        min = Math.min(min, r);
        max = Math.max(max, r);
      }
      // Pass 1: R's diagonal spread bounds the condition number from below; beyond ~1e3 (or a
      // numerically rank-deficient block) Householder does better. Pass 2 must find R ~ I.
      if (pass == 0 ? !(min >= 1e-3f * max) : !(min > 0.9f && max < 1.1f)) return false;
      openblas_full.cblas_strsm(ROW, openblas_full.CblasRight, UPPER, NO, openblas_full.CblasNonUnit, m, n, 1f, pg, n, pa, n);
    }
    pa.position(0).get(a, 0, m * n);
    for (int i = 0; i < m * n; i++) if (!Float.isFinite(a[i])) throw new ArithmeticException("CholeskyQR2 produced non-finite values");
    return true;
  }

  public static void orthonormalizeColumns(int m, int n, float[] a, float[] tau) {
    check("sgeqrf", openblas_full.LAPACKE_sgeqrf(openblas_full.LAPACK_ROW_MAJOR, m, n, a, n, tau));
    check("sorgqr", openblas_full.LAPACKE_sorgqr(openblas_full.LAPACK_ROW_MAJOR, m, n, n, a, n, tau));
  }

  private static void check(String routine, int info) {
    if (info != 0) throw new ArithmeticException(routine + " failed (info = " + info + ")");
  }
}
