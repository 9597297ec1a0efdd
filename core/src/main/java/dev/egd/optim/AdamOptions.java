package dev.egd.optim;

import dev.egd.Check;

/**
 * Settings of Adam and AdamW beyond the learning rate ({@link Transforms#adam(double, AdamOptions)},
 * {@link Transforms#adamw(double, double, AdamOptions)}); {@link #DEFAULT} is PyTorch's.
 *
 * @param beta1 in [0, 1) (0.9)
 * @param beta2 in [0, 1) (0.999)
 * @param eps &gt; 0 (1e-8)
 * @param weightDecay for Adam, the coupled L2 term added to the gradient (torch.optim.Adam's
 *     weight_decay, every parameter); AdamW takes its decoupled decay as its own argument and ignores this
 * @param warmup steps of linear learning-rate warm-up, lr * min(1, step / warmup) with steps from 0 (0: none)
 */
public record AdamOptions(double beta1, double beta2, double eps, double weightDecay, int warmup) {
  /** PyTorch's defaults: betas 0.9 and 0.999, eps 1e-8, no weight decay, no warm-up. */
  public static final AdamOptions DEFAULT = new AdamOptions(0.9, 0.999, 1e-8, 0, 0);

  /**
   * Checks every setting.
   *
   * @param beta1 in [0, 1)
   * @param beta2 in [0, 1)
   * @param eps &gt; 0
   * @param weightDecay &gt;= 0
   * @param warmup &gt;= 0 steps
   * @throws dev.egd.ValidationException ({@code beta1}, {@code beta2}, {@code eps}, {@code wd}, {@code warmup}) if a
   *     value is out of range
   */
  public AdamOptions {
    Check.unitInterval("beta1", beta1);
    Check.unitInterval("beta2", beta2);
    Check.positive("eps", eps);
    Check.nonNegative("wd", weightDecay);
    Check.atLeast("warmup", warmup, 0);
  }

  /**
   * @param b1 the new beta1, in [0, 1)
   * @param b2 the new beta2, in [0, 1)
   * @return a copy with these betas
   */
  public AdamOptions withBetas(double b1, double b2) { return new AdamOptions(b1, b2, eps, weightDecay, warmup); }
  /**
   * @param e the new eps, &gt; 0
   * @return a copy with this eps
   */
  public AdamOptions withEps(double e) { return new AdamOptions(beta1, beta2, e, weightDecay, warmup); }
  /**
   * @param wd the new coupled weight decay, &gt;= 0
   * @return a copy with this decay
   */
  public AdamOptions withWeightDecay(double wd) { return new AdamOptions(beta1, beta2, eps, wd, warmup); }
  /**
   * @param steps the new warm-up length in steps, &gt;= 0
   * @return a copy with this warm-up
   */
  public AdamOptions withWarmup(int steps) { return new AdamOptions(beta1, beta2, eps, weightDecay, steps); }
}
