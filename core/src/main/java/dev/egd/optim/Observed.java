package dev.egd.optim;

import dev.egd.nn.ParamSet;
import dev.egd.util.State;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/** Transforms with an observer around them: made by {@link Transforms#observed}. */
final class Observed implements GradientTransform, Switchable, Reporting {
  private final GradientTransform inner;
  private final GradientObserver observer;

  Observed(GradientTransform inner, GradientObserver observer) {
    this.inner = inner;
    this.observer = observer;
  }

  @Override public void init(ParamSet params, InitContext context) {
    inner.init(params, context);
    observer.init(params, inner instanceof Chain ? ((Chain) inner).links() : List.of(inner));
  }

  @Override public void update(ParamSet grads, ParamSet params, long step) {
    if (!observer.wants(step)) {
      inner.update(grads, params, step);
      return;
    }
    observer.before(grads, step);
    inner.update(grads, params, step);
    observer.after(grads, step);
  }

  @Override public String describe() { return inner.describe(); }
  @Override public void saveState(State.Out out) throws IOException { inner.saveState(out); }
  @Override public void loadState(State.In in) throws IOException { inner.loadState(in); }
  @Override public boolean active() { return !(inner instanceof Switchable) || ((Switchable) inner).active(); }
  @Override public Map<String, Object> stats() { return inner instanceof Reporting ? ((Reporting) inner).stats() : Map.of(); }
}
