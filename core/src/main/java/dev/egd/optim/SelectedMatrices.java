package dev.egd.optim;

import dev.egd.nn.ParamSet;
import dev.egd.nn.Tensor;

/** The gradient matrices a per-matrix transform (EGD, randomized EGD, column normalisation) acts on. */
final class SelectedMatrices {
  final int[] indices;
  final String names;

  /** Throws IllegalArgumentException naming the selection when nothing matches. */
  SelectedMatrices(ParamSelector selector, ParamSet params) {
    indices = selector.select(params);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < indices.length; i++) sb.append(i == 0 ? "" : ",").append(params.get(indices[i]).name);
    names = sb.toString();
  }

  int count() { return indices.length; }

  /**
   * Runs body(i) for every selected matrix, spread over the workers when there are several matrices
   * and workers (matrix i goes to worker i mod n). Each matrix's work is sequential, so the result does
   * not depend on the number of workers.
   */
  void forEach(dev.egd.train.Workers workers, java.util.function.IntConsumer body) {
    int n = workers == null ? 1 : Math.min(workers.size(), indices.length);
    if (n <= 1) {
      for (int i = 0; i < indices.length; i++) body.accept(i);
      return;
    }
    pending = body;
    spreadOver = n;
    workers.run(spread); // allocated once: the step allocates nothing
  }

  private java.util.function.IntConsumer pending;
  private int spreadOver;
  private final java.util.function.IntConsumer spread = this::spreadPart;

  private void spreadPart(int w) {
    for (int i = w; i < indices.length; i += spreadOver) pending.accept(i);
  }

  Tensor tensor(ParamSet set, int i) { return set.get(indices[i]); }

  /** One scratch array per selected matrix, for out-of-place kernels. */
  float[][] scratch(ParamSet params) {
    float[][] out = new float[indices.length][];
    for (int i = 0; i < indices.length; i++) out[i] = new float[params.get(indices[i]).size()];
    return out;
  }
}
