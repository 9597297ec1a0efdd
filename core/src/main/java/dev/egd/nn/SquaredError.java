package dev.egd.nn;

/**
 * Squared error of a scalar output against a +-1 target, (out - y)^2 per example (the EGD paper's
 * parity loss, which its code calls hinge); accuracy is sign agreement, y * out &gt; 0.
 */
public final class SquaredError implements Loss {
  @Override
  public void evaluate(float[] out, int dim, Batch batch, float[] dOut, float scale, LossStats stats) {
    int n = batch.size;
    double lossSum = 0;
    long correct = 0;
    for (int r = 0; r < n; r++) {
      float y = batch.targets[r];
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
