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
  /**
   * Called from the wrapper's init with the layout and the transforms watched (a chain's links, in order).
   *
   * @param params the parameters, whose layout the gradients have
   * @param watched the transforms watched, which the observer may ask for an {@link UpdateReport}
   */
  default void init(ParamSet params, List<GradientTransform> watched) {}

  /**
   * Whether to look at this step; when false, neither {@link #before} nor {@link #after} is called.
   *
   * @param step the update's index, from 0
   * @return whether to call {@link #before} and {@link #after} on this step
   */
  boolean wants(long step);

  /**
   * The gradient the watched transforms are about to receive.
   *
   * @param grads the gradient; read, not changed or kept
   * @param step the update's index, from 0
   */
  void before(ParamSet grads, long step);

  /**
   * The gradient after the watched transforms.
   *
   * @param grads what the watched transforms made of the gradient; read, not changed or kept
   * @param step the update's index, from 0
   */
  void after(ParamSet grads, long step);
}
