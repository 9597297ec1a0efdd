package dev.egd.nn;

/**
 * Row-wise layer normalisation, y = (x - mean) / sqrt(var + eps) * gain + bias, as torch.nn.LayerNorm.
 *
 * <p>Row sums are {@link VecMath}'s eight-accumulator reductions (Java's strict order of a single
 * running sum keeps C2 from vectorising a reduction, eight independent ones it packs into one vector
 * register). Element-wise passes are kept free of reductions for the same reason.
 */
final class LayerNorm {
  static final float EPS = 1e-5f;

  private LayerNorm() {}

  /** Normalises rows of x (rows x d) into y; keeps xhat and rstd for the backward pass. */
  static void forward(float[] x, float[] y, float[] xhat, float[] rstd, float[] gain, float[] bias, int rows, int d) {
    for (int r = 0; r < rows; r++) {
      int o = r * d;
      float mean = VecMath.sum(x, o, d) / d;
      for (int j = 0; j < d; j++) xhat[o + j] = x[o + j] - mean;
      float var = VecMath.sumOfSquares(xhat, o, d) / d;
      float rs = (float) (1.0 / Math.sqrt(var + EPS));
      rstd[r] = rs;
      for (int j = 0; j < d; j++) {
        float xh = xhat[o + j] * rs;
        xhat[o + j] = xh;
        y[o + j] = xh * gain[j] + bias[j];
      }
    }
  }

  /**
   * From dy: adds the input gradient into dx (accumulate: true) or writes it (false), and adds the
   * gain and bias gradients into dGain, dBias.
   */
  static void backward(float[] dy, float[] xhat, float[] rstd, float[] gain, float[] dx, float[] dGain, float[] dBias,
      int rows, int d, boolean accumulate) {
    for (int r = 0; r < rows; r++) {
      int o = r * d;
      float d0 = 0, d1 = 0, d2 = 0, d3 = 0, x0 = 0, x1 = 0, x2 = 0, x3 = 0;
      int j = 0;
      for (; j + 4 <= d; j += 4) {
        float g0 = dy[o + j] * gain[j], g1 = dy[o + j + 1] * gain[j + 1], g2 = dy[o + j + 2] * gain[j + 2], g3 = dy[o + j + 3] * gain[j + 3];
        d0 += g0;
        d1 += g1;
        d2 += g2;
        d3 += g3;
        x0 += g0 * xhat[o + j];
        x1 += g1 * xhat[o + j + 1];
        x2 += g2 * xhat[o + j + 2];
        x3 += g3 * xhat[o + j + 3];
      }
      for (; j < d; j++) {
        float g0 = dy[o + j] * gain[j];
        d0 += g0;
        x0 += g0 * xhat[o + j];
      }
      for (int k = 0; k < d; k++) {
        float g = dy[o + k];
        dGain[k] += g * xhat[o + k];
        dBias[k] += g;
      }
      float meanD = ((d0 + d1) + (d2 + d3)) / d, meanDX = ((x0 + x1) + (x2 + x3)) / d, rs = rstd[r];
      if (accumulate) {
        for (int k = 0; k < d; k++) dx[o + k] += rs * (dy[o + k] * gain[k] - meanD - xhat[o + k] * meanDX);
      } else {
        for (int k = 0; k < d; k++) dx[o + k] = rs * (dy[o + k] * gain[k] - meanD - xhat[o + k] * meanDX);
      }
    }
  }
}
