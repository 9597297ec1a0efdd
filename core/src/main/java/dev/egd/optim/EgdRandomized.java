package dev.egd.optim;

import dev.egd.ValidationException;
import dev.egd.linalg.RandomizedEgd;
import dev.egd.nn.ParamSet;
import dev.egd.nn.Tensor;
import dev.egd.util.Rng;
import dev.egd.util.State;
import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.IntConsumer;
import java.util.stream.Collectors;

/**
 * Egalitarian gradient descent through a randomized SVD of rank r (a fresh Gaussian sketch each step,
 * one random stream per matrix). By default the gradient outside the top-r left singular subspace is
 * dropped, as the paper does; see {@link RandomizedEgd}.
 */
final class EgdRandomized implements GradientTransform, UpdateReport {
  private final ParamSelector selector;
  private final RandomizedEgdOptions options;
  private SelectedMatrices selected;
  private RandomizedEgd[] kernels;
  private float[][] out;
  private Rng[] rngs;
  private ParamSet current;
  private final IntConsumer applyOne = this::applyOne;

  EgdRandomized(ParamSelector selector, RandomizedEgdOptions options) {
    this.selector = selector;
    this.options = options;
  }

  /** The rank used on a matrix: the requested one, lowered to the matrix's limit min(rows, cols). */
  private int rankFor(Tensor t) {
    return Math.min(options.rank(), Math.min(t.rows, t.cols));
  }

  @Override public void init(ParamSet params, InitContext context) {
    selected = new SelectedMatrices(selector, params, context.workers());
    int largest = 0;
    Tensor widest = null;
    for (int i = 0; i < selected.count(); i++) {
      Tensor t = selected.tensor(params, i);
      if (Math.min(t.rows, t.cols) > largest) {
        largest = Math.min(t.rows, t.cols);
        widest = t;
      }
    }
    if (widest != null && options.rank() > largest && !options.clipToMatrix())
      throw new ValidationException("rank", "must be in [1, " + largest + "] (the limit of " + widest.name + ", " + widest.shape() + ")", options.rank());
    kernels = new RandomizedEgd[selected.count()];
    for (int i = 0; i < kernels.length; i++) {
      Tensor t = selected.tensor(params, i);
      kernels[i] = new RandomizedEgd(t.rows, t.cols, rankFor(t), options.powerIterations(), options.oversample(), options.residual(), 1e-6f);
    }
    out = selected.scratch(params);
    // one sketch stream per matrix, so matrices can be processed on any thread with the same result
    long seed = context.nextStreamSeed();
    rngs = new Rng[kernels.length];
    for (int i = 0; i < kernels.length; i++) rngs[i] = new Rng(seed, 0x25BDL + i);
  }

  @Override public void update(ParamSet grads, ParamSet params, long step) {
    current = grads;
    selected.forEach(applyOne);
  }

  private void applyOne(int i) {
    float[] g = selected.tensor(current, i).data;
    kernels[i].apply(g, out[i], rngs[i]);
    System.arraycopy(out[i], 0, g, 0, g.length);
  }

  @Override public boolean rewrote(int param) { return selected != null && selected.position(param) >= 0; }

  @Override public void saveState(State.Out o) throws IOException {
    o.i32(rngs.length);
    for (Rng r : rngs) o.longs(r.state());
  }

  @Override public void loadState(State.In in) throws IOException {
    if (in.i32() != rngs.length) throw new IOException("checkpoint does not match this run: another EGD selection");
    for (Rng r : rngs) r.restore(in.longs());
  }

  @Override public String describe() {
    String r = kernels == null ? String.valueOf(options.rank())
        : Arrays.stream(kernels).map(k -> String.valueOf(k.rank())).distinct().collect(Collectors.joining("/"));
    return "egd-rsvd(" + (selected == null ? selector : selected.names) + ", r=" + r + ", q=" + options.powerIterations()
        + (options.oversample() > 0 ? ", oversample=" + options.oversample() : "") + ", residual="
        + options.residual().name().toLowerCase(Locale.ROOT) + ")";
  }
}
