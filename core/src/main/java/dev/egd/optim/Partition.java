package dev.egd.optim;

import dev.egd.nn.ParamSet;
import dev.egd.nn.Tensor;
import dev.egd.util.State;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Two transforms over disjoint parts of the parameters (optax's {@code partition}): the selected
 * ones get {@code forSelected}, the rest {@code forRest}. Each is initialised on, and updates, a
 * parameter set of its own part only (views of the same tensors, in layout order), so each may be a
 * whole chain ending in its own optimizer, e.g. Muon for the hidden matrices and AdamW for the rest.
 * Made by {@link Transforms#partition}.
 */
final class Partition implements GradientTransform, Reporting, Switchable {
  private final ParamSelector selector;
  private final GradientTransform forSelected, forRest;
  private int[] selected, rest;
  private ParamSet paramsSel, paramsRest, gradsSel, gradsRest;
  private ParamSet lastParams, lastGrads;

  Partition(ParamSelector selector, GradientTransform forSelected, GradientTransform forRest) {
    if (selector == null || forSelected == null || forRest == null) throw new NullPointerException("partition needs a selector and two transforms");
    this.selector = selector;
    this.forSelected = forSelected;
    this.forRest = forRest;
  }

  @Override public void init(ParamSet params, InitContext context) {
    selected = selector.select(params);
    boolean[] in = new boolean[params.count()];
    for (int i : selected) in[i] = true;
    List<Integer> r = new ArrayList<>();
    for (int i = 0; i < in.length; i++) if (!in[i]) r.add(i);
    rest = r.stream().mapToInt(Integer::intValue).toArray();
    lastParams = params;
    paramsSel = subset(params, selected);
    paramsRest = subset(params, rest);
    lastGrads = null;
    forSelected.init(paramsSel, context);
    if (rest.length > 0) forRest.init(paramsRest, context);
  }

  private static ParamSet subset(ParamSet all, int[] which) {
    List<Tensor> t = new ArrayList<>(which.length);
    for (int i : which) t.add(all.get(i));
    return new ParamSet(t);
  }

  @Override public void update(ParamSet grads, ParamSet params, long step) {
    if (params != lastParams) {
      lastParams = params;
      paramsSel = subset(params, selected);
      paramsRest = subset(params, rest);
    }
    if (grads != lastGrads) { // the loop's gradient set is usually the same object every step: views built once
      lastGrads = grads;
      gradsSel = subset(grads, selected);
      gradsRest = subset(grads, rest);
    }
    forSelected.update(gradsSel, paramsSel, step);
    if (rest.length > 0) forRest.update(gradsRest, paramsRest, step);
  }

  @Override public void saveState(State.Out out) throws IOException {
    out.tag("partition").i32(selected.length);
    forSelected.saveState(out.tag(forSelected.getClass().getSimpleName()));
    forRest.saveState(out.tag(forRest.getClass().getSimpleName()));
  }

  @Override public void loadState(State.In in) throws IOException {
    in.tag("partition");
    if (in.i32() != selected.length) throw new IOException("checkpoint does not match this run: another partition of the parameters");
    forSelected.loadState(in.tag(forSelected.getClass().getSimpleName()));
    forRest.loadState(in.tag(forRest.getClass().getSimpleName()));
  }

  @Override public String describe() {
    return "partition(" + selector + ": " + forSelected.describe() + "; rest: " + forRest.describe() + ")";
  }

  @Override public Map<String, Object> stats() {
    Map<String, Object> m = new LinkedHashMap<>();
    if (forSelected instanceof Reporting) m.putAll(((Reporting) forSelected).stats());
    if (forRest instanceof Reporting) m.putAll(((Reporting) forRest).stats());
    return m;
  }

  @Override public boolean active() {
    return (!(forSelected instanceof Switchable) || ((Switchable) forSelected).active())
        && (!(forRest instanceof Switchable) || ((Switchable) forRest).active());
  }
}
