package dev.egd.optim;

import dev.egd.Check;
import dev.egd.nn.ParamSet;
import dev.egd.util.State;
import dev.egd.util.Workers;
import java.io.IOException;

/**
 * Adam and AdamW as torch.optim computes them, as the last link of a chain.
 *
 * <p>Adam ({@code decoupled = false}) adds {@code weightDecay * p} to the gradient before the moments
 * (L2, "coupled"); AdamW ({@code decoupled = true}) subtracts {@code lr_t * weightDecay * p} from the
 * parameter instead. Both decay every parameter, as torch does by default. The learning rate warms up
 * linearly: {@code lr_t = lr * min(1, step / warmup)} with steps counted from 0, which is what
 * {@code LambdaLR(lambda u: 1 if u > w else u / w)} gives (so the first update has lr 0).
 */
final class Adam implements GradientTransform {
  private final float lr, beta1, beta2, eps, weightDecay;
  private final int warmup;
  private final boolean decoupled;
  private float[][] m, v;
  private long t;
  private Workers workers;
  private ParamSet curGrads, curParams;
  private float curStepSize, curLr, curBc2Sqrt;
  private final java.util.function.IntConsumer part = w -> updateSlice(w, workers.size());

  Adam(double lr, AdamOptions o, double weightDecay, boolean decoupled) {
    this.lr = (float) Check.positive("lr", lr);
    this.beta1 = (float) o.beta1();
    this.beta2 = (float) o.beta2();
    this.eps = (float) o.eps();
    this.weightDecay = (float) Check.nonNegative("wd", weightDecay);
    this.warmup = o.warmup();
    this.decoupled = decoupled;
  }

  @Override public void init(ParamSet params, InitContext context) {
    workers = context.workers();
    m = new float[params.count()][];
    v = new float[params.count()][];
    for (int i = 0; i < params.count(); i++) {
      m[i] = new float[params.get(i).size()];
      v[i] = new float[params.get(i).size()];
    }
    t = 0;
  }

  @Override public void saveState(State.Out out) throws IOException {
    out.i64(t);
    for (int i = 0; i < m.length; i++) out.floats(m[i]).floats(v[i]);
  }

  @Override public void loadState(State.In in) throws IOException {
    t = in.i64();
    for (int i = 0; i < m.length; i++) {
      in.floatsInto(m[i]);
      in.floatsInto(v[i]);
    }
  }

  /** The learning rate of 0-based step s. */
  double learningRate(long s) {
    return warmup == 0 || s >= warmup ? lr : lr * (double) s / warmup;
  }

  @Override public void update(ParamSet grads, ParamSet params, long step) {
    t++;
    curLr = (float) learningRate(step);
    curStepSize = curLr / (float) (1 - Math.pow(beta1, t));
    curBc2Sqrt = (float) Math.sqrt(1 - Math.pow(beta2, t));
    curGrads = grads;
    curParams = params;
    workers.run(part);
  }

  /** Element-wise, so any split of the elements gives the same bits; worker w takes slice w of n of every tensor. */
  private void updateSlice(int w, int n) {
    float b1 = beta1, b2 = beta2, c1 = 1 - beta1, c2 = 1 - beta2, wd = weightDecay, e = eps;
    float stepSize = curStepSize, bc2Sqrt = curBc2Sqrt, lrT = curLr;
    for (int i = 0; i < m.length; i++) {
      float[] g = curGrads.get(i).data, p = curParams.get(i).data, mi = m[i], vi = v[i];
      int len = g.length, from = (int) ((long) len * w / n), to = (int) ((long) len * (w + 1) / n);
      for (int j = from; j < to; j++) {
        float gj = decoupled ? g[j] : g[j] + wd * p[j];
        float mj = b1 * mi[j] + c1 * gj;
        float vj = b2 * vi[j] + c2 * gj * gj;
        mi[j] = mj;
        vi[j] = vj;
        float upd = -stepSize * mj / ((float) Math.sqrt(vj) / bc2Sqrt + e);
        g[j] = decoupled ? upd - lrT * wd * p[j] : upd;
      }
    }
  }

  @Override public String describe() {
    return (decoupled ? "adamw" : "adam") + "(lr=" + lr + ", betas=(" + beta1 + ", " + beta2 + "), eps=" + eps + ", wd=" + weightDecay
        + (warmup > 0 ? ", warmup=" + warmup : "") + ")";
  }
}
