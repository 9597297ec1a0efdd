package dev.egd.toy;

import dev.egd.Check;
import dev.egd.ValidationException;

import dev.egd.linalg.Blas;
import dev.egd.util.Rng;

/**
 * The EGD paper's analytical setting: a linear model W (d x d) trained on the quadratic loss
 * L(W) = ½ ||(W − W*) A||_F² whose input covariance C = A Aᵀ has two eigenvalues, m (half of the
 * directions) and ε ≪ m (the other half). The gradient G = (W − W*) C therefore has singular
 * directions of two scales, and plain gradient descent crawls along the small one.
 *
 * <p>The error starts as E₀ = W₀ − W* = P diag(e) Qᵀ with P a random rotation, Q the eigenvectors of C
 * and e_i uniform in [¼, 1]. Both methods keep this form, so each direction i evolves on its own:
 * <ul>
 *   <li>GD, W ← W − η G with a constant η &lt; 2/m (default 1/m, which settles the fast directions in one
 *       step): e_i ← (1 − η c_i) e_i, so the slow directions need ln(1/tol) / (η ε) steps, linear in 1/ε.</li>
 *   <li>EGD, W ← W − η_t U Vᵀ with G = U S Vᵀ: since G = P diag(e_i c_i) Qᵀ, U Vᵀ = P diag(sign e_i) Qᵀ, so
 *       every direction moves by the same η_t whatever its c_i, and ε drops out. A constant step would
 *       end in a ±η oscillation around W*, so the step decays geometrically, η_t = η₀ γ^t with
 *       γ ∈ [½, 1): if |e_i| ≤ η_t / (1 − γ) at some step it stays so at every later step (the step
 *       overshoots by at most η_t), so with η₀ / (1 − γ) ≥ max |e_i| every direction's error is
 *       at most γ^t η₀ / (1 − γ): about ln(1/tol) / ln(1/γ) steps, independent of ε (and of m).</li>
 * </ul>
 * Everything is float64 (the toy is about the dynamics, not float32 rounding); the SVD is LAPACK's
 * dgesdd through {@link Blas}. Directions below d·2⁻⁵² of the largest singular value are exact zeros
 * (a direction that has converged exactly) and get weight 0.
 */
public final class TwoScaleToy {
  /**
   * @param dim d, even, >= 2
   * @param m the large eigenvalue of C, > 0
   * @param gdLr GD's constant step, in (0, 2/m)
   * @param egdLr EGD's first step η₀ > 0
   * @param egdDecay EGD's step decay γ in [½, 1)
   * @param tol converged when ||W − W*||_F &lt;= tol · ||W₀ − W*||_F, in (0, 1)
   * @param maxSteps give up after this many steps
   * @param seed the seed of W*, the rotation P and the initial errors e
   */
  public record Settings(int dim, double m, double gdLr, double egdLr, double egdDecay, double tol, long maxSteps, long seed) {
    /**
     * Checks every setting.
     *
     * @param dim d, even, in [2, 4096]
     * @param m &gt; 0
     * @param gdLr in (0, 2/m)
     * @param egdLr &gt; 0, with egdLr / (1 - egdDecay) at least {@link #MAX_INITIAL_ERROR}
     * @param egdDecay in [½, 1)
     * @param tol in (0, 1)
     * @param maxSteps at least 1
     * @param seed any value
     * @throws ValidationException ({@code dim}, {@code m}, {@code lr}, {@code egd_lr}, {@code egd_decay}, {@code tol},
     *     {@code max_steps}) if a value is out of range
     */
    public Settings {
      if (dim < 2 || dim % 2 != 0 || dim > 4096) throw new ValidationException("dim", "must be even and in [2, 4096]", dim);
      Check.positive("m", m);
      if (!(gdLr > 0 && gdLr < 2 / m)) throw new ValidationException("lr", "must be in (0, 2/m) = (0, " + 2 / m + ")", gdLr);
      Check.positive("egd_lr", egdLr);
      if (!(egdDecay >= 0.5 && egdDecay < 1)) throw new ValidationException("egd_decay", "must be in [0.5, 1)", egdDecay);
      if (egdLr / (1 - egdDecay) < MAX_INITIAL_ERROR)
        throw new ValidationException("egd_lr", "/ (1 - {egd_decay}) must be >= " + MAX_INITIAL_ERROR
            + " (the largest initial error along a direction), or EGD cannot reach W*", egdLr / (1 - egdDecay));
      if (!(tol > 0 && tol < 1)) throw new ValidationException("tol", "must be in (0, 1)", tol);
      Check.atLeast("max_steps", maxSteps, 1);
    }

