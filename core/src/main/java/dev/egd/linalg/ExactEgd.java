package dev.egd.linalg;

/**
 * The exact egalitarian update of one gradient matrix: G = U S V^T becomes U diag(s_i w_i) V^T with
 * {@code w_i = 1 / max(s_i, floor)}, which is U V^T wherever s_i &gt;= floor: the paper's
 * U diag(1/max(s, 1e-6)) U^T G.
 *
 * <p>One addition to the paper's rule: directions whose singular value is below the numerical rank
 * cut-off {@code rcond * s_max} ({@code rcond = max(m, n) * 2^-23}, numpy's matrix_rank tolerance for
 * float32) are rounding noise and get weight 0, as a pseudo-inverse would give them. Without this a
 * rank-deficient float32 gradient would have its noise blown up to unit length. The paper's runs
 * never come near the cut-off (their gradients have condition numbers of a few hundred).
 *
 * <p>Routes, all exact up to rounding:
 * <ul>
 *   <li>{@code SVD}: thin SVD (sgesdd) of G itself; the most robust, about 2x slower than GRAM64.</li>
 *   <li>{@code GRAM64}: eigendecomposition of the smaller Gram matrix (G G^T or G^T G) in float64
 *       (dsyrk + dsyevd), then {@code M = U diag(w) U^T} and {@code M G}. A float32 product amplifies
 *       rounding by the condition number of the kept spectrum, so beyond {@link #GRAM64_MAX_CONDITION}
 *       the product is taken in float64, and beyond {@link #GRAM64_DOUBLE_MAX_CONDITION} this route
 *       hands over to SVD.</li>
 *   <li>{@code GRAM32}: the same in float32 (ssyevd), no checks. Fastest; its eigenvalue error is
 *       ~ eps32 * lambda_max, so it is accurate only for well-conditioned G.</li>
 *   <li>{@code AUTO} (default): GRAM32 when all its eigenvalues are at least
 *       {@link #AUTO_MIN_EIGEN_RATIO} of the largest (condition number at most 100), else GRAM64, and
 *       SVD when GRAM64's gate fails too. Consecutive gradients are similarly conditioned, so after a
 *       route is rejected AUTO starts from the route that succeeded for the next
 *       {@link #AUTO_RETRY_INTERVAL} calls, then probes the faster ones again.</li>
 * </ul>
 *
 * <p>Measured on real first-layer gradients of the mod-97 MLP (condition number 300-400): every
 * singular value of the GRAM64 and SVD outputs is within 3e-6 of 1; GRAM32's are off by up to 4e-3,
 * hence its gate (at condition number 57 GRAM32 was within 3e-5).
 *
 * <p>Variants for the parity stall (issue 14), off by default, and then bit for bit the rule above:
 * <ul>
 *   <li>{@code damping} δ &gt; 0: damped EGD, (G G^T + δ s_max^2 I)^(-1/2) G, i.e. weight
 *       1 / sqrt(s_i^2 + δ s_max^2) instead of 1 / max(s_i, floor) (the floor is then not used): a
 *       direction far below sqrt(δ) s_max keeps its size relative to s_max instead of being blown up
 *       to 1.</li>
 *   <li>{@code maxRank} r: only the r largest singular directions move (weight 0 for the rest), e.g.
 *       the batch size, the rank of a minibatch's data gradient of a first layer.</li>
 *   <li>route {@code NEWTON_SCHULZ}: Muon's quintic iteration on G instead of a decomposition
 *       ({@link NewtonSchulz}), an approximate EGD whose output singular values are not 1; the floor,
 *       cut-off, damping and rank limit do not apply to it.</li>
 * </ul>
 *
 * <p>An instance holds the workspaces for one shape; {@link #apply} allocates nothing.
 */
public final class ExactEgd {
  /** How the update is computed; see the class comment for what each costs and when each is accurate. */
  public enum Route {
    /** GRAM32 when well conditioned, else GRAM64, else SVD, remembering the route that last succeeded. */
    AUTO,
    /** Eigendecomposition of the smaller Gram matrix in float32: fastest, accurate only for well-conditioned G. */
    GRAM32,
    /** Eigendecomposition of the smaller Gram matrix in float64, handing over to SVD beyond its condition gate. */
    GRAM64,
    /** Thin SVD of G itself: the most robust. */
    SVD,
    /** Muon's quintic iteration ({@link NewtonSchulz}): approximate, output singular values not 1. */
    NEWTON_SCHULZ
  }

