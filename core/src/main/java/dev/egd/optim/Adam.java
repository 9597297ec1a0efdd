package dev.egd.optim;

import dev.egd.nn.ParamSet;

/**
 * Adam and AdamW as torch.optim computes them, as the last link of a chain.
 *
 * <p>Adam ({@code decoupled = false}) adds {@code weightDecay * p} to the gradient before the moments
 * (L2, "coupled"); AdamW ({@code decoupled = true}) subtracts {@code lr_t * weightDecay * p} from the
 * parameter instead. Both decay every parameter, as torch does by default. The learning rate warms up
 * linearly: {@code lr_t = lr * min(1, step / warmup)} with steps counted from 0, which is what
 * {@code LambdaLR(lambda u: 1 if u > w else u / w)} gives (so the first update has lr 0).
 */
public final class Adam implements GradientTransform {
  private final float lr, beta1, beta2, eps, weightDecay;
  private final int warmup;
  private final boolean decoupled;
  private float[][] m, v;
  private long t;
  private dev.egd.train.Workers workers;
  private ParamSet curGrads, curParams;
  private float curStepSize, curLr, curBc2Sqrt;
  private java.util.function.IntConsumer part;

  public Adam(double lr, double beta1, double beta2, double eps, double weightDecay, int warmup, boolean decoupled) {
    if (!(lr > 0) || !Double.isFinite(lr)) throw new IllegalArgumentException("--lr must be > 0: " + lr);
    if (!(beta1 >= 0 && beta1 < 1)) throw new IllegalArgumentException("--beta1 must be in [0, 1): " + beta1);
    if (!(beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException("--beta2 must be in [0, 1): " + beta2);
    if (!(eps > 0)) throw new IllegalArgumentException("--eps must be > 0: " + eps);
    if (!(weightDecay >= 0) || !Double.isFinite(weightDecay)) throw new IllegalArgumentException("--wd must be >= 0: " + weightDecay);
    if (warmup < 0) throw new IllegalArgumentException("--warmup must be >= 0: " + warmup);
    this.lr = (float) lr;
    this.beta1 = (float) beta1;
    this.beta2 = (float) beta2;
    this.eps = (float) eps;
    this.weightDecay = (float) weightDecay;
    this.warmup = warmup;
    this.decoupled = decoupled;
  }

  @Override public void init(ParamSet params, long seed) {
    m = new float[params.count()][];
    v = new float[params.count()][];
    for (int i = 0; i < params.count(); i++) {
      m[i] = new float[params.get(i).size()];
      v[i] = new float[params.get(i).size()];
    }
    t = 0;
  }

  @Override public void saveState(dev.egd.util.State.Out out) throws java.io.IOException {
    out.i64(t);
    for (int i = 0; i < m.length; i++) out.floats(m[i]).floats(v[i]);
  }

  @Override public void loadState(dev.egd.util.State.In in) throws java.io.IOException {
    t = in.i64();
    for (int i = 0; i < m.length; i++) {
      in.floatsInto(m[i]);
      in.floatsInto(v[i]);
    }
  }

  @Override public void useWorkers(dev.egd.train.Workers workers) { this.workers = workers; }

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
    int n = workers == null ? 1 : workers.size();
    if (part == null) part = w -> updateSlice(w, workers == null ? 1 : workers.size());
    if (n == 1) updateSlice(0, 1);
    else workers.run(part);
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
