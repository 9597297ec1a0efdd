package dev.egd.optim;

import dev.egd.nn.ParamSet;

/**
 * Grokfast-EMA (Lee et al., 2024): amplifies the slow part of the gradient.
 * {@code ema <- alpha * ema + (1 - alpha) * g; g <- g + lambda * ema}, over every parameter.
 * As in the reference code, the average starts from the first gradient rather than from zero.
 */
public final class GrokfastEma implements GradientTransform {
  private final float alpha, lambda;
  private float[][] ema;
  private boolean started;

  public GrokfastEma(double alpha, double lambda) {
    if (!(alpha >= 0 && alpha < 1)) throw new IllegalArgumentException("--ema-alpha must be in [0, 1): " + alpha);
    if (!(lambda >= 0) || !Double.isFinite(lambda)) throw new IllegalArgumentException("--ema-lambda must be >= 0: " + lambda);
    this.alpha = (float) alpha;
    this.lambda = (float) lambda;
  }

  @Override public void init(ParamSet params, long seed) {
    ema = new float[params.count()][];
    for (int i = 0; i < params.count(); i++) ema[i] = new float[params.get(i).size()];
    started = false;
  }

  @Override public void update(ParamSet grads, ParamSet params, long step) {
    float a = alpha, b = 1f - alpha, l = lambda;
    for (int i = 0; i < ema.length; i++) {
      float[] g = grads.get(i).data, e = ema[i];
      if (!started) System.arraycopy(g, 0, e, 0, g.length);
      for (int j = 0; j < g.length; j++) {
        float v = a * e[j] + b * g[j];
        e[j] = v;
        g[j] += l * v;
      }
    }
    started = true;
  }

  /** The running average of parameter i (for tests and checkpoints). */
  public float[] average(int i) { return ema[i]; }

  @Override public String describe() { return "grokfast-ema(alpha=" + alpha + ", lambda=" + lambda + ")"; }
}