  /** Smallest eigenvalue ratio lambda_min / lambda_max at which AUTO trusts the float32 Gram route. */
  public static final double AUTO_MIN_EIGEN_RATIO = 1e-4;
  /** Calls for which AUTO keeps starting from the route that last succeeded after a rejection. */
  public static final int AUTO_RETRY_INTERVAL = 100;
  /** Largest condition number of the kept spectrum for which GRAM64 multiplies by G in float32. */
  public static final double GRAM64_MAX_CONDITION = 1e4;
  /**
   * Largest for which GRAM64 is used at all (multiplying in float64 beyond {@link #GRAM64_MAX_CONDITION});
   * SVD beyond. The float64 eigenvalues' error, eps64 * k * lambda_max, stays below 1e-4 relative here.
   */
  public static final double GRAM64_DOUBLE_MAX_CONDITION = 1e6;
  /** The paper's absolute floor of singular values, 1e-6: smaller ones are divided by it instead of by themselves. */
  public static final float DEFAULT_FLOOR = 1e-6f;

  private final int m, n, k;
  private final boolean wide; // m <= n: Gram is G G^T (m x m); else G^T G (n x n)
  private final Route route;
  private final float floor;
  private final double rcond;
  private final double damping;
  private final int maxRank; // Integer.MAX_VALUE: no limit
  private final NewtonSchulz ns;
  private long nsCount;

  private final float[] gram, eig, mat, scratch, s, u, vt;
  private final double[] gd, gramD, eigD, matD;
  private double[] outD; // the float64 product, allocated on first use
  private final float[] lastSingular;
  private Route lastRoute;
  private long gram32Count, gram64Count, svdCount;
  private Route autoStart = Route.GRAM32;
  private int autoCalls;

  /**
   * The relative rank cut-off used by default: max(m, n) * 2^-23.
   *
   * @param rows rows of the matrix
   * @param cols columns of the matrix
   * @return {@code max(rows, cols) * 2^-23}, numpy's float32 tolerance
   */
  public static double defaultRcond(int rows, int cols) {
    return Math.max(rows, cols) * 0x1.0p-23;
  }

  /**
   * A kernel with the default rank cut-off ({@link #defaultRcond}) and none of the stall variants.
   *
   * @param rows rows of the matrices, at least 1
   * @param cols columns of the matrices, at least 1
   * @param route how to compute the update
   * @param floor the absolute floor of singular values (the paper: 1e-6), &gt; 0
   * @throws dev.egd.ValidationException ({@code shape}, {@code egd_floor}) if a value is out of range
   */
  public ExactEgd(int rows, int cols, Route route, float floor) {
    this(rows, cols, route, floor, defaultRcond(rows, cols));
  }

  /**
   * A kernel with the given rank cut-off and none of the stall variants.
   *
   * @param rows rows of the matrices, at least 1
   * @param cols columns of the matrices, at least 1
   * @param route how to compute the update
   * @param floor the absolute floor of singular values (the paper: 1e-6), &gt; 0
   * @param rcond relative rank cut-off in [0, 1): directions with s &lt;= rcond * s_max get weight 0; 0 keeps every
   *     direction, as the paper's formula does (rounding noise of a rank-deficient G then moves too)
   * @throws dev.egd.ValidationException ({@code shape}, {@code egd_floor}, {@code egd_rcond}) if a value is out of
   *     range
   */
  public ExactEgd(int rows, int cols, Route route, float floor, double rcond) {
    this(rows, cols, route, floor, rcond, 0, 0, NewtonSchulz.DEFAULT_STEPS);
  }

