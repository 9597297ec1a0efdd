package dev.egd.optim;

import dev.egd.Check;
import dev.egd.nn.ParamSet;
import dev.egd.util.State;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs a transform only while test accuracy has not passed a threshold; afterwards gradients pass
 * through unchanged. It reads the accuracy from the {@link TestAccuracy} signal of its
 * {@link InitContext}, which the training loop writes after every evaluation.
 */
final class SwitchOff implements GradientTransform, Switchable, Reporting, UpdateReport {
  private final GradientTransform inner;
  private final double threshold;
  private final SwitchOffMode mode;
  private TestAccuracy signal;
  private boolean on = true, ranLast;
  private long activeSteps, offSinceEpoch = -1;

  SwitchOff(GradientTransform inner, double threshold, SwitchOffMode mode) {
    this.inner = inner;
    this.threshold = Check.fraction("switch_off", threshold);
    this.mode = mode;
  }

  @Override public void init(ParamSet params, InitContext context) {
    signal = context.testAccuracy();
    inner.init(params, context);
  }

  /** Applies the rule to the latest reported accuracy (the signal changes only between steps). */
  private void judge() {
    double acc = signal.latest();
    boolean above = acc > threshold;
    if (on && above) offSinceEpoch = signal.epoch();
    if (mode == SwitchOffMode.STICKY) on = on && !above;
    else on = !above;
  }

  @Override public void update(ParamSet grads, ParamSet params, long step) {
    judge();
    ranLast = on;
    if (on) {
      inner.update(grads, params, step);
      activeSteps++;
    }
  }

  @Override public boolean active() {
    judge();
    return on;
  }

  @Override public void saveState(State.Out out) throws IOException {
    out.bool(on).i64(activeSteps).i64(offSinceEpoch);
    inner.saveState(out.tag(inner.getClass().getSimpleName()));
  }

  @Override public void loadState(State.In in) throws IOException {
    on = in.bool();
    activeSteps = in.i64();
    offSinceEpoch = in.i64();
    inner.loadState(in.tag(inner.getClass().getSimpleName()));
  }

  GradientTransform inner() { return inner; }

  @Override public String describe() {
    return inner.describe() + " until test acc > " + threshold + (mode == SwitchOffMode.RECHECK ? " (re-checked)" : "");
  }

  @Override public Map<String, Object> stats() {
    Map<String, Object> m = new LinkedHashMap<>(inner instanceof Reporting ? ((Reporting) inner).stats() : Map.of());
    m.put("preconditioned_steps", activeSteps);
    m.put("switched_off_after_epoch", offSinceEpoch < 0 ? null : offSinceEpoch);
    return m;
  }

  private UpdateReport report() { return inner instanceof UpdateReport ? (UpdateReport) inner : null; }

  @Override public boolean rewrote(int param) { return ranLast && (report() == null || report().rewrote(param)); }

  @Override public float[] inputSingularValues(int param) { return ranLast && report() != null ? report().inputSingularValues(param) : null; }

  @Override public String decomposition(int param) { return ranLast && report() != null ? report().decomposition(param) : null; }

  @Override public boolean outputSingularValues(int param, double[] out) {
    return ranLast && report() != null && report().outputSingularValues(param, out);
  }
}