    /**
     * The defaults: d = 4, m = 1, GD step 1/m, EGD η₀ = ½ and γ = ½, tol 1e-3, at most 10⁷ steps.
     *
     * @return the default settings, seed 0
     */
    public static Settings defaults() { return new Settings(4, 1.0, 1.0, 0.5, 0.5, 1e-3, 10_000_000L, 0); }
  }

  /** The largest initial error along one direction: e_i is uniform in [MIN_INITIAL_ERROR, MAX_INITIAL_ERROR]. */
  public static final double MAX_INITIAL_ERROR = 1.0, MIN_INITIAL_ERROR = 0.25;

  /**
   * Steps to converge for one ε (-1: not within maxSteps), the relative error reached, and the bound
   * on GD's steps ln(1/tol) / (−ln(1 − η ε)): the steps after which even an error lying wholly in the
   * slow directions has shrunk by tol.
   *
   * @param eps the small eigenvalue ε of this run
   * @param gdSteps GD's steps to converge, or -1 when it did not within maxSteps
   * @param gdError GD's relative error ||W − W*||_F / ||W₀ − W*||_F when it stopped
   * @param egdSteps EGD's steps to converge, or -1 when it did not within maxSteps
   * @param egdError EGD's relative error when it stopped
   * @param gdBound the bound on GD's steps, ln(1/tol) / (−ln(1 − η ε))
   */
  public record Result(double eps, long gdSteps, double gdError, long egdSteps, double egdError, double gdBound) {}

  private final Settings s;
  private final int d;
  private final double[] wStar, w0, p, q;
  private final double[] e0;

  /**
   * Draws W*, the rotation P and the initial errors from the settings' seed.
   *
   * @param settings the toy's settings
   */
  public TwoScaleToy(Settings settings) {
    this.s = settings;
    this.d = settings.dim();
    Rng rng = new Rng(settings.seed(), 0x70FL);
    wStar = new double[d * d];
    for (int i = 0; i < wStar.length; i++) wStar[i] = rng.nextGaussian();
    p = randomRotation(rng, d);
    q = randomRotation(rng, d);
    e0 = new double[d];
    for (int i = 0; i < d; i++) e0[i] = MIN_INITIAL_ERROR + (MAX_INITIAL_ERROR - MIN_INITIAL_ERROR) * rng.nextDouble();
    // W0 = W* + P diag(e0) Q^T
    w0 = new double[d * d];
    for (int r = 0; r < d; r++) {
      for (int c = 0; c < d; c++) {
        double acc = 0;
        for (int k = 0; k < d; k++) acc += p[r * d + k] * e0[k] * q[c * d + k];
        w0[r * d + c] = wStar[r * d + c] + acc;
      }
    }
  }

  /** An orthogonal d x d matrix: Gram-Schmidt (twice, for accuracy) on Gaussian columns. */
  static double[] randomRotation(Rng rng, int d) {
    double[] a = new double[d * d];
    for (int i = 0; i < a.length; i++) a[i] = rng.nextGaussian();
    for (int j = 0; j < d; j++) {
      for (int pass = 0; pass < 2; pass++) {
        for (int k = 0; k < j; k++) {
          double dot = 0;
          for (int i = 0; i < d; i++) dot += a[i * d + j] * a[i * d + k];
          for (int i = 0; i < d; i++) a[i * d + j] -= dot * a[i * d + k];
        }
      }
      double norm = 0;
      for (int i = 0; i < d; i++) norm += a[i * d + j] * a[i * d + j];
      norm = Math.sqrt(norm);
      for (int i = 0; i < d; i++) a[i * d + j] /= norm;
    }
    return a;
  }