  /**
   * A kernel with every setting, the stall variants of the class comment included; it allocates the workspaces of
   * {@code route} (AUTO and GRAM64 those of SVD too) now; later only the float64 product's, on first use.
   *
   * @param rows rows of the matrices, at least 1
   * @param cols columns of the matrices, at least 1 (rows * cols at most 2<sup>30</sup>)
   * @param route how to compute the update
   * @param floor the absolute floor of singular values (the paper: 1e-6), &gt; 0
   * @param rcond relative rank cut-off in [0, 1): directions with s &lt;= rcond * s_max get weight 0; 0 keeps every
   *     direction
   * @param damping δ &gt;= 0: weight 1 / sqrt(s^2 + δ s_max^2) when &gt; 0 (0: the paper's 1 / max(s, floor))
   * @param maxRank move only this many of the largest directions; 0: all
   * @param nsSteps iterations of the {@code NEWTON_SCHULZ} route, in [1, 100] (not checked for other routes)
   * @throws dev.egd.ValidationException ({@code shape}, {@code egd_floor}, {@code egd_rcond}, {@code egd_damping},
   *     {@code egd_max_rank}, {@code ns_steps}) if a value is out of range
   */
  public ExactEgd(int rows, int cols, Route route, float floor, double rcond, double damping, int maxRank, int nsSteps) {
    if (rows < 1 || cols < 1) throw new dev.egd.ValidationException("shape", "must be at least 1 x 1", rows + "x" + cols);
    if ((long) rows * cols > Integer.MAX_VALUE / 2) throw new dev.egd.ValidationException("shape", "is too large for a Java array of doubles", rows + "x" + cols);
    if (!(floor > 0)) throw new dev.egd.ValidationException("egd_floor", "must be > 0", floor);
    if (!(rcond >= 0 && rcond < 1)) throw new dev.egd.ValidationException("egd_rcond", "must be in [0, 1)", rcond);
    if (!(damping >= 0 && damping < Double.POSITIVE_INFINITY)) throw new dev.egd.ValidationException("egd_damping", "must be >= 0", damping);
    if (maxRank < 0) throw new dev.egd.ValidationException("egd_max_rank", "must be >= 1, or 0 for no limit", maxRank);
    this.damping = damping;
    this.maxRank = maxRank == 0 ? Integer.MAX_VALUE : maxRank;
    this.ns = route == Route.NEWTON_SCHULZ ? new NewtonSchulz(rows, cols, nsSteps) : null;
    this.m = rows;
    this.n = cols;
    this.k = Math.min(rows, cols);
    this.wide = rows <= cols;
    this.route = route;
    this.floor = floor;
    this.rcond = rcond;
    this.lastSingular = new float[k];
    boolean svd = route != Route.GRAM32 && route != Route.NEWTON_SCHULZ; // GRAM64 and AUTO may hand over to SVD
    boolean g32 = route == Route.GRAM32 || route == Route.AUTO;
    boolean g64 = route == Route.GRAM64 || route == Route.AUTO;
    scratch = svd ? new float[m * n] : null;
    s = svd ? new float[k] : null;
    u = svd ? new float[m * k] : null;
    vt = svd ? new float[k * n] : null;
    gram = g32 ? new float[k * k] : null;
    eig = g32 ? new float[k] : null;
    mat = route != Route.SVD && route != Route.NEWTON_SCHULZ ? new float[k * k] : null;
    gd = g64 ? new double[m * n] : null;
    gramD = g64 ? new double[k * k] : null;
    eigD = g64 ? new double[k] : null;
    matD = g64 ? new double[k * k] : null;
  }

  /**
   * The default kernel: route AUTO, floor {@link #DEFAULT_FLOOR}, the default rank cut-off.
   *
   * @param rows rows of the matrices, at least 1
   * @param cols columns of the matrices, at least 1
   * @throws dev.egd.ValidationException ({@code shape}) if the shape is empty or too large
   */
  public ExactEgd(int rows, int cols) {
    this(rows, cols, Route.AUTO, DEFAULT_FLOOR);
  }

  /**
   * The route memory of AUTO and the route counters, for checkpoints: the next routes depend on them.
   *
   * @return a new array of seven longs, for {@link #restore}
   */
  public long[] state() {
    return new long[] {autoStart.ordinal(), autoCalls, lastRoute == null ? -1 : lastRoute.ordinal(), gram32Count, gram64Count, svdCount,
        nsCount};
  }

  /**
   * Restores {@link #state()}, so that the next calls take the routes the saved kernel's would have.
   *
   * @param st the seven longs of {@link #state()} (six, from before the Newton-Schulz route, are accepted too)
   * @throws IllegalArgumentException if {@code st} has another length
   */
  public void restore(long[] st) {
    if (st.length != 6 && st.length != 7) throw new IllegalArgumentException("exact EGD state has 7 fields (6 before the Newton-Schulz route), got " + st.length);
    autoStart = Route.values()[(int) st[0]];
    autoCalls = (int) st[1];
    lastRoute = st[2] < 0 ? null : Route.values()[(int) st[2]];
    gram32Count = st[3];
    gram64Count = st[4];
    svdCount = st[5];
    nsCount = st.length > 6 ? st[6] : 0;
  }

