package dev.egd.optim;

import dev.egd.nn.ParamSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Applies transforms in order: {@code chain(egd(first()), sgd(0.7))}. */
public final class Chain implements GradientTransform {
  private final List<GradientTransform> links;
  private GradientObserver observer;

  public Chain(List<GradientTransform> links) {
    if (links.isEmpty()) throw new IllegalArgumentException("a chain needs at least one transform");
    this.links = List.copyOf(links);
  }

  public static Chain of(GradientTransform... links) { return new Chain(List.of(links)); }

  public List<GradientTransform> links() { return links; }

  /** Attaches an observer (null detaches); call before {@link #init}. */
  public Chain observe(GradientObserver observer) {
    this.observer = observer;
    return this;
  }

  @Override public void validate(ParamSet params) {
    for (GradientTransform t : links) t.validate(params);
  }

  @Override public void useWorkers(dev.egd.train.Workers workers) {
    for (GradientTransform t : links) t.useWorkers(workers);
  }

  @Override public void init(ParamSet params, long seed) {
    for (int i = 0; i < links.size(); i++) links.get(i).init(params, seed * 31 + i);
    if (observer != null) observer.init(params, links);
  }

  @Override public void update(ParamSet grads, ParamSet params, long step) {
    if (observer == null || !observer.wants(step)) {
      for (GradientTransform t : links) t.update(grads, params, step);
      return;
    }
    observer.before(grads, step);
    int last = links.size() - 1;
    for (int i = 0; i < last; i++) links.get(i).update(grads, params, step);
    observer.after(grads, step);
    links.get(last).update(grads, params, step);
  }

  @Override public void onEvaluation(double testAccuracy, long epoch) {
    for (GradientTransform t : links) t.onEvaluation(testAccuracy, epoch);
  }

  @Override public void saveState(dev.egd.util.State.Out out) throws java.io.IOException {
    out.tag("chain").i32(links.size());
    for (GradientTransform t : links) t.saveState(out.tag(t.getClass().getSimpleName()));
  }

  @Override public void loadState(dev.egd.util.State.In in) throws java.io.IOException {
    in.tag("chain");
    if (in.i32() != links.size()) throw new java.io.IOException("checkpoint does not match this run: another number of transforms");
    for (GradientTransform t : links) t.loadState(in.tag(t.getClass().getSimpleName()));
  }

  @Override public boolean reactsTo(double testAccuracy, long epoch) {
    for (GradientTransform t : links) if (t.reactsTo(testAccuracy, epoch)) return true;
    return false;
  }

  @Override public String describe() {
    return links.stream().map(GradientTransform::describe).collect(Collectors.joining(" -> "));
  }

  @Override public Map<String, Object> stats() {
    Map<String, Object> all = new LinkedHashMap<>();
    for (GradientTransform t : links) all.putAll(t.stats());
    return all;
  }

  @Override public boolean active() {
    for (GradientTransform t : links) if (!t.active()) return false;
    return true;
  }

  static List<GradientTransform> flatten(List<GradientTransform> in) {
    List<GradientTransform> out = new ArrayList<>();
    for (GradientTransform t : in) {
      if (t instanceof Chain) out.addAll(flatten(((Chain) t).links));
      else out.add(t);
    }
    return out;
  }
}
