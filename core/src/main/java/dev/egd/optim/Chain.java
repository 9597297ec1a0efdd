package dev.egd.optim;

import dev.egd.nn.ParamSet;
import dev.egd.util.State;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Applies transforms in order; each link's state is its own. Made by {@link Transforms#chain}. */
final class Chain implements GradientTransform, Switchable, Reporting {
  private final List<GradientTransform> links;

  /** An empty chain is the identity. */
  Chain(List<GradientTransform> links) {
    this.links = List.copyOf(links);
  }

  List<GradientTransform> links() { return links; }

  @Override public void init(ParamSet params, InitContext context) {
    for (GradientTransform t : links) t.init(params, context);
  }

  @Override public void update(ParamSet grads, ParamSet params, long step) {
    for (int i = 0; i < links.size(); i++) links.get(i).update(grads, params, step);
  }

  @Override public void saveState(State.Out out) throws IOException {
    out.tag("chain").i32(links.size());
    for (GradientTransform t : links) t.saveState(out.tag(t.getClass().getSimpleName()));
  }

  @Override public void loadState(State.In in) throws IOException {
    in.tag("chain");
    if (in.i32() != links.size()) throw new IOException("checkpoint does not match this run: another number of transforms");
    for (GradientTransform t : links) t.loadState(in.tag(t.getClass().getSimpleName()));
  }

  @Override public String describe() {
    String d = links.stream().map(GradientTransform::describe).filter(x -> !x.equals("identity")).collect(Collectors.joining(" -> "));
    return d.isEmpty() ? "identity" : d;
  }

  @Override public Map<String, Object> stats() {
    Map<String, Object> all = new LinkedHashMap<>();
    for (GradientTransform t : links) if (t instanceof Reporting) all.putAll(((Reporting) t).stats());
    return all;
  }

  @Override public boolean active() {
    for (GradientTransform t : links) if (t instanceof Switchable && !((Switchable) t).active()) return false;
    return true;
  }
}
