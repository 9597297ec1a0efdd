package dev.egd.optim;

import dev.egd.nn.ParamSet;
import dev.egd.nn.Tensor;

/** Divides each column of the selected gradient matrices by max(its L2 norm, minNorm) (paper: 0.01). */
public final class ColumnNormalize implements GradientTransform {
  private final ParamSelector selector;
  private final float minNorm;
  private SelectedMatrices selected;
  private double[] norms;

  public ColumnNormalize(ParamSelector selector, double minNorm) {
    if (!(minNorm > 0)) throw new IllegalArgumentException("column-norm floor must be > 0: " + minNorm);
    this.selector = selector;
    this.minNorm = (float) minNorm;
  }

  @Override public void validate(ParamSet params) { new SelectedMatrices(selector, params); }

  @Override public void init(ParamSet params, long seed) {
    selected = new SelectedMatrices(selector, params);
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

  @Override public String describe() {
    return "colnorm(" + (selected == null ? selector : selected.names) + ", min=" + minNorm + ")";
  }
}
