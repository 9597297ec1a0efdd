package dev.egd.optim;

import dev.egd.linalg.ExactEgd;
import dev.egd.nn.ParamSet;
import dev.egd.nn.Tensor;
import dev.egd.util.State;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntConsumer;

/** Exact egalitarian gradient descent on the selected gradient matrices: G = U S V^T becomes U V^T. */
final class Egd implements GradientTransform, Reporting, UpdateReport {
  private final ParamSelector selector;
  private final EgdOptions options;
  private SelectedMatrices selected;
  private ExactEgd[] kernels;
  private float[][] out;
  private ParamSet current;
  private final IntConsumer applyOne = this::applyOne; // allocated once: the step allocates nothing

  Egd(ParamSelector selector, EgdOptions options) {
    this.selector = selector;
    this.options = options;
  }

  @Override public void init(ParamSet params, InitContext context) {
    selected = new SelectedMatrices(selector, params, context.workers());
    kernels = new ExactEgd[selected.count()];
    for (int i = 0; i < kernels.length; i++) {
      Tensor t = selected.tensor(params, i);
      double rcond = options.rcond() < 0 ? ExactEgd.defaultRcond(t.rows, t.cols) : options.rcond();
      kernels[i] = new ExactEgd(t.rows, t.cols, options.route(), options.floor(), rcond);
    }
    out = selected.scratch(params);
  }

  @Override public void update(ParamSet grads, ParamSet params, long step) {
    current = grads;
    selected.forEach(applyOne);
  }

  private void applyOne(int i) {
    float[] g = selected.tensor(current, i).data;
    kernels[i].apply(g, out[i]);
    System.arraycopy(out[i], 0, g, 0, g.length);
  }

  @Override public void saveState(State.Out o) throws IOException {
    o.i32(kernels.length);
    for (ExactEgd k : kernels) o.longs(k.state());
  }

  @Override public void loadState(State.In in) throws IOException {
    if (in.i32() != kernels.length) throw new IOException("checkpoint does not match this run: another EGD selection");
    for (ExactEgd k : kernels) k.restore(in.longs());
  }

  /** The kernel acting on parameter {@code param}, or null when EGD does not select it (or before init). */
  ExactEgd kernelFor(int param) {
    int i = selected == null ? -1 : selected.position(param);
    return i < 0 ? null : kernels[i];
  }

  @Override public boolean rewrote(int param) { return kernelFor(param) != null; }

  @Override public float[] inputSingularValues(int param) {
    ExactEgd k = kernelFor(param);
    return k == null || k.lastRoute() == null ? null : k.lastSingularValues();
  }

  @Override public String decomposition(int param) {
    ExactEgd k = kernelFor(param);
    return k == null || k.lastRoute() == null ? null : k.lastRoute().name().toLowerCase(Locale.ROOT);
  }

  @Override public boolean outputSingularValues(int param, double[] o) {
    ExactEgd k = kernelFor(param);
    if (k == null || k.lastRoute() == null) return false;
    k.lastOutputSingularValues(o);
    return true;
  }

  @Override public String describe() {
    return "egd(" + (selected == null ? selector : selected.names) + ", " + options.route().name().toLowerCase(Locale.ROOT) + ")";
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
