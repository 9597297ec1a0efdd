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
  private dev.egd.train.Workers workers;
  private ParamSet current;
  private java.util.function.IntConsumer part;

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

  @Override public void saveState(dev.egd.util.State.Out out) throws java.io.IOException {
    out.bool(started);
    for (float[] e : ema) out.floats(e);
  }

  @Override public void loadState(dev.egd.util.State.In in) throws java.io.IOException {
    started = in.bool();
    for (float[] e : ema) in.floatsInto(e);
  }

  @Override public void useWorkers(dev.egd.train.Workers workers) { this.workers = workers; }

  @Override public void update(ParamSet grads, ParamSet params, long step) {
    current = grads;
    int n = workers == null ? 1 : workers.size();
    if (n == 1) {
      slice(0, 1);
    } else {
      if (part == null) part = w -> slice(w, workers.size());
      workers.run(part);
    }
    started = true;
  }

  /** Element-wise, so any split gives the same bits; worker w takes slice w of n of every tensor. */
  private void slice(int w, int n) {
    float a = alpha, b = 1f - alpha, l = lambda;
    for (int i = 0; i < ema.length; i++) {
      float[] g = current.get(i).data, e = ema[i];
      int from = (int) ((long) g.length * w / n), to = (int) ((long) g.length * (w + 1) / n);
      if (!started) System.arraycopy(g, from, e, from, to - from);
      for (int j = from; j < to; j++) {
        float v = a * e[j] + b * g[j];
        e[j] = v;
        g[j] += l * v;
      }
    }
  }

  /** The running average of parameter i (for tests and checkpoints). */
  public float[] average(int i) { return ema[i]; }

  @Override public String describe() { return "grokfast-ema(alpha=" + alpha + ", lambda=" + lambda + ")"; }
}
