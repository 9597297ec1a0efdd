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
  private SelectedMatrices selected;
  private RandomizedEgd[] kernels;
  private float[][] out;
  private Rng[] rngs;
  private dev.egd.train.Workers workers;
  private java.util.function.IntConsumer applyOne;
  private ParamSet current;

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

  /**
   * The rank used on a matrix: the requested one, lowered to the matrix's limit min(rows, cols) (as the
   * reference code's reduced QR does on a small output layer). Without clipping, a rank above the
   * limit of every selected matrix is rejected: it would be exact EGD under another name.
   */
  private int rankFor(Tensor t) {
    return Math.min(rank, Math.min(t.rows, t.cols));
  }

  @Override public void validate(ParamSet params) {
    SelectedMatrices s = new SelectedMatrices(selector, params);
    int largest = 0;
    Tensor widest = null;
    for (int i = 0; i < s.count(); i++) {
      Tensor t = s.tensor(params, i);
      if (Math.min(t.rows, t.cols) > largest) {
        largest = Math.min(t.rows, t.cols);
        widest = t;
      }
    }
    if (widest != null && rank > largest && !clip)
      throw new IllegalArgumentException("--rank must be in [1, " + largest + "] (the limit of " + widest.name + ", " + widest.shape() + "): " + rank);
  }

  @Override public void init(ParamSet params, long seed) {
    validate(params);
    selected = new SelectedMatrices(selector, params);
    kernels = new RandomizedEgd[selected.count()];
    for (int i = 0; i < kernels.length; i++) {
      Tensor t = selected.tensor(params, i);
      kernels[i] = new RandomizedEgd(t.rows, t.cols, rankFor(t), powerIters, oversample, residual, 1e-6f);
    }
    out = selected.scratch(params);
    // one sketch stream per matrix, so matrices can be processed on any thread with the same result
    rngs = new Rng[kernels.length];
    for (int i = 0; i < kernels.length; i++) rngs[i] = new Rng(seed, 0x25BDL + i);
  }

  @Override public void useWorkers(dev.egd.train.Workers workers) { this.workers = workers; }

  @Override public void update(ParamSet grads, ParamSet params, long step) {
    current = grads;
    if (applyOne == null) {
      applyOne = i -> {
        float[] g = selected.tensor(current, i).data;
        kernels[i].apply(g, out[i], rngs[i]);
        System.arraycopy(out[i], 0, g, 0, g.length);
      };
    }
    selected.forEach(workers, applyOne);
  }

  @Override public void saveState(dev.egd.util.State.Out out) throws java.io.IOException {
    out.i32(rngs.length);
    for (Rng r : rngs) out.longs(r.state());
  }

  @Override public void loadState(dev.egd.util.State.In in) throws java.io.IOException {
    if (in.i32() != rngs.length) throw new java.io.IOException("checkpoint does not match this run: another EGD selection");
    for (Rng r : rngs) r.restore(in.longs());
  }

  @Override public String describe() {
    String r = kernels == null ? String.valueOf(rank) : java.util.Arrays.stream(kernels).map(k -> String.valueOf(k.rank()))
        .distinct().collect(java.util.stream.Collectors.joining("/"));
    return "egd-rsvd(" + (selected == null ? selector : selected.names) + ", r=" + r + ", q=" + powerIters
        + (oversample > 0 ? ", oversample=" + oversample : "") + ", residual=" + residual.name().toLowerCase() + ")";
  }
}
