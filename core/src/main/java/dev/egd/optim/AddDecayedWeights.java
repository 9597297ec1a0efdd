package dev.egd.optim;

import dev.egd.Check;
import dev.egd.nn.ParamSet;
import dev.egd.util.Workers;
import java.util.function.IntConsumer;

/**
 * L2 weight decay as a gradient transform (optax's add_decayed_weights): g += wd * p on the selected
 * parameters, the gradient of 0.5 * wd * ||p||^2 added to the loss. Put it first, so that the
 * transforms after it (EGD included) see the gradient of the regularised loss.
 */
final class AddDecayedWeights implements GradientTransform {
  private final float wd;
  private final ParamSelector which;
  private int[] selected;
  private Workers workers;
  private ParamSet grads, params;
  private final IntConsumer part = this::slice;

  AddDecayedWeights(double wd, ParamSelector which) {
    this.wd = (float) Check.nonNegative("wd", wd);
    this.which = which;
  }

  @Override public void init(ParamSet params, InitContext context) {
    selected = which.select(params);
    workers = context.workers();
  }

  @Override public void update(ParamSet grads, ParamSet params, long step) {
    if (wd == 0f) return;
    this.grads = grads;
    this.params = params;
    workers.run(part);
  }

  /** Element-wise, so any split gives the same bits; worker w takes slice w of n of every tensor. */
  private void slice(int w) {
    int n = workers.size();
    for (int i : selected) {
      float[] g = grads.get(i).data, p = params.get(i).data;
      int from = (int) ((long) g.length * w / n), to = (int) ((long) g.length * (w + 1) / n);
      for (int j = from; j < to; j++) g[j] += wd * p[j];
    }
  }

  @Override public String describe() { return "decay(wd=" + wd + ", " + which + ")"; }
}
