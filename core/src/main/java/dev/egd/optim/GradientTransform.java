package dev.egd.optim;

import dev.egd.nn.ParamSet;
import dev.egd.util.State;
import java.io.IOException;

/**
 * A gradient transformation in the style of optax: it owns its state, knows nothing about the
 * model, and rewrites a gradient in place. Transforms compose with {@link Transforms#chain}; the
 * optimizer ({@link Transforms#sgd}, {@link Transforms#adam}, {@link Transforms#adamw}) is the last
 * link and turns the gradient into the update that the caller adds to the parameters.
 *
 * <p>The order of use, in a training loop of one's own:
 * <ol>
 *   <li>{@link #init(ParamSet, long)} once, with the parameters (their names, shapes and kinds are
 *       what selections match) and a seed for any random sketches; state and workspaces are
 *       allocated here, and selections and ranks are checked against the shapes;</li>
 *   <li>each step: compute the gradient into a {@link ParamSet} of the parameters' layout, call
 *       {@link #update(ParamSet, ParamSet, long)}, which rewrites it into the update;</li>
 *   <li>add the update to the parameters ({@link ParamSet#add}).</li>
 * </ol>
 * {@code update} allocates nothing. A transform is used by one thread at a time; it may spread its
 * own work over the threads {@link InitContext#workers()} hands it, with results that do not depend on
 * their number.
 */
public interface GradientTransform {
  /**
   * Allocates state for this parameter layout. Throws {@link dev.egd.ValidationException} when the
   * transform cannot run on it (a selection that matches nothing, a rank above a matrix's limit).
   *
   * @param params the parameters the updates are for (the transform may keep them, not copy them)
   * @param context seed, threads and test-accuracy signal
   */
  void init(ParamSet params, InitContext context);

  /**
   * {@link #init(ParamSet, InitContext)} on one thread, with a seed for random sketches and a fresh test-accuracy signal.
   *
   * @param params the parameters the updates are for
   * @param seed the seed of random sketches
   */
  default void init(ParamSet params, long seed) {
    init(params, InitContext.of(seed));
  }

  /**
   * Rewrites {@code grads} in place (same layout as {@code params}); {@code step} counts updates from
   * 0. After the last link of a chain, {@code grads} holds the update to add to {@code params}.
   *
   * @param grads the gradient, rewritten into the transformed gradient (or the update)
   * @param params the parameters, read only (for weight decay, say): the caller adds the update to them
   * @param step the update's index, from 0 (Adam's bias correction, warm-up)
   */
  void update(ParamSet grads, ParamSet params, long step);

  /**
   * A short description, e.g. {@code egd(W1, auto)}.
   *
   * @return the description, as a run's record shows it
   */
  String describe();

  /**
   * Writes everything later updates depend on (moments, filters, random streams, counters), after
   * {@link #init}; a transform restored with {@link #loadState} continues bit for bit. Stateless
   * transforms write nothing.
   *
   * @param out where the state goes
   * @throws IOException if writing fails
   */
  default void saveState(State.Out out) throws IOException {}

  /**
   * Restores what {@link #saveState} wrote, into a transform initialised on the same layout.
   *
   * @param in what {@link #saveState} wrote
   * @throws IOException if reading fails, or the state is not of this transform's layout
   */
  default void loadState(State.In in) throws IOException {}
}
