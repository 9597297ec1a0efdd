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
  /** Rank used when none is given: 64, or the matrix's limit when that is smaller. */
  public static final int DEFAULT_RANK = 64;

  private final int rank, powerIters, oversample;
  private final boolean clip;
  private final RandomizedEgd.Residual residual;
  private int[] selected;
  private RandomizedEgd[] kernels;
  private float[][] out;
  private Rng rng;
  private String names;

  public EgdRandomized(ParamSelector selector, int rank, int powerIters, int oversample, RandomizedEgd.Residual residual) {
    this(selector, rank, false, powerIters, oversample, residual);
  }

  /** With clipToMatrix, a rank above a matrix's limit min(rows, cols) is lowered to it instead of rejected. */
  public EgdRandomized(ParamSelector selector, int rank, boolean clipToMatrix, int powerIters, int oversample, RandomizedEgd.Residual residual) {
    if (rank < 1) throw new IllegalArgumentException("--rank must be >= 1: " + rank);
    this.clip = clipToMatrix;
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
      if (rank > max && !clip)
        throw new IllegalArgumentException("--rank must be in [1, " + max + "] for " + t.name + " (" + t.shape() + "): " + rank);
      kernels[i] = new RandomizedEgd(t.rows, t.cols, Math.min(rank, max), powerIters, oversample, residual, 1e-6f);
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
    String r = kernels == null ? String.valueOf(rank) : java.util.Arrays.stream(kernels).map(k -> String.valueOf(k.rank()))
        .distinct().collect(java.util.stream.Collectors.joining("/"));
    return "egd-rsvd(" + (names == null ? selector : names) + ", r=" + r + ", q=" + powerIters
        + (oversample > 0 ? ", oversample=" + oversample : "") + ", residual=" + residual.name().toLowerCase() + ")";
  }
}
