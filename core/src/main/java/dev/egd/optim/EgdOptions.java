package dev.egd.optim;

import dev.egd.Check;
import dev.egd.ValidationException;
import dev.egd.linalg.ExactEgd;

/**
 * Settings of exact EGD ({@link Transforms#egd(ParamSelector, EgdOptions)}); {@link #DEFAULT} is the
 * paper's rule with egd's numerical safeguards.
 *
 * @param route how the decomposition is computed (results agree to rounding; see {@link ExactEgd})
 * @param floor the absolute floor of singular values, &gt; 0 (the paper: 1e-6)
 * @param rcond the relative rank cut-off in [0, 1): directions with s &lt;= rcond * s_max get weight 0;
 *     0 moves every direction, as the paper's formula does; negative: the default for each matrix,
 *     max(rows, cols) * 2^-23
 */
public record EgdOptions(ExactEgd.Route route, float floor, double rcond) {
  /** Route auto, floor 1e-6, the default rank cut-off. */
  public static final EgdOptions DEFAULT = new EgdOptions(ExactEgd.Route.AUTO, ExactEgd.DEFAULT_FLOOR, -1);

  public EgdOptions {
    if (route == null) throw ValidationException.of("egd_route", "must be auto, gram64, gram32 or svd");
    Check.positive("egd_floor", floor);
    if (!(rcond < 1) || Double.isNaN(rcond)) throw new ValidationException("egd_rcond", "must be in [0, 1)", rcond);
  }

  public EgdOptions withRoute(ExactEgd.Route r) { return new EgdOptions(r, floor, rcond); }
  public EgdOptions withFloor(float f) { return new EgdOptions(route, f, rcond); }
  public EgdOptions withRcond(double c) { return new EgdOptions(route, floor, c); }
}
