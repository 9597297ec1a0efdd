package dev.egd.optim;

import dev.egd.Check;
import dev.egd.nn.ParamSet;
import dev.egd.util.State;
import dev.egd.util.Workers;
import java.io.IOException;
import java.util.function.IntConsumer;

/**
 * Grokfast-EMA (Lee et al., 2024): amplifies the slow part of the gradient.
 * {@code ema <- alpha * ema + (1 - alpha) * g; g <- g + lambda * ema}, over every parameter.
 * As in the reference code, the average starts from the first gradient rather than from zero.
 */
final class GrokfastEma implements GradientTransform {
  private final float alpha, lambda;
  private float[][] ema;
  private boolean started;
  private Workers workers;
  private ParamSet current;
  private final IntConsumer part = this::slice;

  GrokfastEma(double alpha, double lambda) {
    this.alpha = (float) Check.unitInterval("ema_alpha", alpha);
    this.lambda = (float) Check.nonNegative("ema_lambda", lambda);
  }

  @Override public void init(ParamSet params, InitContext context) {
    workers = context.workers();
    ema = new float[params.count()][];
    for (int i = 0; i < params.count(); i++) ema[i] = new float[params.get(i).size()];
    started = false;
  }

  @Override public void saveState(State.Out out) throws IOException {
    out.bool(started);
    for (float[] e : ema) out.floats(e);
  }

  @Override public void loadState(State.In in) throws IOException {
    started = in.bool();
    for (float[] e : ema) in.floatsInto(e);
  }

  @Override public void update(ParamSet grads, ParamSet params, long step) {
    current = grads;
    workers.run(part);
    started = true;
  }

  /** Element-wise, so any split gives the same bits; worker w takes slice w of n of every tensor. */
  private void slice(int w) {
    int n = workers.size();
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

  /** The running average of parameter i (for tests). */
  float[] average(int i) { return ema[i]; }

  @Override public String describe() { return "grokfast-ema(alpha=" + alpha + ", lambda=" + lambda + ")"; }
}
