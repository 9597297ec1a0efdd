package dev.egd.nn;

/** A per-example loss on model outputs, with its gradient. */
public interface Loss {
  /**
   * Adds the loss and correct-prediction counts of the outputs {@code out} ({@code batch.size x dim})
   * to stats; when dOut is not null, writes {@code scale * d(loss)/d(out)} into it.
   * Implementations keep no state, so one loss serves every thread.
   *
   * @param out the outputs, {@code batch.size x dim}, row-major; read only
   * @param dim outputs per example
   * @param batch the examples, for their labels or targets
   * @param dOut null to skip the gradient, else {@code batch.size x dim} floats, overwritten
   * @param scale the gradient's factor, e.g. 1 / batch size for a mean loss
   * @param stats the sums the batch's loss and counts are added to
   */
  void evaluate(float[] out, int dim, Batch batch, float[] dOut, float scale, LossStats stats);

  /** @return the loss's name in a run's record: {@code cross-entropy}, {@code mse}, {@code hinge}, {@code squared-error} */
  String id();
}
