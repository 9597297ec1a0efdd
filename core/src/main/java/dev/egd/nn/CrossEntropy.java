package dev.egd.nn;

/** Softmax cross-entropy against class labels; accuracy by arg-max (first maximum wins). */
public final class CrossEntropy implements Loss {
  /** Per-thread scratch: the exponentials when no gradient is wanted, exp's exponents, row maxima. */
  private final ThreadLocal<float[][]> scratch = ThreadLocal.withInitial(() -> new float[3][0]);

  @Override
  public void evaluate(float[] out, int dim, Batch batch, float[] dOut, float scale, LossStats stats) {
    int n = batch.size;
    float[][] s = scratch.get();
    int size = n * dim;
    if (s[1].length < size) {
      s[0] = new float[size];
      s[1] = new float[size];
    }
    if (s[2].length < n) s[2] = new float[n];
    float[] maxes = s[2];
    float[] e = dOut != null ? dOut : s[0];
    long correct = 0;
    for (int r = 0; r < n; r++) {
      int base = r * dim;
      float max = VecMath.max(out, base, dim);
      maxes[r] = max;
      int arg = 0;
      while (arg < dim - 1 && out[base + arg] != max) arg++; // the first maximum wins
      if (arg == batch.labels[r]) correct++;
      for (int j = 0; j < dim; j++) e[base + j] = out[base + j] - max;
    }
    VecMath.expInPlace(e, s[1], size);
    double lossSum = 0;
    for (int r = 0; r < n; r++) {
      int base = r * dim;
      int label = batch.labels[r];
      float sum = VecMath.sum(e, base, dim);
      lossSum += Math.log(sum) - (out[base + label] - maxes[r]);
      if (dOut != null) {
        float f = scale / sum;
        for (int j = 0; j < dim; j++) dOut[base + j] *= f;
        dOut[base + label] -= scale;
      }
    }
    stats.lossSum += lossSum;
    stats.correct += correct;
    stats.count += n;
  }

  @Override public String id() { return "cross-entropy"; }
}
