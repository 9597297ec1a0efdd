package dev.egd.optim;

import dev.egd.nn.ParamSet;
import java.util.Map;

/**
 * A gradient transformation in the style of optax: it owns its state, knows nothing about the
 * model, and rewrites a gradient in place. Transforms compose with {@link Chain}; the optimizer is
 * the last link and turns the gradient into the update that is added to the parameters.
 *
 * <p>Life cycle: {@link #init} once with the parameter layout (allocate state and workspaces there),
 * then {@link #update} every step, which should allocate nothing.
 */
public interface GradientTransform {
  /**
   * Checks, without allocating state, that this transform can run on this parameter layout
   * (selections match, ranks fit); throws IllegalArgumentException naming the flag otherwise.
   */
  default void validate(ParamSet params) {}

  void init(ParamSet params, long seed);

  /**
   * Threads the transform may use for independent pieces of work (one matrix each, say); the trainer
   * hands over its own before {@link #init}. Results must not depend on how many there are.
   */
  default void useWorkers(dev.egd.train.Workers workers) {}

  /** Rewrites grads in place; {@code step} counts updates from 0. */
  void update(ParamSet grads, ParamSet params, long step);

  /** Told after every evaluation; switch-off policies listen here. */
  default void onEvaluation(double testAccuracy, long epoch) {}

  /**
   * Whether {@link #onEvaluation} with these arguments would change what later updates do (a
   * switch-off turning off or on). When it would not, a trainer may tell the transform late, after
   * steps it has already taken; when it would, the trainer first rolls those steps back.
   */
  default boolean reactsTo(double testAccuracy, long epoch) { return false; }

  /** A short description, e.g. {@code egd(W1, auto)}. */
  String describe();

  /** Counters worth reporting (routes taken, steps active...), keyed by name. */
  default Map<String, Object> stats() { return Map.of(); }

  /**
   * Writes everything {@link #update} and {@link #onEvaluation} depend on (filters, moments, random
   * streams, counters), after {@link #init}; a transform restored with {@link #loadState} continues
   * bit for bit. Stateless transforms write nothing.
   */
  default void saveState(dev.egd.util.State.Out out) throws java.io.IOException {}

  /** Restores what {@link #saveState} wrote, into a transform initialised on the same layout. */
  default void loadState(dev.egd.util.State.In in) throws java.io.IOException {}

  /** Whether this transform (or any part of it) still changes gradients: false once switched off. */
  default boolean active() { return true; }
}
