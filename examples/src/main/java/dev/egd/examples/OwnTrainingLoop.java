package dev.egd.examples;

import dev.egd.nn.ParamSet;
import dev.egd.nn.Tensor;
import dev.egd.optim.GradientTransform;
import dev.egd.optim.ParamSelector;
import dev.egd.optim.Transforms;
import java.util.Random;

/**
 * EGD in a training loop of one's own: a linear model Y = X W written here, on the caller's own
 * {@code float[]} weights, whose gradient is made egalitarian through the public API.
 *
 * <p>The inputs have two scales (half the features 100 times smaller than the others), so the
 * gradient's singular values spread over four orders of magnitude: plain gradient descent, at the
 * largest stable step, barely moves the small directions; EGD moves every direction at the same speed.
 */
public final class OwnTrainingLoop {
  static final int N = 256, IN = 8, OUT = 8;

  /**
   * The loss before training and after {@code steps} steps of plain GD and of EGD, and how far each
   * ended from the true weights (||W - W*|| / ||W*||): the small-scale directions barely show in the loss
   * but are half of W.
   */
  public record Outcome(double initialLoss, double gdLoss, double egdLoss, double gdError, double egdError) {}

  public static void main(String[] args) {
    Outcome o = run(200);
    System.out.printf("after 200 steps: loss %.2e -> plain GD %.2e, EGD %.2e; relative weight error plain GD %.3f, EGD %.3f%n",
        o.initialLoss(), o.gdLoss(), o.egdLoss(), o.gdError(), o.egdError());
  }

  public static Outcome run(int steps) {
    Random rnd = new Random(7);
    float[] x = new float[N * IN], target = new float[IN * OUT];
    for (int i = 0; i < N; i++) for (int j = 0; j < IN; j++) x[i * IN + j] = (float) (rnd.nextGaussian() * (j < IN / 2 ? 1.0 : 0.01));
    for (int i = 0; i < target.length; i++) target[i] = (float) rnd.nextGaussian();
    float[] y = matmul(x, target, N, IN, OUT);
    double initial = loss(new float[IN * OUT], x, y);
    float[] gd = train(x, y, steps, false), egd = train(x, y, steps, true);
    return new Outcome(initial, loss(gd, x, y), loss(egd, x, y), error(gd, target), error(egd, target));
  }

  static double error(float[] w, float[] target) {
    double d = 0, t = 0;
    for (int i = 0; i < w.length; i++) {
      d += (double) (w[i] - target[i]) * (w[i] - target[i]);
      t += (double) target[i] * target[i];
    }
    return Math.sqrt(d / t);
  }

  /** Trains W from zero; returns the weights. */
  static float[] train(float[] x, float[] y, int steps, boolean egd) {
    float[] w = new float[IN * OUT], g = new float[IN * OUT]; // the model's own arrays
    ParamSet params = ParamSet.of(Tensor.wrap("W", IN, OUT, w));  // no copy: the tensors are views of w and g
    ParamSet grads = ParamSet.of(Tensor.wrap("W", IN, OUT, g));
    GradientTransform step = egd
        ? Transforms.chain(Transforms.egd(ParamSelector.first()), Transforms.sgd(0.3))  // U V^T, then -lr * U V^T
        : Transforms.sgd(1.0);                                                          // the largest stable step here
    step.init(params, 0);
    double lr = 1;
    for (int t = 0; t < steps; t++) {
      gradient(w, x, y, g);            // the model computes its gradient into g...
      step.update(grads, params, t);   // ...the transforms rewrite it into the update...
      float scale = egd ? (float) lr : 1f; // (EGD's steps have a fixed size: decay them, as the paper's toy does)
      for (int i = 0; i < w.length; i++) w[i] += scale * g[i]; // ...which the loop adds to the weights
      lr *= 0.99;
    }
    return w;
  }

  /** g = d/dW of 0.5 / N * ||X W - Y||^2 = X^T (X W - Y) / N. */
  static void gradient(float[] w, float[] x, float[] y, float[] g) {
    float[] r = matmul(x, w, N, IN, OUT);
    for (int i = 0; i < r.length; i++) r[i] -= y[i];
    java.util.Arrays.fill(g, 0f);
    for (int n = 0; n < N; n++) for (int i = 0; i < IN; i++) for (int o = 0; o < OUT; o++) g[i * OUT + o] += x[n * IN + i] * r[n * OUT + o] / N;
  }

  static double loss(float[] w, float[] x, float[] y) {
    float[] r = matmul(x, w, N, IN, OUT);
    double s = 0;
    for (int i = 0; i < r.length; i++) s += (double) (r[i] - y[i]) * (r[i] - y[i]);
    return 0.5 * s / N;
  }

  static float[] matmul(float[] a, float[] b, int m, int k, int n) {
    float[] c = new float[m * n];
    for (int i = 0; i < m; i++) for (int p = 0; p < k; p++) for (int j = 0; j < n; j++) c[i * n + j] += a[i * k + p] * b[p * n + j];
    return c;
  }

  private OwnTrainingLoop() {}
}
