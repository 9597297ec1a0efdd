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
      float max = rowMax(out, base, dim);
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

  /** The largest of a[o .. o + n), in eight lanes (vectorised); NaN if any is NaN. */
  static float rowMax(float[] a, int o, int n) {
    float m0 = Float.NEGATIVE_INFINITY, m1 = m0, m2 = m0, m3 = m0, m4 = m0, m5 = m0, m6 = m0, m7 = m0;
    int j = 0;
    for (; j + 8 <= n; j += 8) {
      m0 = Math.max(m0, a[o + j]);
      m1 = Math.max(m1, a[o + j + 1]);
      m2 = Math.max(m2, a[o + j + 2]);
      m3 = Math.max(m3, a[o + j + 3]);
      m4 = Math.max(m4, a[o + j + 4]);
      m5 = Math.max(m5, a[o + j + 5]);
      m6 = Math.max(m6, a[o + j + 6]);
      m7 = Math.max(m7, a[o + j + 7]);
    }
    for (; j < n; j++) m0 = Math.max(m0, a[o + j]);
    return Math.max(Math.max(Math.max(m0, m1), Math.max(m2, m3)), Math.max(Math.max(m4, m5), Math.max(m6, m7)));
  }

  @Override public String id() { return "cross-entropy"; }
}