  /** @return rows of the matrices this kernel takes */
  public int rows() { return m; }
  /** @return columns of the matrices this kernel takes */
  public int cols() { return n; }

  /**
   * Writes the egalitarian version of g into out. Not thread-safe: the kernel's workspaces and route memory are
   * shared, so one kernel per thread.
   *
   * @param g the rows x cols gradient, row-major; read, not kept
   * @param out receives the update, rows x cols
   * @return the route that ran (never AUTO: the one AUTO chose)
   * @throws ArithmeticException if LAPACK fails on the SVD route (G with non-finite entries)
   */
  public Route apply(float[] g, float[] out) {
    switch (route) {
      case NEWTON_SCHULZ:
        nsCount++;
        lastRoute = Route.NEWTON_SCHULZ;
        ns.apply(g, out);
        break;
      case SVD:
        viaSvd(g, out);
        break;
      case GRAM32:
        viaGram32(g, out, false);
        break;
      case GRAM64:
        if (!viaGram64(g, out)) viaSvd(g, out);
        break;
      default:
        if (autoStart != Route.GRAM32 && ++autoCalls > AUTO_RETRY_INTERVAL) autoStart = Route.GRAM32;
        boolean done = autoStart == Route.GRAM32 && viaGram32(g, out, true);
        if (!done && autoStart != Route.SVD) done = viaGram64(g, out);
        if (!done) viaSvd(g, out);
        if (lastRoute != autoStart) {
          autoStart = lastRoute;
          autoCalls = 0;
        }
    }
    return lastRoute;
  }

  /**
   * Singular values of the last input, descending (not known after {@code NEWTON_SCHULZ}). The array is reused.
   *
   * @return the kernel's own array of min(rows, cols) values, overwritten by the next {@link #apply}
   */
  public float[] lastSingularValues() { return lastSingular; }
  /**
   * The singular values of the last output in exact arithmetic, descending: s_i * w_i, that is 1 for every direction
   * at or above the floor, s_i / floor below it, 0 below the rank cut-off (with damping: s_i / sqrt(s_i^2 + δ s_max^2)).
   * The computed output matches them to rounding: within 3e-6 on GRAM64 and SVD, see the class comment. Meaningless
   * after the {@code NEWTON_SCHULZ} route.
   *
   * @param out receives min(rows, cols) values
   */
  public void lastOutputSingularValues(double[] out) {
    double sMax = lastSingular[0];
    for (int j = 0; j < k; j++) {
      double sj = lastSingular[j], w = weight(sj, sMax, j);
      out[j] = w == 0 ? 0 : damping > 0 ? sj * w : sj >= floor ? 1 : sj / floor;
    }
  }

  /** @return the route the last {@link #apply} took, or null before the first */
  public Route lastRoute() { return lastRoute; }
  /** @return how many calls took the GRAM32 route (the counters are part of {@link #state()}) */
  public long gram32Count() { return gram32Count; }
  /** @return how many calls took the GRAM64 route */
  public long gram64Count() { return gram64Count; }
  /** @return how many calls took the SVD route, directly or handed over from a Gram route */
  public long svdCount() { return svdCount; }
  /** @return how many calls took the {@code NEWTON_SCHULZ} route */
  public long newtonSchulzCount() { return nsCount; }

  /**
   * The weight w with output singular value s * w of the direction at position {@code pos} (0: the
   * largest): 0 below the rank cut-off or past the rank limit, else 1 / max(s, floor), or with
   * damping 1 / sqrt(s^2 + δ s_max^2).
   */
  private double weight(double sj, double sMax, int pos) {
    if ((rcond > 0 && sj <= rcond * sMax) || sMax == 0 || pos >= maxRank) return 0;
    return damping > 0 ? 1.0 / Math.sqrt(sj * sj + damping * sMax * sMax) : 1.0 / Math.max(sj, floor);
  }

