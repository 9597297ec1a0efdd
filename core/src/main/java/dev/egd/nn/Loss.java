package dev.egd.nn;

/** A per-example loss on model outputs, with its gradient. */
public interface Loss {
  /**
   * Adds the loss and correct-prediction counts of the outputs {@code out} ({@code batch.size x dim})
   * to stats; when dOut is not null, writes {@code scale * d(loss)/d(out)} into it.
   */
  void evaluate(float[] out, int dim, Batch batch, float[] dOut, float scale, LossStats stats);

  String id();
}
