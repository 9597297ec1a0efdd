package dev.egd.optim;

import dev.egd.nn.ParamSet;
import dev.egd.util.State;
import java.io.IOException;

/**
 * Grokfast-MA (Lee et al., 2024): {@code g <- g + lambda * mean(last w gradients)}, the window
 * including the current gradient, applied once the window is full (before that, g passes unchanged).
 * The window's sum is kept in double precision, so it does not drift over long runs.
 */
final class GrokfastMa implements GradientTransform {
  /** The largest window accepted: a ring of this many gradients must be allocatable at all. */
  static final int MAX_WINDOW = 1 << 20;

  private final int window;
  private final float lambda;
  private float[][][] ring; // [param][slot][element]
  private double[][] sum;
  private int filled, next;

  GrokfastMa(int window, double lambda) {
    this.window = dev.egd.Check.inRange("ma_window", window, 1, MAX_WINDOW);
    this.lambda = (float) dev.egd.Check.nonNegative("ma_lambda", lambda);
  }

  @Override public void init(ParamSet params, InitContext context) {
    ring = new float[params.count()][window][];
    sum = new double[params.count()][];
    for (int i = 0; i < params.count(); i++) {
      int n = params.get(i).size();
      for (int s = 0; s < window; s++) ring[i][s] = new float[n];
      sum[i] = new double[n];
    }
    filled = 0;
    next = 0;
  }

  @Override public void update(ParamSet grads, ParamSet params, long step) {
    boolean full = filled == window;
    for (int i = 0; i < ring.length; i++) {
      float[] g = grads.get(i).data, slot = ring[i][next];
      double[] s = sum[i];
      for (int j = 0; j < g.length; j++) {
        s[j] += (double) g[j] - (full ? slot[j] : 0f);
        slot[j] = g[j];
      }
    }
    next = (next + 1) % window;
    if (!full) filled++;
    if (filled == window) {
      float scale = lambda / window;
      for (int i = 0; i < ring.length; i++) {
        float[] g = grads.get(i).data;
        double[] s = sum[i];
        for (int j = 0; j < g.length; j++) g[j] += (float) (scale * s[j]);
      }
    }
  }

  @Override public void saveState(State.Out out) throws IOException {
    out.i32(filled).i32(next);
    for (int i = 0; i < ring.length; i++) {
      for (float[] slot : ring[i]) out.floats(slot);
      out.doubles(sum[i]);
    }
  }

  @Override public void loadState(State.In in) throws IOException {
    filled = in.i32();
    next = in.i32();
    if (filled < 0 || filled > window || next < 0 || next >= window) throw new IOException("checkpoint does not match this run: grokfast-ma window");
    for (int i = 0; i < ring.length; i++) {
      for (float[] slot : ring[i]) in.floatsInto(slot);
      in.doublesInto(sum[i]);
    }
  }

  @Override public String describe() { return "grokfast-ma(window=" + window + ", lambda=" + lambda + ")"; }
}
