package dev.egd.optim;

import dev.egd.Check;
import dev.egd.ValidationException;
import dev.egd.linalg.ExactEgd;
import dev.egd.linalg.NewtonSchulz;

/**
 * Settings of exact EGD ({@link Transforms#egd(ParamSelector, EgdOptions)}); {@link #DEFAULT} is the
 * paper's rule with egd's numerical safeguards.
 *
 * @param route how the update is computed (the decompositions agree to rounding, see {@link ExactEgd};
 *     {@code NEWTON_SCHULZ} is Muon's approximate iteration instead)
 * @param floor the absolute floor of singular values, &gt; 0 (the paper: 1e-6)
 * @param rcond the relative rank cut-off in [0, 1): directions with s &lt;= rcond * s_max get weight 0;
 *     0 moves every direction, as the paper's formula does; negative: the default for each matrix,
 *     max(rows, cols) * 2^-23
 * @param damping δ &gt;= 0: damped EGD (G G^T + δ s_max^2 I)^(-1/2) G when &gt; 0; 0 is the paper's rule
 * @param maxRank only this many of the largest singular directions move; 0: every one
 * @param nsSteps iterations of the Newton-Schulz route, in [1, 100] (5)
 */
public record EgdOptions(ExactEgd.Route route, float floor, double rcond, double damping, int maxRank, int nsSteps) {
  /** Route auto, floor 1e-6, the default rank cut-off, no damping, no rank limit. */
  public static final EgdOptions DEFAULT = new EgdOptions(ExactEgd.Route.AUTO, ExactEgd.DEFAULT_FLOOR, -1);

  /**
   * Checks every setting.
   *
   * @param route not null
   * @param floor &gt; 0
   * @param rcond below 1; negative for each matrix's default
   * @param damping &gt;= 0 and finite
   * @param maxRank &gt;= 0 (0: no limit)
   * @param nsSteps in [1, 100]
   * @throws ValidationException ({@code egd_route}, {@code egd_floor}, {@code egd_rcond}, {@code egd_damping},
   *     {@code egd_max_rank}, {@code ns_steps}) if a value is out of range
   */
  public EgdOptions {
    if (route == null) throw ValidationException.of("egd_route", "must be auto, gram64, gram32, svd or newton-schulz");
    Check.positive("egd_floor", floor);
    if (!(rcond < 1) || Double.isNaN(rcond)) throw new ValidationException("egd_rcond", "must be in [0, 1)", rcond);
    if (!(damping >= 0) || Double.isInfinite(damping)) throw new ValidationException("egd_damping", "must be >= 0 (0: the paper's EGD)", damping);
    if (maxRank < 0) throw new ValidationException("egd_max_rank", "must be >= 1, or 0 for no limit", maxRank);
    Check.inRange("ns_steps", nsSteps, 1, 100);
  }

  /**
   * No damping, no rank limit, 5 Newton-Schulz steps.
   *
   * @param route how the update is computed, not null
   * @param floor the absolute floor of singular values, &gt; 0
   * @param rcond the relative rank cut-off in [0, 1), or negative for each matrix's default
   * @throws ValidationException if a value is out of range
   */
  public EgdOptions(ExactEgd.Route route, float floor, double rcond) {
    this(route, floor, rcond, 0, 0, NewtonSchulz.DEFAULT_STEPS);
  }

  /**
   * @param r the new route, not null
   * @return a copy with this route
   */
  public EgdOptions withRoute(ExactEgd.Route r) { return new EgdOptions(r, floor, rcond, damping, maxRank, nsSteps); }
  /**
   * @param f the new floor, &gt; 0
   * @return a copy with this floor
   */
  public EgdOptions withFloor(float f) { return new EgdOptions(route, f, rcond, damping, maxRank, nsSteps); }
  /**
   * @param c the new rank cut-off, below 1 (negative: each matrix's default)
   * @return a copy with this cut-off
   */
  public EgdOptions withRcond(double c) { return new EgdOptions(route, floor, c, damping, maxRank, nsSteps); }
  /**
   * @param d the new damping δ, &gt;= 0
   * @return a copy with this damping
   */
  public EgdOptions withDamping(double d) { return new EgdOptions(route, floor, rcond, d, maxRank, nsSteps); }
  /**
   * @param r the new rank limit, &gt;= 0 (0: none)
   * @return a copy with this limit
   */
  public EgdOptions withMaxRank(int r) { return new EgdOptions(route, floor, rcond, damping, r, nsSteps); }
  /**
   * @param s the new number of Newton-Schulz iterations, in [1, 100]
   * @return a copy with this number
   */
  public EgdOptions withNsSteps(int s) { return new EgdOptions(route, floor, rcond, damping, maxRank, s); }
}
