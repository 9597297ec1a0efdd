package dev.egd.nn;

import dev.egd.data.Dataset;

/** Hinge loss max(0, 1 - y * out) of a scalar output against a +-1 target; accuracy is y * out &gt; 0. */
public final class Hinge implements Loss {
  @Override
  public void evaluate(float[] out, int n, int dim, Dataset d, int[] idx, int off, float[] dOut, float scale, LossStats stats) {
    double lossSum = 0;
    long correct = 0;
    for (int r = 0; r < n; r++) {
      float y = d.values[idx[off + r]];
      float margin = y * out[r];
      if (margin < 1f) lossSum += 1.0 - margin;
      if (margin > 0) correct++;
      if (dOut != null) dOut[r] = margin < 1f ? -scale * y : 0f;
    }
    stats.lossSum += lossSum;
    stats.correct += correct;
    stats.count += n;
  }

  @Override public String id() { return "hinge"; }
}
