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
  public static final AdamOptions DEFAULT = new AdamOptions(0.9, 0.999, 1e-8, 0, 0);

  public AdamOptions {
    Check.unitInterval("beta1", beta1);
    Check.unitInterval("beta2", beta2);
    Check.positive("eps", eps);
    Check.nonNegative("wd", weightDecay);
    Check.atLeast("warmup", warmup, 0);
  }

  public AdamOptions withBetas(double b1, double b2) { return new AdamOptions(b1, b2, eps, weightDecay, warmup); }
  public AdamOptions withEps(double e) { return new AdamOptions(beta1, beta2, e, weightDecay, warmup); }
  public AdamOptions withWeightDecay(double wd) { return new AdamOptions(beta1, beta2, eps, wd, warmup); }
  public AdamOptions withWarmup(int steps) { return new AdamOptions(beta1, beta2, eps, weightDecay, steps); }
}
