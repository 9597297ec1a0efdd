package dev.egd.optim;

import dev.egd.nn.ParamSet;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs a transform only while test accuracy has not passed a threshold; afterwards gradients pass
 * through unchanged (so plain SGD continues).
 *
 * <p>{@link Mode#STICKY} (default): once the threshold is exceeded the transform stays off.
 * {@link Mode#RECHECK}: the paper's rule, re-evaluated after every evaluation: the transform is on
 * exactly while the latest test accuracy is at or below the threshold.
 */
public final class SwitchOff implements GradientTransform {
  public enum Mode { STICKY, RECHECK }

  private final GradientTransform inner;
  private final double threshold;
  private final Mode mode;
  private boolean on = true;
  private long activeSteps, offSinceEpoch = -1;

  public SwitchOff(GradientTransform inner, double threshold, Mode mode) {
    if (!(threshold > 0 && threshold <= 1)) throw new IllegalArgumentException("--switch-off must be in (0, 1]: " + threshold);
    this.inner = inner;
    this.threshold = threshold;
    this.mode = mode;
  }

  @Override public void validate(ParamSet params) { inner.validate(params); }

  @Override public void useWorkers(dev.egd.train.Workers workers) { inner.useWorkers(workers); }

  @Override public void init(ParamSet params, long seed) { inner.init(params, seed); }

  @Override public void update(ParamSet grads, ParamSet params, long step) {
    if (on) {
      inner.update(grads, params, step);
      activeSteps++;
    }
  }

  @Override public void onEvaluation(double testAccuracy, long epoch) {
    boolean above = testAccuracy > threshold;
    if (mode == Mode.STICKY) {
      if (on && above) {
        on = false;
        offSinceEpoch = epoch;
      }
    } else {
      if (on && above) offSinceEpoch = epoch;
      on = !above;
    }
    inner.onEvaluation(testAccuracy, epoch);
  }

  @Override public boolean active() { return on; }

  @Override public boolean reactsTo(double testAccuracy, long epoch) {
    boolean above = testAccuracy > threshold;
    return (mode == Mode.STICKY ? on && above : on == above) || inner.reactsTo(testAccuracy, epoch);
  }

  @Override public void saveState(dev.egd.util.State.Out out) throws java.io.IOException {
    out.bool(on).i64(activeSteps).i64(offSinceEpoch);
    inner.saveState(out.tag(inner.getClass().getSimpleName()));
  }

  @Override public void loadState(dev.egd.util.State.In in) throws java.io.IOException {
    on = in.bool();
    activeSteps = in.i64();
    offSinceEpoch = in.i64();
    inner.loadState(in.tag(inner.getClass().getSimpleName()));
  }

  public GradientTransform inner() { return inner; }

  @Override public String describe() {
    return inner.describe() + " until test acc > " + threshold + (mode == Mode.RECHECK ? " (re-checked)" : "");
  }

  @Override public Map<String, Object> stats() {
    Map<String, Object> m = new LinkedHashMap<>(inner.stats());
    m.put("preconditioned_steps", activeSteps);
    m.put("switched_off_after_epoch", offSinceEpoch < 0 ? null : offSinceEpoch);
    return m;
  }
}
