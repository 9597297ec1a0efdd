package dev.egd.optim;

import java.util.List;

/**
 * The gradient transforms, by name: the public way to make them. Compose with {@link #chain}, the
 * optimizer last:
 *
 * <pre>{@code
 * GradientTransform t = Transforms.chain(
 *     Transforms.addDecayedWeights(1e-4),                                   // L2, into the gradient EGD sees
 *     Transforms.switchOff(Transforms.egd(ParamSelector.first()), 0.95),    // EGD until 95% test accuracy
 *     Transforms.sgd(0.7));
 * t.init(params, seed);
 * // each step: gradient into grads, then
 * t.update(grads, params, step);
 * params.add(grads);
 * }</pre>
 *
 * Matrices are row-major {@code rows x cols}; EGD makes a gradient G = U S V^T into U V^T whichever
 * way a layer stores its weight (the result of the transposed matrix is the transpose).
 */
public final class Transforms {
  private Transforms() {}

  /**
   * Exact EGD on the selected gradient matrices, with the default settings.
   *
   * @param layers the matrices to transform (e.g. {@link ParamSelector#first()}); checked in init
   * @return a new transform, to be initialised
   */
  public static GradientTransform egd(ParamSelector layers) { return new Egd(layers, EgdOptions.DEFAULT); }

  /**
   * Exact EGD with the given route, floor and rank cut-off.
   *
   * @param layers the matrices to transform; checked in init
   * @param options the kernel's settings
   * @return a new transform, to be initialised
   */
  public static GradientTransform egd(ParamSelector layers, EgdOptions options) { return new Egd(layers, options); }

  /**
   * Randomized EGD of rank r (2 power iterations; a rank above every selected matrix's limit is rejected).
   *
   * @param layers the matrices to transform; checked in init
   * @param rank the sketch's rank r, at least 1
   * @return a new transform, to be initialised; its init throws {@link dev.egd.ValidationException} ({@code rank})
   *     when r exceeds min(rows, cols) of a selected matrix
   * @throws dev.egd.ValidationException ({@code rank}) if {@code rank < 1}
   */
  public static GradientTransform egdRandomized(ParamSelector layers, int rank) {
    return new EgdRandomized(layers, RandomizedEgdOptions.rank(rank));
  }

  /**
   * Randomized EGD with every setting given.
   *
   * @param layers the matrices to transform; checked in init
   * @param options rank, power iterations, oversampling, residual and floor
   * @return a new transform, to be initialised
   */
  public static GradientTransform egdRandomized(ParamSelector layers, RandomizedEgdOptions options) {
    return new EgdRandomized(layers, options);
  }

  /**
   * Column normalisation with the paper's floor of 0.01 on a column's norm.
   *
   * @param layers the matrices to transform; checked in init
   * @return a new transform, to be initialised
   */
  public static GradientTransform colnorm(ParamSelector layers) { return colnorm(layers, 0.01); }

  /**
   * Column normalisation: each column of the selected gradients divided by max(its norm, minNorm).
   *
   * @param layers the matrices to transform; checked in init
   * @param minNorm the floor of a column's norm, &gt; 0
   * @return a new transform, to be initialised
   * @throws dev.egd.ValidationException ({@code colnorm_min}) if {@code minNorm} is not &gt; 0
   */
  public static GradientTransform colnorm(ParamSelector layers, double minNorm) { return new ColumnNormalize(layers, minNorm); }

  /**
   * Grokfast-EMA: g + lambda * ema(g), ema with decay alpha in [0, 1), on every parameter.
   *
   * @param alpha the EMA's decay, in [0, 1) (the paper: 0.98)
   * @param lambda the amplification of the slow component, &gt;= 0 (the paper: 2)
   * @return a new transform, to be initialised
   * @throws dev.egd.ValidationException ({@code ema_alpha}, {@code ema_lambda}) if a value is out of range
   */
  public static GradientTransform grokfastEma(double alpha, double lambda) { return new GrokfastEma(alpha, lambda); }

  /**
   * Grokfast-MA: g + lambda * mean of the last {@code window} gradients (once the window is full).
   *
   * @param window gradients averaged, in [1, 2<sup>20</sup>]
   * @param lambda the amplification of the average, &gt;= 0
   * @return a new transform, to be initialised
   * @throws dev.egd.ValidationException ({@code ma_window}, {@code ma_lambda}) if a value is out of range
   */
  public static GradientTransform grokfastMa(int window, double lambda) { return new GrokfastMa(window, lambda); }

  /**
   * Muon on every matrix of the set it is initialised on (an optimizer: the last link). Put it inside
   * {@link #partition} to give the other parameters another optimizer.
   *
   * @param options learning rate, momentum, Newton-Schulz steps, decay and scaling
   * @return a new transform, to be initialised; its init throws {@link dev.egd.ValidationException} ({@code muon}) on
   *     a set with a parameter that is not a matrix
   */
  public static GradientTransform muon(MuonOptions options) { return new Muon(options); }

  /**
   * Muon on the selected matrices and {@code rest} (an optimizer, or a chain ending in one) on every
   * other parameter: {@code partition(layers, muon(options), rest)}, as torch.optim.Muon is used with
   * AdamW or SGD beside it.
   *
   * @param layers the matrices Muon updates; checked in init
   * @param options Muon's settings
   * @param rest the transform (ending in an optimizer) for every other parameter
   * @return a new transform, to be initialised
   */
  public static GradientTransform muon(ParamSelector layers, MuonOptions options, GradientTransform rest) {
    return partition(layers, muon(options), rest);
  }

