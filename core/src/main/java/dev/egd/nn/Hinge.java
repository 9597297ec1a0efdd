package dev.egd.nn;

/** Hinge loss max(0, 1 - y * out) of a scalar output against a +-1 target; accuracy is y * out &gt; 0. */
public final class Hinge implements Loss {
  @Override
  public void evaluate(float[] out, int dim, Batch batch, float[] dOut, float scale, LossStats stats) {
    int n = batch.size;
    double lossSum = 0;
    long correct = 0;
    for (int r = 0; r < n; r++) {
      float y = batch.targets[r];
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
