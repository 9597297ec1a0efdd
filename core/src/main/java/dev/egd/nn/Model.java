package dev.egd.nn;

import dev.egd.data.Dataset;

/** A model as a forward/backward pair over flat arrays, with per-thread workspaces. */
public interface Model {
  ParamSet params();

  int outputDim();

  /** Buffers for up to maxRows examples; one per thread. */
  Workspace newWorkspace(int maxRows);

  /** Buffers for forward passes only (evaluation): a model may skip what only backward needs. */
  default Workspace newEvalWorkspace(int maxRows) { return newWorkspace(maxRows); }

  /** Outputs for examples idx[off .. off+n) of d into ws.out(). */
  void forward(Dataset d, int[] idx, int off, int n, Workspace ws);

  /** After forward on the same examples: gradients from ws.dOut() overwrite grads. */
  void backward(Dataset d, int[] idx, int off, int n, Workspace ws, ParamSet grads);

  /**
   * A model of the same architecture with its own parameters (values unspecified), used to evaluate a
   * snapshot on another thread while training goes on; null when the model does not support it.
   */
  default Model replica() { return null; }

  /** A one-line description of the architecture. */
  String describe();

  interface Workspace {
    float[] out();

    float[] dOut();

    int maxRows();
  }
}
