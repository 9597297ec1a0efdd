package dev.egd.optim;

import dev.egd.nn.ParamSet;
import dev.egd.nn.Tensor;
import dev.egd.util.Workers;
import java.util.function.IntConsumer;

/** The gradient matrices a per-matrix transform (EGD, randomized EGD, column normalisation) acts on. */
final class SelectedMatrices {
  final int[] indices;
  final String names;
  private final Workers workers;
  private final int spreadOver;
  private IntConsumer pending;
  private final IntConsumer spread = this::spreadPart;

  /** Throws a ValidationException naming the selection when nothing matches. */
  SelectedMatrices(ParamSelector selector, ParamSet params, Workers workers) {
    indices = selector.select(params);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < indices.length; i++) sb.append(i == 0 ? "" : ",").append(params.get(indices[i]).name);
    names = sb.toString();
    this.workers = workers;
    this.spreadOver = Math.min(workers.size(), indices.length);
  }

  int count() { return indices.length; }

  /** The position of parameter {@code param} among the selected, or -1. */
  int position(int param) {
    for (int i = 0; i < indices.length; i++) if (indices[i] == param) return i;
    return -1;
  }

  /**
   * Runs body(i) for every selected matrix, spread over the workers when there are several matrices
   * and workers (matrix i goes to worker i mod n). Each matrix's work is sequential, so the result does
   * not depend on the number of workers.
   */
  void forEach(IntConsumer body) {
    if (spreadOver <= 1) {
      for (int i = 0; i < indices.length; i++) body.accept(i);
      return;
    }
    pending = body;
    workers.run(spread);
  }

  private void spreadPart(int w) {
    if (w >= spreadOver) return;
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
