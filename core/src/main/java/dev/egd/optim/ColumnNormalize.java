package dev.egd.optim;

import dev.egd.Check;
import dev.egd.nn.ParamSet;
import dev.egd.nn.Tensor;

/** Divides each column of the selected gradient matrices by max(its L2 norm, minNorm) (paper: 0.01). */
final class ColumnNormalize implements GradientTransform, UpdateReport {
  private final ParamSelector selector;
  private final float minNorm;
  private SelectedMatrices selected;
  private double[] norms;

  ColumnNormalize(ParamSelector selector, double minNorm) {
    this.selector = selector;
    this.minNorm = (float) Check.positive("colnorm_min", minNorm);
  }

  @Override public void init(ParamSet params, InitContext context) {
    selected = new SelectedMatrices(selector, params, context.workers());
    int maxCols = 0;
    for (int i = 0; i < selected.count(); i++) maxCols = Math.max(maxCols, selected.tensor(params, i).cols);
    norms = new double[maxCols];
  }

  @Override public void update(ParamSet grads, ParamSet params, long step) {
    for (int i = 0; i < selected.count(); i++) {
      Tensor t = selected.tensor(grads, i);
      float[] g = t.data;
      int rows = t.rows, cols = t.cols;
      java.util.Arrays.fill(norms, 0, cols, 0.0);
      for (int r = 0; r < rows; r++) {
        int base = r * cols;
        for (int c = 0; c < cols; c++) norms[c] += (double) g[base + c] * g[base + c];
      }
      for (int c = 0; c < cols; c++) norms[c] = 1.0 / Math.max(Math.sqrt(norms[c]), minNorm);
      for (int r = 0; r < rows; r++) {
        int base = r * cols;
        for (int c = 0; c < cols; c++) g[base + c] *= (float) norms[c];
      }
    }
  }

  @Override public boolean rewrote(int param) { return selected != null && selected.position(param) >= 0; }

  @Override public String describe() {
    return "colnorm(" + (selected == null ? selector : selected.names) + ", min=" + minNorm + ")";
  }
}