  /**
   * The selected parameters get {@code forSelected}, the others {@code forRest} (optax's partition):
   * each is initialised on and updates only its own part, so each ends in its own optimizer.
   *
   * @param selected the parameters {@code forSelected} gets; checked in init
   * @param forSelected the transform of the selected parameters
   * @param forRest the transform of the others
   * @return a new transform, to be initialised
   */
  public static GradientTransform partition(ParamSelector selected, GradientTransform forSelected, GradientTransform forRest) {
    return new Partition(selected, forSelected, forRest);
  }

  /**
   * Plain SGD, the update -lr * g.
   *
   * @param lr the learning rate, &gt; 0
   * @return a new optimizer
   * @throws dev.egd.ValidationException ({@code lr}) if {@code lr} is not &gt; 0
   */
  public static GradientTransform sgd(double lr) { return new Sgd(lr); }

  /**
   * Adam as torch.optim.Adam with its defaults.
   *
   * @param lr the learning rate, &gt; 0
   * @return a new optimizer (betas 0.9 and 0.999, eps 1e-8, no decay, no warm-up)
   * @throws dev.egd.ValidationException ({@code lr}) if {@code lr} is not &gt; 0
   */
  public static GradientTransform adam(double lr) { return adam(lr, AdamOptions.DEFAULT); }

  /**
   * Adam with the given betas, eps, coupled weight decay and warm-up.
   *
   * @param lr the learning rate, &gt; 0
   * @param options betas, eps, coupled weight decay (added to the gradient) and warm-up
   * @return a new optimizer
   * @throws dev.egd.ValidationException ({@code lr}, {@code wd}) if a value is out of range
   */
  public static GradientTransform adam(double lr, AdamOptions options) { return new Adam(lr, options, options.weightDecay(), false); }

  /**
   * AdamW as torch.optim.AdamW: decoupled decay {@code lr_t * wd * p} on every parameter.
   *
   * @param lr the learning rate, &gt; 0
   * @param weightDecay the decoupled decay, &gt;= 0
   * @return a new optimizer
   * @throws dev.egd.ValidationException ({@code lr}, {@code wd}) if a value is out of range
   */
  public static GradientTransform adamw(double lr, double weightDecay) { return adamw(lr, weightDecay, AdamOptions.DEFAULT); }

  /**
   * AdamW with the given betas, eps and warm-up (the options' own weightDecay is not used).
   *
   * @param lr the learning rate, &gt; 0
   * @param weightDecay the decoupled decay, &gt;= 0
   * @param options betas, eps and warm-up
   * @return a new optimizer
   * @throws dev.egd.ValidationException ({@code lr}, {@code wd}) if a value is out of range
   */
  public static GradientTransform adamw(double lr, double weightDecay, AdamOptions options) {
    return new Adam(lr, options, weightDecay, true);
  }

  /**
   * L2 weight decay on every weight ({@link ParamSelector#weights}): g += wd * p.
   *
   * @param wd the decay, &gt;= 0
   * @return a new transform
   * @throws dev.egd.ValidationException ({@code wd}) if {@code wd} is negative or not finite
   */
  public static GradientTransform addDecayedWeights(double wd) { return new AddDecayedWeights(wd, ParamSelector.weights()); }

  /**
   * L2 weight decay on the selected parameters.
   *
   * @param wd the decay, &gt;= 0
   * @param which the parameters to decay
   * @return a new transform
   * @throws dev.egd.ValidationException ({@code wd}) if {@code wd} is negative or not finite
   */
  public static GradientTransform addDecayedWeights(double wd, ParamSelector which) { return new AddDecayedWeights(wd, which); }

  /**
   * Runs {@code inner} until the reported test accuracy exceeds {@code threshold} in (0, 1], then never again.
   * While it is off, gradients pass through unchanged. The accuracy is the one {@link InitContext#testAccuracy()}
   * carries.
   *
   * @param inner the transform to switch off
   * @param threshold the test accuracy, in (0, 1]
   * @return a new transform, to be initialised
   * @throws dev.egd.ValidationException ({@code switch_off}) if {@code threshold} is outside (0, 1]
   */
  public static GradientTransform switchOff(GradientTransform inner, double threshold) {
    return new SwitchOff(inner, threshold, SwitchOffMode.STICKY);
  }

  /**
   * A switch-off with the given rule.
   *
   * @param inner the transform to switch off
   * @param threshold the test accuracy, in (0, 1]
   * @param mode whether the switch stays off or follows the accuracy
   * @return a new transform, to be initialised
   * @throws dev.egd.ValidationException ({@code switch_off}) if {@code threshold} is outside (0, 1]
   */
  public static GradientTransform switchOff(GradientTransform inner, double threshold, SwitchOffMode mode) {
    return new SwitchOff(inner, threshold, mode);
  }

  /**
   * The transforms applied in order; none is the identity.
   *
   * @param links the transforms, the optimizer last
   * @return a new transform running them in order
   */
  public static GradientTransform chain(GradientTransform... links) { return new Chain(List.of(links)); }

  /**
   * The transforms applied in order.
   *
   * @param links the transforms, the optimizer last
   * @return a new transform running them in order
   */
  public static GradientTransform chain(List<GradientTransform> links) { return new Chain(links); }

  /**
   * {@code inner} with an observer seeing the gradient before and after it (spectrum logging).
   *
   * @param inner the transform to watch
   * @param observer what sees the gradients
   * @return a new transform that updates as {@code inner} does
   */
  public static GradientTransform observed(GradientTransform inner, GradientObserver observer) { return new Observed(inner, observer); }
}
