package dev.egd.nn;

import dev.egd.data.Dataset;

/**
 * Squared error of a scalar output against a +-1 target, (out - y)^2 per example (the EGD paper's
 * parity loss, which its code calls hinge); accuracy is sign agreement, y * out &gt; 0.
 */
public final class SquaredError implements Loss {
  @Override
  public void evaluate(float[] out, int n, int dim, Dataset d, int[] idx, int off, float[] dOut, float scale, LossStats stats) {
    double lossSum = 0;
    long correct = 0;
    for (int r = 0; r < n; r++) {
      float y = d.values[idx[off + r]];
      float o = out[r];
      float diff = o - y;
      lossSum += (double) diff * diff;
      if (y * o > 0) correct++;
      if (dOut != null) dOut[r] = 2f * scale * diff;
    }
    stats.lossSum += lossSum;
    stats.correct += correct;
    stats.count += n;
  }

  @Override public String id() { return "squared-error"; }
}