  /** Returns false (out untouched) when checking and the float32 Gram matrix is too ill-conditioned. */
  private boolean viaGram32(float[] g, float[] out, boolean check) {
    if (wide) Blas.syrk(false, k, n, 1f, g, n, 0f, gram, k);
    else Blas.syrk(true, k, m, 1f, g, n, 0f, gram, k);
    Blas.syevd(k, gram, eig); // ascending; eigenvectors in the columns of gram
    double lMax = Math.max(eig[k - 1], 0);
    if (check && !(lMax > 0 && eig[0] >= AUTO_MIN_EIGEN_RATIO * lMax)) return false;
    gram32Count++;
    lastRoute = Route.GRAM32;
    double sMax = Math.sqrt(lMax);
    // Scale eigenvector column j by sqrt(w_j) so that Y Y^T = U diag(w) U^T.
    for (int j = 0; j < k; j++) {
      double sj = Math.sqrt(Math.max(eig[j], 0));
      lastSingular[k - 1 - j] = (float) sj;
      eig[j] = (float) Math.sqrt(weight(sj, sMax, k - 1 - j));
    }
    for (int i = 0; i < k; i++) {
      int row = i * k;
      for (int j = 0; j < k; j++) gram[row + j] *= eig[j];
    }
    Blas.syrk(false, k, k, 1f, gram, k, 0f, mat, k);
    multiply(g, out);
    return true;
  }

  /** Returns false (out untouched) when the kept spectrum is too ill-conditioned for this route. */
  private boolean viaGram64(float[] g, float[] out) {
    for (int i = 0; i < m * n; i++) gd[i] = g[i];
    if (wide) Blas.dsyrk(false, k, n, 1.0, gd, n, 0.0, gramD, k);
    else Blas.dsyrk(true, k, m, 1.0, gd, n, 0.0, gramD, k);
    Blas.dsyevd(k, gramD, eigD);
    double sMax = Math.sqrt(Math.max(eigD[k - 1], 0));
    double smallestKept = sMax;
    for (int j = 0; j < k; j++) {
      double sj = Math.sqrt(Math.max(eigD[j], 0));
      if (weight(sj, sMax, k - 1 - j) > 0) smallestKept = Math.min(smallestKept, sj);
    }
    if (smallestKept * GRAM64_DOUBLE_MAX_CONDITION < sMax) return false;
    boolean inDouble = smallestKept * GRAM64_MAX_CONDITION < sMax;
    gram64Count++;
    lastRoute = Route.GRAM64;
    for (int j = 0; j < k; j++) {
      double sj = Math.sqrt(Math.max(eigD[j], 0));
      lastSingular[k - 1 - j] = (float) sj;
      eigD[j] = Math.sqrt(weight(sj, sMax, k - 1 - j));
    }
    for (int i = 0; i < k; i++) {
      int row = i * k;
      for (int j = 0; j < k; j++) gramD[row + j] *= eigD[j];
    }
    // M = Y Y^T in double, rounded once to float32 for the product with G (upper triangle only); past
    // GRAM64_MAX_CONDITION the float32 product would amplify rounding by the condition number, so it
    // stays in double (still about half the SVD's time).
    Blas.dsyrk(false, k, k, 1.0, gramD, k, 0.0, matD, k);
    if (inDouble) {
      if (outD == null) outD = new double[m * n];
      Blas.dsymm(wide, m, n, matD, gd, outD);
      for (int i = 0; i < m * n; i++) out[i] = (float) outD[i];
      return true;
    }
    for (int i = 0; i < k; i++) {
      for (int j = i; j < k; j++) mat[i * k + j] = (float) matD[i * k + j];
    }
    multiply(g, out);
    return true;
  }

  /** out = M G (wide) or G M (tall), M symmetric k x k in the upper triangle of mat. */
  private void multiply(float[] g, float[] out) {
    if (wide) Blas.symmLeft(m, n, 1f, mat, k, g, n, 0f, out, n);
    else Blas.symmRight(m, n, 1f, mat, k, g, n, 0f, out, n);
  }

  private void viaSvd(float[] g, float[] out) {
    svdCount++;
    lastRoute = Route.SVD;
    System.arraycopy(g, 0, scratch, 0, m * n);
    Blas.gesdd(m, n, scratch, s, u, vt);
    System.arraycopy(s, 0, lastSingular, 0, k);
    double sMax = s[0];
    for (int j = 0; j < k; j++) {
      float w = (float) (s[j] * weight(s[j], sMax, j));
      for (int i = 0; i < m; i++) u[i * k + j] *= w;
    }
    Blas.gemm(false, false, m, n, k, 1f, u, k, vt, n, 0f, out, n);
  }
}
