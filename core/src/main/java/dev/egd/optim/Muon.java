package dev.egd.optim;

import dev.egd.ValidationException;
import dev.egd.linalg.NewtonSchulz;
import dev.egd.nn.ParamSet;
import dev.egd.nn.Tensor;
import dev.egd.util.State;
import java.io.IOException;
import java.util.function.IntConsumer;

/**
 * Muon (Keller Jordan, 2024): SGD-momentum whose update matrix is orthogonalised by the quintic
 * Newton-Schulz iteration and scaled by sqrt(max(1, fan_out / fan_in)), with decoupled weight decay.
 * Per matrix and step, as the reference's {@code muon_update} and {@code SingleDeviceMuon.step}:
 * {@code m <- m + (1 - β)(g - m); u = g + β (m - g)} (Nesterov; else u = m);
 * {@code update = -lr * (scale * NS(u) + wd * p)}.
 *
 * <p>An optimizer, so the last link of a chain, and for matrices only: every parameter of the set it
 * is initialised on must be a matrix. The other parameters (biases, gains, and whatever else the
 * reference leaves to AdamW) go to another optimizer through {@link Transforms#partition}.
 */
final class Muon implements GradientTransform {
  private final MuonOptions options;
  private SelectedMatrices selected;
  private NewtonSchulz[] ns;
  private float[][] momentum, work, out;
  private float[] scale;
  private ParamSet curGrads, curParams;
  private final IntConsumer applyOne = this::applyOne;

  Muon(MuonOptions options) {
    this.options = options;
  }

  @Override public void init(ParamSet params, InitContext context) {
    for (Tensor t : params.tensors()) {
      if (t.rows < 2 || t.cols < 2)
        throw new ValidationException("muon", "acts on matrices only; give " + t.name + " (" + t.shape()
            + ") another optimizer with Transforms.partition", t.name);
    }
    selected = new SelectedMatrices(ParamSelector.matching(".*"), params, context.workers());
    int n = selected.count();
    ns = new NewtonSchulz[n];
    momentum = new float[n][];
    work = selected.scratch(params);
    out = selected.scratch(params);
    scale = new float[n];
    for (int i = 0; i < n; i++) {
      Tensor t = selected.tensor(params, i);
      ns[i] = new NewtonSchulz(t.rows, t.cols, options.nsSteps());
      momentum[i] = new float[t.size()];
      scale[i] = (float) options.scale(t.rows, t.cols);
    }
  }

  @Override public void update(ParamSet grads, ParamSet params, long step) {
    curGrads = grads;
    curParams = params;
    selected.forEach(applyOne);
  }

  private void applyOne(int i) {
    float[] g = selected.tensor(curGrads, i).data, p = selected.tensor(curParams, i).data, m = momentum[i], u = work[i], o = out[i];
    float beta = (float) options.momentum(), c = 1f - beta;
    boolean nesterov = options.nesterov();
    for (int j = 0; j < g.length; j++) {
      float mj = m[j] + c * (g[j] - m[j]);
      m[j] = mj;
      u[j] = nesterov ? g[j] + beta * (mj - g[j]) : mj;
    }
    ns[i].apply(u, o);
    float lr = (float) options.lr(), s = scale[i], decay = (float) (options.lr() * options.weightDecay());
    for (int j = 0; j < g.length; j++) g[j] = -lr * (s * o[j]) - decay * p[j];
  }

  @Override public void saveState(State.Out o) throws IOException {
    o.i32(momentum.length);
    for (float[] m : momentum) o.floats(m);
  }

  @Override public void loadState(State.In in) throws IOException {
    if (in.i32() != momentum.length) throw new IOException("checkpoint does not match this run: another Muon selection");
    for (float[] m : momentum) in.floatsInto(m);
  }

  @Override public String describe() {
    return "muon(" + (selected == null ? "" : selected.names + ", ") + "lr=" + options.lr() + ", momentum=" + options.momentum()
        + (options.nesterov() ? " nesterov" : "") + ", ns=" + options.nsSteps() + ", wd=" + options.weightDecay() + ")";
  }
}