  /** C = Q diag(c) Q^T with c = m for the first d/2 directions and eps for the rest. */
  double[] covariance(double eps) {
    double[] cov = new double[d * d];
    for (int r = 0; r < d; r++) {
      for (int c = 0; c < d; c++) {
        double acc = 0;
        for (int k = 0; k < d; k++) acc += q[r * d + k] * (k < d / 2 ? s.m() : eps) * q[c * d + k];
        cov[r * d + c] = acc;
      }
    }
    return cov;
  }

  /**
   * Runs GD and EGD to tolerance for one ε in (0, m).
   * Each call starts from the same W₀, so runs for several ε share their starting point.
   *
   * @param eps the small eigenvalue ε, in (0, m)
   * @return steps and errors of both methods
   * @throws ValidationException ({@code eps}) if {@code eps} is outside (0, m)
   */
  public Result run(double eps) {
    if (!(eps > 0 && eps < s.m())) throw new ValidationException("eps", "values must be in (0, m) = (0, " + s.m() + ")", eps);
    double[] cov = covariance(eps);
    double e0Norm = error(w0);
    double[] w = w0.clone(), g = new double[d * d];
    long gdSteps = -1;
    for (long t = 0; t < s.maxSteps(); t++) {
      gradient(w, cov, g);
      for (int i = 0; i < w.length; i++) w[i] -= s.gdLr() * g[i];
      if (error(w) <= s.tol() * e0Norm) {
        gdSteps = t + 1;
        break;
      }
    }
    double gdError = error(w) / e0Norm;

    w = w0.clone();
    double[] a = new double[d * d], sv = new double[d], u = new double[d * d], vt = new double[d * d];
    double step = s.egdLr();
    long egdSteps = -1;
    for (long t = 0; t < s.maxSteps(); t++) {
      gradient(w, cov, g);
      System.arraycopy(g, 0, a, 0, a.length);
      Blas.dgesdd(d, d, a, sv, u, vt);
      double cut = d * 0x1.0p-52 * sv[0];
      // W -= step * U diag(1 or 0) V^T
      for (int r = 0; r < d; r++) {
        for (int c = 0; c < d; c++) {
          double acc = 0;
          for (int k = 0; k < d; k++) if (sv[k] > cut) acc += u[r * d + k] * vt[k * d + c];
          w[r * d + c] -= step * acc;
        }
      }
      step *= s.egdDecay();
      if (error(w) <= s.tol() * e0Norm) {
        egdSteps = t + 1;
        break;
      }
    }
    double egdError = error(w) / e0Norm;
    double bound = Math.log(1 / s.tol()) / -Math.log1p(-s.gdLr() * eps);
    return new Result(eps, gdSteps, gdError, egdSteps, egdError, bound);
  }

  /** G = (W − W*) C. */
  private void gradient(double[] w, double[] cov, double[] g) {
    for (int r = 0; r < d; r++) {
      for (int c = 0; c < d; c++) {
        double acc = 0;
        for (int k = 0; k < d; k++) acc += (w[r * d + k] - wStar[r * d + k]) * cov[k * d + c];
        g[r * d + c] = acc;
      }
    }
  }

  /** ||W − W*||_F. */
  private double error(double[] w) {
    double acc = 0;
    for (int i = 0; i < w.length; i++) {
      double e = w[i] - wStar[i];
      acc += e * e;
    }
    return Math.sqrt(acc);
  }

  /** @return the settings the toy was made with */
  public Settings settings() { return s; }
}
