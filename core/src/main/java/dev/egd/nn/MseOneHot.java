package dev.egd.nn;

/**
 * Mean squared error against one-hot targets, averaged over the classes (so that the batch mean
 * equals torch's MSELoss over batch x classes); accuracy by arg-max.
 */
public final class MseOneHot implements Loss {
  @Override
  public void evaluate(float[] out, int dim, Batch batch, float[] dOut, float scale, LossStats stats) {
    int n = batch.size;
    double lossSum = 0;
    long correct = 0;
    float g = 2f * scale / dim;
    for (int r = 0; r < n; r++) {
      int base = r * dim, label = batch.labels[r];
      int arg = 0;
      double sq = 0;
      for (int j = 0; j < dim; j++) {
        float o = out[base + j];
        if (o > out[base + arg]) arg = j;
        float diff = o - (j == label ? 1f : 0f);
        sq += (double) diff * diff;
        if (dOut != null) dOut[base + j] = g * diff;
      }
      lossSum += sq / dim;
      if (arg == label) correct++;
    }
    stats.lossSum += lossSum;
    stats.correct += correct;
    stats.count += n;
  }

  @Override public String id() { return "mse"; }
}
