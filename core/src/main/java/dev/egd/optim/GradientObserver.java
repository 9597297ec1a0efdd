package dev.egd.optim;

import dev.egd.nn.ParamSet;
import java.util.List;

/**
 * Watches the gradient on its way through a {@link Chain} without changing it: the raw gradient
 * before the first link, and the direction the optimizer (the last link) receives. Attached with
 * {@link Chain#observe}; a chain without one pays a single null check per step.
 *
 * <p>An observer must only read the gradients and must not touch any transform's state, so that
 * training gives the same bits with or without it.
 */
public interface GradientObserver {
  /** Called from {@link Chain#init} with the layout and the chain's links (the optimizer last). */
  default void init(ParamSet params, List<GradientTransform> links) {}

  /** Whether to look at this step; when false, neither {@link #before} nor {@link #after} is called. */
  boolean wants(long step);

  /** The raw gradient of this step, before any link. */
  void before(ParamSet grads, long step);

  /** The gradient after every link but the optimizer: the direction the optimizer receives. */
  void after(ParamSet grads, long step);
}
