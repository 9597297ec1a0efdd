package dev.egd.optim;

import dev.egd.linalg.ExactEgd;
import dev.egd.nn.ParamSet;
import dev.egd.nn.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/** Exact egalitarian gradient descent on the selected gradient matrices: G = U S V^T becomes U V^T. */
public final class Egd implements GradientTransform {
  private final ParamSelector selector;
  private final ExactEgd.Route route;
  private final float floor;
  private final double rcond; // negative: the default for each matrix
  private SelectedMatrices selected;
  private ExactEgd[] kernels;
  private float[][] out;
  private dev.egd.train.Workers workers;
  private java.util.function.IntConsumer applyOne;

  public Egd(ParamSelector selector, ExactEgd.Route route, float floor) {
    this(selector, route, floor, -1);
  }

  /** rcond: relative rank cut-off (0: keep every direction, as the paper's formula); negative: the default. */
  public Egd(ParamSelector selector, ExactEgd.Route route, float floor, double rcond) {
    if (!(floor > 0)) throw new IllegalArgumentException("--egd-floor must be > 0: " + floor);
    if (rcond >= 1) throw new IllegalArgumentException("--egd-rcond must be in [0, 1): " + rcond);
    this.selector = selector;
    this.route = route;
    this.floor = floor;
    this.rcond = rcond;
  }

  public Egd(ParamSelector selector) { this(selector, ExactEgd.Route.AUTO, ExactEgd.DEFAULT_FLOOR); }

  @Override public void validate(ParamSet params) { new SelectedMatrices(selector, params); }

  @Override public void init(ParamSet params, long seed) {
    selected = new SelectedMatrices(selector, params);
    kernels = new ExactEgd[selected.count()];
    for (int i = 0; i < kernels.length; i++) {
      Tensor t = selected.tensor(params, i);
      kernels[i] = new ExactEgd(t.rows, t.cols, route, floor, rcond < 0 ? ExactEgd.defaultRcond(t.rows, t.cols) : rcond);
    }
    out = selected.scratch(params);
  }

  @Override public void saveState(dev.egd.util.State.Out out) throws java.io.IOException {
    out.i32(kernels.length);
    for (ExactEgd k : kernels) out.longs(k.state());
  }

  @Override public void loadState(dev.egd.util.State.In in) throws java.io.IOException {
    if (in.i32() != kernels.length) throw new java.io.IOException("checkpoint does not match this run: another EGD selection");
    for (ExactEgd k : kernels) k.restore(in.longs());
  }

  @Override public void useWorkers(dev.egd.train.Workers workers) { this.workers = workers; }

  private ParamSet current;

  @Override public void update(ParamSet grads, ParamSet params, long step) {
    current = grads;
    if (applyOne == null) {
      applyOne = i -> {
        float[] g = selected.tensor(current, i).data;
        kernels[i].apply(g, out[i]);
        System.arraycopy(out[i], 0, g, 0, g.length);
      };
    }
    selected.forEach(workers, applyOne);
  }

  /** The kernel acting on parameter {@code paramIndex}, or null when EGD does not select it (or before init). */
  public ExactEgd kernelFor(int paramIndex) {
    if (selected == null) return null;
    for (int i = 0; i < selected.indices.length; i++) if (selected.indices[i] == paramIndex) return kernels[i];
    return null;
  }

  /** The kernel for the i-th selected matrix (for diagnostics). */
  public ExactEgd kernel(int i) { return kernels[i]; }

  @Override public String describe() {
    return "egd(" + (selected == null ? selector : selected.names) + ", " + route.name().toLowerCase(java.util.Locale.ROOT) + ")";
  }

  @Override public Map<String, Object> stats() {
    long g32 = 0, g64 = 0, svd = 0;
    for (ExactEgd k : kernels) {
      g32 += k.gram32Count();
      g64 += k.gram64Count();
      svd += k.svdCount();
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("egd_route_gram32", g32);
    m.put("egd_route_gram64", g64);
    m.put("egd_route_svd", svd);
    return m;
  }
}
