package dev.egd.nn;

/**
 * A model as a forward/backward pair over flat row-major arrays, with per-thread workspaces.
 * The caller lays a batch out ({@link Batch}); the model never sees a data set.
 */
public interface Model {
  ParamSet params();

  int outputDim();

  /** Buffers for up to maxRows examples; one per thread. */
  Workspace newWorkspace(int maxRows);

  /** Buffers for forward passes only (evaluation): a model may skip what only backward needs. */
  default Workspace newEvalWorkspace(int maxRows) { return newWorkspace(maxRows); }

  /** Outputs for the batch's examples into ws.out() ({@code batch.size x outputDim}). */
  void forward(Batch batch, Workspace ws);

  /** After forward on the same batch: gradients from ws.dOut() overwrite grads. */
  void backward(Batch batch, Workspace ws, ParamSet grads);

  /** A one-line description of the architecture. */
  String describe();

  /** A model's buffers for one thread. */
  interface Workspace {
    float[] out();

    float[] dOut();

    int maxRows();
  }
}
