package dev.egd.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.DoubleSupplier;

/** Central finite differences of a scalar loss over the entries of one array, against an analytic gradient. */
final class FiniteDifferences {
  private FiniteDifferences() {}

  /**
   * For each of the first n entries of x: (loss(x + h) - loss(x - h)) / 2h against analytic[i], within
   * rel * |numeric| + abs * (the largest |analytic| entry) + 1e-5. Returns the entries checked.
   */
  static int check(String name, float[] x, int n, float[] analytic, DoubleSupplier loss, float h, double rel, double abs) {
    double scale = 0;
    for (int i = 0; i < n; i++) scale = Math.max(scale, Math.abs(analytic[i]));
    for (int i = 0; i < n; i++) {
      float orig = x[i];
      x[i] = orig + h;
      double up = loss.getAsDouble();
      x[i] = orig - h;
      double down = loss.getAsDouble();
      x[i] = orig;
      double numeric = (up - down) / ((double) (orig + h) - (orig - h));
      double err = Math.abs(analytic[i] - numeric);
      assertTrue(err <= rel * Math.abs(numeric) + abs * scale + 1e-5,
          name + "[" + i + "]: analytic " + analytic[i] + " vs numeric " + numeric + " (largest " + scale + ")");
    }
    return n;
  }

  /** sum_i c[i] y[i] + y[i]^2 / 2 over the first n entries, in double: a loss whose gradient is c + y. */
  static double quadratic(float[] y, float[] c, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) s += c[i] * (double) y[i] + 0.5 * (double) y[i] * y[i];
    return s;
  }

  /** dy = c + y, the gradient of {@link #quadratic}. */
  static void quadraticGradient(float[] y, float[] c, int n, float[] dy) {
    for (int i = 0; i < n; i++) dy[i] = c[i] + y[i];
  }
}
