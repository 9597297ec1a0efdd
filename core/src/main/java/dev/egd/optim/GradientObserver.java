package dev.egd.optim;

import dev.egd.nn.ParamSet;
import java.util.List;

/**
 * Watches a gradient on its way through the transforms it is wrapped around
 * ({@link Transforms#observed}) without changing it: {@link #before} sees the gradient they receive,
 * {@link #after} what they made of it. A step the observer does not want costs one call to
 * {@link #wants}.
 *
 * <p>An observer only reads: training gives the same bits with or without it.
 */
public interface GradientObserver {
  /** Called from the wrapper's init with the layout and the transforms watched (a chain's links, in order). */
  default void init(ParamSet params, List<GradientTransform> watched) {}

  /** Whether to look at this step; when false, neither {@link #before} nor {@link #after} is called. */
  boolean wants(long step);

  /** The gradient the watched transforms are about to receive. */
  void before(ParamSet grads, long step);

  /** The gradient after the watched transforms. */
  void after(ParamSet grads, long step);
}
