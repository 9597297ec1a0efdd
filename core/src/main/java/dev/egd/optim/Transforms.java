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

  /** Exact EGD on the selected gradient matrices, with the default settings. */
  public static GradientTransform egd(ParamSelector layers) { return new Egd(layers, EgdOptions.DEFAULT); }

  /** Exact EGD with the given route, floor and rank cut-off. */
  public static GradientTransform egd(ParamSelector layers, EgdOptions options) { return new Egd(layers, options); }

  /** Randomized EGD of rank r (2 power iterations; a rank above every selected matrix's limit is rejected). */
  public static GradientTransform egdRandomized(ParamSelector layers, int rank) {
    return new EgdRandomized(layers, RandomizedEgdOptions.rank(rank));
  }

  /** Randomized EGD with every setting given. */
  public static GradientTransform egdRandomized(ParamSelector layers, RandomizedEgdOptions options) {
    return new EgdRandomized(layers, options);
  }

  /** Column normalisation with the paper's floor of 0.01 on a column's norm. */
  public static GradientTransform colnorm(ParamSelector layers) { return colnorm(layers, 0.01); }

  /** Column normalisation: each column of the selected gradients divided by max(its norm, minNorm). */
  public static GradientTransform colnorm(ParamSelector layers, double minNorm) { return new ColumnNormalize(layers, minNorm); }

  /** Grokfast-EMA: g + lambda * ema(g), ema with decay alpha in [0, 1), on every parameter. */
  public static GradientTransform grokfastEma(double alpha, double lambda) { return new GrokfastEma(alpha, lambda); }

  /** Grokfast-MA: g + lambda * mean of the last {@code window} gradients (once the window is full). */
  public static GradientTransform grokfastMa(int window, double lambda) { return new GrokfastMa(window, lambda); }

  /** Plain SGD, the update -lr * g. */
  public static GradientTransform sgd(double lr) { return new Sgd(lr); }

  /** Adam as torch.optim.Adam with its defaults. */
  public static GradientTransform adam(double lr) { return adam(lr, AdamOptions.DEFAULT); }

  /** Adam with the given betas, eps, coupled weight decay and warm-up. */
  public static GradientTransform adam(double lr, AdamOptions options) { return new Adam(lr, options, options.weightDecay(), false); }

  /** AdamW as torch.optim.AdamW: decoupled decay {@code lr_t * wd * p} on every parameter. */
  public static GradientTransform adamw(double lr, double weightDecay) { return adamw(lr, weightDecay, AdamOptions.DEFAULT); }

  /** AdamW with the given betas, eps and warm-up (the options' own weightDecay is not used). */
  public static GradientTransform adamw(double lr, double weightDecay, AdamOptions options) {
    return new Adam(lr, options, weightDecay, true);
  }

  /** L2 weight decay on every weight ({@link ParamSelector#weights}): g += wd * p. */
  public static GradientTransform addDecayedWeights(double wd) { return new AddDecayedWeights(wd, ParamSelector.weights()); }

  /** L2 weight decay on the selected parameters. */
  public static GradientTransform addDecayedWeights(double wd, ParamSelector which) { return new AddDecayedWeights(wd, which); }

  /** Runs {@code inner} until the reported test accuracy exceeds {@code threshold} in (0, 1], then never again. */
  public static GradientTransform switchOff(GradientTransform inner, double threshold) {
    return new SwitchOff(inner, threshold, SwitchOffMode.STICKY);
  }

  /** A switch-off with the given rule. */
  public static GradientTransform switchOff(GradientTransform inner, double threshold, SwitchOffMode mode) {
    return new SwitchOff(inner, threshold, mode);
  }

  /** The transforms applied in order; none is the identity. */
  public static GradientTransform chain(GradientTransform... links) { return new Chain(List.of(links)); }

  /** The transforms applied in order. */
  public static GradientTransform chain(List<GradientTransform> links) { return new Chain(links); }

  /** {@code inner} with an observer seeing the gradient before and after it (spectrum logging). */
  public static GradientTransform observed(GradientTransform inner, GradientObserver observer) { return new Observed(inner, observer); }
}
