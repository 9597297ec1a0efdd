package dev.egd.nn;

/**
 * A model as a forward/backward pair over flat row-major arrays, with per-thread workspaces.
 * The caller lays a batch out ({@link Batch}); the model never sees a data set.
 * <p>Threading: {@link #forward} and {@link #backward} may run on several threads at once, each with its own
 * {@link Workspace} and its own gradient set, while nobody writes the parameters.
 */
public interface Model {
  /** @return the model's parameters, the model's own tensors (an optimizer updates their arrays in place) */
  ParamSet params();

  /** @return outputs per example: the number of classes, or the width of a real-valued target */
  int outputDim();

  /**
   * Buffers for up to maxRows examples; one per thread.
   *
   * @param maxRows the most examples a batch given with it may hold
   * @return new buffers, for one thread
   */
  Workspace newWorkspace(int maxRows);

  /**
   * Buffers for forward passes only (evaluation): a model may skip what only backward needs.
   *
   * @param maxRows the most examples a batch given with it may hold
   * @return new buffers, for one thread, good for {@link #forward} only
   */
  default Workspace newEvalWorkspace(int maxRows) { return newWorkspace(maxRows); }

  /**
   * Outputs for the batch's examples into ws.out() ({@code batch.size x outputDim}).
   *
   * @param batch the examples, at most {@code ws.maxRows()}
   * @param ws this thread's buffers, which keep what {@link #backward} needs
   */
  void forward(Batch batch, Workspace ws);

  /**
   * After forward on the same batch: gradients from ws.dOut() overwrite grads.
   *
   * @param batch the batch the last {@link #forward} with {@code ws} saw
   * @param ws the same buffers, with {@code ws.dOut()} holding d(loss)/d(outputs)
   * @param grads a set of the parameters' layout ({@code params().zerosLike()}); every tensor overwritten
   */
  void backward(Batch batch, Workspace ws, ParamSet grads);

  /**
   * A one-line description of the architecture.
   *
   * @return e.g. the layer sizes and activation
   */
  String describe();

  /** A model's buffers for one thread. */
  interface Workspace {
    /** @return the outputs of the last forward pass, {@code batch.size x outputDim}, row-major */
    float[] out();

    /**
     * @return where the loss's gradient with respect to the outputs goes before {@link Model#backward}, the shape of
     *     {@link #out()}
     */
    float[] dOut();

    /** @return the most examples a batch given with these buffers may hold */
    int maxRows();
  }
}
