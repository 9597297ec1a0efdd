package dev.egd.nn;

import dev.egd.data.Dataset;

/** A per-example loss on model outputs, with its gradient. */
public interface Loss {
  /**
   * Adds the loss and correct-prediction counts of the n outputs in {@code out} (n x dim, for
   * examples idx[off .. off+n) of d) to stats; when dOut is not null, writes
   * {@code scale * d(loss)/d(out)} into it.
   */
  void evaluate(float[] out, int n, int dim, Dataset d, int[] idx, int off, float[] dOut, float scale, LossStats stats);

  String id();
}
