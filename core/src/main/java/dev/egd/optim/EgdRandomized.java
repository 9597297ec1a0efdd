package dev.egd.optim;

import dev.egd.linalg.RandomizedEgd;
import dev.egd.nn.ParamSet;
import dev.egd.nn.Tensor;
import dev.egd.util.Rng;

/**
 * Egalitarian gradient descent through a randomized SVD of rank r (fresh Gaussian sketch each step).
 * By default the gradient outside the top-r left singular subspace is dropped, as the paper does;
 * see {@link RandomizedEgd}.
 */
public final class EgdRandomized implements GradientTransform {
  private final ParamSelector selector;
  private final int rank, powerIters, oversample;
  private final RandomizedEgd.Residual residual;
  private int[] selected;
  private RandomizedEgd[] kernels;
  private float[][] out;
  private Rng rng;
  private String names;

  public EgdRandomized(ParamSelector selector, int rank, int powerIters, int oversample, RandomizedEgd.Residual residual) {
    if (rank < 1) throw new IllegalArgumentException("--rank must be >= 1: " + rank);
    if (powerIters < 0) throw new IllegalArgumentException("--power-iters must be >= 0: " + powerIters);
    if (oversample < 0) throw new IllegalArgumentException("--oversample must be >= 0: " + oversample);
    this.selector = selector;
    this.rank = rank;
    this.powerIters = powerIters;
    this.oversample = oversample;
    this.residual = residual;
  }

  @Override public void init(ParamSet params, long seed) {
    selected = selector.select(params);
    kernels = new RandomizedEgd[selected.length];
    out = new float[selected.length][];
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < selected.length; i++) {
      Tensor t = params.get(selected[i]);
      int max = Math.min(t.rows, t.cols);
      if (rank > max)
        throw new IllegalArgumentException("--rank must be in [1, " + max + "] for " + t.name + " (" + t.shape() + "): " + rank);
      kernels[i] = new RandomizedEgd(t.rows, t.cols, rank, powerIters, oversample, residual, 1e-6f);
      out[i] = new float[t.size()];
      sb.append(i == 0 ? "" : ",").append(t.name);
    }
    names = sb.toString();
    rng = new Rng(seed, 0x25BDL);
  }

  @Override public void update(ParamSet grads, ParamSet params, long step) {
    for (int i = 0; i < selected.length; i++) {
      float[] g = grads.get(selected[i]).data;
      kernels[i].apply(g, out[i], rng);
      System.arraycopy(out[i], 0, g, 0, g.length);
    }
  }

  public Rng rng() { return rng; }

  @Override public String describe() {
    return "egd-rsvd(" + (names == null ? selector : names) + ", r=" + rank + ", q=" + powerIters
        + (oversample > 0 ? ", oversample=" + oversample : "") + ", residual=" + residual.name().toLowerCase() + ")";
  }
}
