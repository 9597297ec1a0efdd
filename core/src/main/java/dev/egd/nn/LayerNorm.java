package dev.egd.nn;

/** Row-wise layer normalisation, y = (x - mean) / sqrt(var + eps) * gain + bias, as torch.nn.LayerNorm. */
final class LayerNorm {
  static final float EPS = 1e-5f;

  private LayerNorm() {}

  /** Normalises rows of x (rows x d) into y; keeps xhat and rstd for the backward pass. */
  static void forward(float[] x, float[] y, float[] xhat, float[] rstd, float[] gain, float[] bias, int rows, int d) {
    for (int r = 0; r < rows; r++) {
      int o = r * d;
      double sum = 0;
      for (int j = 0; j < d; j++) sum += x[o + j];
      float mean = (float) (sum / d);
      double var = 0;
      for (int j = 0; j < d; j++) {
        float c = x[o + j] - mean;
        var += c * c;
      }
      float rs = (float) (1.0 / Math.sqrt(var / d + EPS));
      rstd[r] = rs;
      for (int j = 0; j < d; j++) {
        float xh = (x[o + j] - mean) * rs;
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
      double sumD = 0, sumDX = 0;
      for (int j = 0; j < d; j++) {
        float g = dy[o + j];
        dGain[j] += g * xhat[o + j];
        dBias[j] += g;
        float dxh = g * gain[j];
        sumD += dxh;
        sumDX += dxh * xhat[o + j];
      }
      float meanD = (float) (sumD / d), meanDX = (float) (sumDX / d), rs = rstd[r];
      for (int j = 0; j < d; j++) {
        float v = rs * (dy[o + j] * gain[j] - meanD - xhat[o + j] * meanDX);
        dx[o + j] = accumulate ? dx[o + j] + v : v;
      }
    }
  }
}
