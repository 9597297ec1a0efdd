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

  /**
   * Forces native loading (and the one-thread pin) now rather than on first use.
   *
   * @return OpenBLAS's build configuration (version, target core, threading), as {@code openblas_get_config} reports it
   */
  public static String config() {
    return openblas_full.openblas_get_config().getString().trim();
  }

  /**
   * C = alpha * op(A) * op(B) + beta * C, all row-major; op(A) is m x k, op(B) is k x n. Only the regions the call
   * reads or writes are copied to and from native memory; the arrays are not kept. Thread-safe.
   *
   * @param transA whether op(A) is Aᵀ (then {@code a} holds a k x m matrix)
   * @param transB whether op(B) is Bᵀ (then {@code b} holds an n x k matrix)
   * @param m rows of C
   * @param n columns of C
   * @param k the inner dimension
   * @param alpha the factor of the product
   * @param a matrix A, row-major with leading dimension {@code lda}
   * @param lda the stride between A's rows (at least its column count)
   * @param b matrix B, row-major with leading dimension {@code ldb}
   * @param ldb the stride between B's rows
   * @param beta the factor of C's old contents; 0 ignores them (NaN included)
   * @param c matrix C, m x n with leading dimension {@code ldc}, overwritten with the result
   * @param ldc the stride between C's rows
   */
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

  /**
   * Plain row-major C = A * B with A m x k, B k x n.
   *
   * @param m rows of A and C
   * @param n columns of B and C
   * @param k columns of A, rows of B
   * @param a matrix A, m x k, densely packed
   * @param b matrix B, k x n, densely packed
   * @param c the m x n result, overwritten (its old contents are ignored)
   */
  public static void gemm(int m, int n, int k, float[] a, float[] b, float[] c) {
    gemm(false, false, m, n, k, 1f, a, k, b, n, 0f, c, n);
  }

  /**
   * Upper triangle of C = alpha * A * Aᵀ + beta * C (trans=false, A is n x k) or alpha * Aᵀ * A + beta * C (trans=true,
   * A is k x n), row-major. The strictly lower triangle of {@code c} is not defined afterwards (with beta 0 it may be
   * overwritten). Thread-safe.
   *
   * @param trans whether to form Aᵀ A rather than A Aᵀ
   * @param n the order of C
   * @param k the inner dimension
   * @param alpha the factor of the product
   * @param a matrix A with leading dimension {@code lda}
   * @param lda the stride between A's rows
   * @param beta the factor of C's old upper triangle; 0 ignores it
   * @param c the n x n matrix C with leading dimension {@code ldc}; its upper triangle is overwritten
   * @param ldc the stride between C's rows
   */
  public static void syrk(boolean trans, int n, int k, float alpha, float[] a, int lda, float beta, float[] c, int ldc) {
    Staging st = STAGING.get();
    int sa = trans ? span(k, n, lda) : span(n, k, lda), sc = span(n, n, ldc);
    FloatPointer pa = in(st, 0, a, sa);
    FloatPointer pc = beta == 0f ? st.f(2, sc) : in(st, 2, c, sc);
    openblas_full.cblas_ssyrk(ROW, UPPER, trans ? T : NO, n, k, alpha, pa, lda, beta, pc, ldc);
    pc.position(0).get(c, 0, sc);
  }

  /**
   * {@link #syrk} in float64: upper triangle of C = alpha * A * Aᵀ + beta * C (trans=false, A n x k) or
   * alpha * Aᵀ * A + beta * C (trans=true, A k x n). The strictly lower triangle of {@code c} is not defined
   * afterwards. Thread-safe.
   *
   * @param trans whether to form Aᵀ A rather than A Aᵀ
   * @param n the order of C
   * @param k the inner dimension
   * @param alpha the factor of the product
   * @param a matrix A with leading dimension {@code lda}
   * @param lda the stride between A's rows
   * @param beta the factor of C's old upper triangle; 0 ignores it
   * @param c the n x n matrix C with leading dimension {@code ldc}; its upper triangle is overwritten
   * @param ldc the stride between C's rows
   */
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

  /**
   * C = alpha * A * B + beta * C with A symmetric (upper triangle used) m x m, B m x n.
   * Thread-safe.
   *
   * @param m the order of A, rows of B and C
   * @param n columns of B and C
   * @param alpha the factor of the product
   * @param a the symmetric m x m matrix A; only its upper triangle is read
   * @param lda the stride between A's rows
   * @param b matrix B, m x n with leading dimension {@code ldb}
   * @param ldb the stride between B's rows
   * @param beta the factor of C's old contents; 0 ignores them
   * @param c matrix C, m x n with leading dimension {@code ldc}, overwritten with the result
   * @param ldc the stride between C's rows
   */
  public static void symmLeft(int m, int n, float alpha, float[] a, int lda, float[] b, int ldb, float beta, float[] c, int ldc) {
    symm(openblas_full.CblasLeft, m, n, m, alpha, a, lda, b, ldb, beta, c, ldc);
  }

  /**
   * C = alpha * B * A + beta * C with A symmetric (upper triangle used) n x n, B m x n.
   * Thread-safe.
   *
   * @param m rows of B and C
   * @param n the order of A, columns of B and C
   * @param alpha the factor of the product
   * @param a the symmetric n x n matrix A; only its upper triangle is read
   * @param lda the stride between A's rows
   * @param b matrix B, m x n with leading dimension {@code ldb}
   * @param ldb the stride between B's rows
   * @param beta the factor of C's old contents; 0 ignores them
   * @param c matrix C, m x n with leading dimension {@code ldc}, overwritten with the result
   * @param ldc the stride between C's rows
   */
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

  /**
   * C = A * B (left, A symmetric m x m, B m x n) or B * A (right, A n x n), in float64, upper triangle of A used.
   * All matrices densely packed. Thread-safe.
   *
   * @param left whether A multiplies from the left (C = A B) or the right (C = B A)
   * @param m rows of B and C
   * @param n columns of B and C
   * @param a the symmetric matrix A (m x m when left, n x n when right); only its upper triangle is read
   * @param b matrix B, m x n
   * @param c the m x n result, overwritten
   */
  public static void dsymm(boolean left, int m, int n, double[] a, double[] b, double[] c) {
    Staging st = STAGING.get();
    int ka = left ? m : n;
    DoublePointer pa = st.d(0, (long) ka * ka), pb = st.d(1, (long) m * n), pc = st.d(2, (long) m * n);
    pa.position(0).put(a, 0, ka * ka);
    pb.position(0).put(b, 0, m * n);
    openblas_full.cblas_dsymm(ROW, left ? openblas_full.CblasLeft : openblas_full.CblasRight, UPPER, m, n, 1.0, pa, ka, pb, n, 0.0, pc, n);
    pc.position(0).get(c, 0, m * n);
  }

  /**
   * Eigenvalues (ascending, into w) and eigenvectors (columns of a, row-major) of a symmetric matrix, upper triangle given.
   * Divide-and-conquer LAPACK {@code ssyevd}.
   *
   * @param n the order of the matrix
   * @param a the n x n matrix (upper triangle read), exactly n * n long; overwritten with the eigenvectors, as columns
   * @param w at least n long; receives the eigenvalues, ascending
   * @throws ArithmeticException if LAPACK reports a failure (the algorithm did not converge)
   */
  public static void syevd(int n, float[] a, float[] w) {
    int info = openblas_full.LAPACKE_ssyevd(openblas_full.LAPACK_ROW_MAJOR, (byte) 'V', (byte) 'U', n, a, n, w);
    check("ssyevd", info);
  }

  /**
   * {@link #syevd} in float64: eigenvalues (ascending, into w) and eigenvectors (columns of a, row-major) of a
   * symmetric matrix, upper triangle given.
   *
   * @param n the order of the matrix
   * @param a the n x n matrix (upper triangle read), exactly n * n long; overwritten with the eigenvectors, as columns
   * @param w at least n long; receives the eigenvalues, ascending
   * @throws ArithmeticException if LAPACK reports a failure
   */
  public static void dsyevd(int n, double[] a, double[] w) {
    int info = openblas_full.LAPACKE_dsyevd(openblas_full.LAPACK_ROW_MAJOR, (byte) 'V', (byte) 'U', n, a, n, w);
    check("dsyevd", info);
  }

  /**
   * Eigenvalues only (ascending, into w) of a symmetric matrix, upper triangle given; a is destroyed.
   *
   * @param n the order of the matrix
   * @param a the n x n matrix (upper triangle read), exactly n * n long; destroyed
   * @param w at least n long; receives the eigenvalues, ascending
   * @throws ArithmeticException if LAPACK reports a failure
   */
  public static void dsyevdValues(int n, double[] a, double[] w) {
    int info = openblas_full.LAPACKE_dsyevd(openblas_full.LAPACK_ROW_MAJOR, (byte) 'N', (byte) 'U', n, a, n, w);
    check("dsyevd", info);
  }

  /**
   * Thin SVD in float64 of the m x n matrix a (destroyed): a = U diag(s) VT, singular values descending.
   * U is m x r, VT r x n, r = min(m, n).
   *
   * @param m rows of a
   * @param n columns of a
   * @param a the m x n matrix, row-major, exactly m * n long; destroyed
   * @param s at least r long; receives the singular values, descending
   * @param u m * r long; receives U, row-major
   * @param vt r * n long; receives Vᵀ, row-major
   * @throws ArithmeticException if LAPACK reports a failure (no convergence)
   */
  public static void dgesdd(int m, int n, double[] a, double[] s, double[] u, double[] vt) {
    int r = Math.min(m, n);
    int info = openblas_full.LAPACKE_dgesdd(openblas_full.LAPACK_ROW_MAJOR, (byte) 'S', m, n, a, n, s, u, r, vt, n);
    check("dgesdd", info);
  }

  /**
   * Thin SVD of the m x n matrix a (destroyed): a = U diag(s) VT, U m x r, VT r x n, r = min(m, n),
   * singular values descending.
   *
   * @param m rows of a
   * @param n columns of a
   * @param a the m x n matrix, row-major, exactly m * n long; destroyed
   * @param s at least r long; receives the singular values, descending
   * @param u m * r long; receives U, row-major
   * @param vt r * n long; receives Vᵀ, row-major
   * @throws ArithmeticException if LAPACK reports a failure (no convergence)
   */
  public static void gesdd(int m, int n, float[] a, float[] s, float[] u, float[] vt) {
    int r = Math.min(m, n);
    int info = openblas_full.LAPACKE_sgesdd(openblas_full.LAPACK_ROW_MAJOR, (byte) 'S', m, n, a, n, s, u, r, vt, n);
    check("sgesdd", info);
  }

  /**
   * Orthonormalises the columns of a (m x n, m &gt;= n, row-major) in place by CholeskyQR2: R from the
   * Cholesky factor of A^T A, A := A R^-1, twice (the second pass restores orthogonality to rounding
   * level). Level-3 only, so several times faster than Householder QR on tall thin blocks (512 x 64:
   * ~0.15 against ~0.5 ms). Returns false, leaving a unchanged, when A's condition number looks
   * beyond ~1e3 (R's diagonal) or the block is numerically rank-deficient (as a sketch of a gradient
   * whose rank is below the sketch's width is); callers then use {@link #orthonormalizeColumns}.
   *
   * @param m rows of a
   * @param n columns of a, at most m
   * @param a the m x n matrix, row-major; overwritten with orthonormal columns spanning the same space on success
   * @return true when {@code a} was orthonormalised, false when it was left unchanged
   * @throws ArithmeticException if the result has non-finite values (a had some)
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

  /**
   * Overwrites the m x n matrix a (m &gt;= n) with the n orthonormal columns of its thin QR factor (Householder QR,
   * LAPACK {@code sgeqrf} then {@code sorgqr}): slower than {@link #choleskyQr2} but stable for any conditioning.
   *
   * @param m rows of a
   * @param n columns of a, at most m
   * @param a the m x n matrix, row-major, exactly m * n long; overwritten with Q's n columns
   * @param tau workspace of at least n floats (the Householder scalars), overwritten
   * @throws ArithmeticException if LAPACK reports a failure
   */
  public static void orthonormalizeColumns(int m, int n, float[] a, float[] tau) {
    check("sgeqrf", openblas_full.LAPACKE_sgeqrf(openblas_full.LAPACK_ROW_MAJOR, m, n, a, n, tau));
    check("sorgqr", openblas_full.LAPACKE_sorgqr(openblas_full.LAPACK_ROW_MAJOR, m, n, n, a, n, tau));
  }

  private static void check(String routine, int info) {
    if (info != 0) throw new ArithmeticException(routine + " failed (info = " + info + ")");
  }
}
