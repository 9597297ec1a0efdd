package dev.egd.nn;

import dev.egd.data.Dataset;

/** Softmax cross-entropy against class labels; accuracy by arg-max (first maximum wins). */
public final class CrossEntropy implements Loss {
  @Override
  public void evaluate(float[] out, int n, int dim, Dataset d, int[] idx, int off, float[] dOut, float scale, LossStats stats) {
    double lossSum = 0;
    long correct = 0;
    for (int r = 0; r < n; r++) {
      int base = r * dim;
      int label = d.labels[idx[off + r]];
      float max = out[base];
      int arg = 0;
      for (int j = 1; j < dim; j++) {
        if (out[base + j] > max) {
          max = out[base + j];
          arg = j;
        }
      }
      if (arg == label) correct++;
      double sum = 0;
      if (dOut != null) {
        for (int j = 0; j < dim; j++) {
          float e = (float) Math.exp(out[base + j] - max);
          dOut[base + j] = e;
          sum += e;
        }
        float f = (float) (scale / sum);
        for (int j = 0; j < dim; j++) dOut[base + j] *= f;
        dOut[base + label] -= scale;
      } else {
        for (int j = 0; j < dim; j++) sum += Math.exp(out[base + j] - max);
      }
      lossSum += Math.log(sum) - (out[base + label] - max);
    }
    stats.lossSum += lossSum;
    stats.correct += correct;
    stats.count += n;
  }

  @Override public String id() { return "cross-entropy"; }
}
