package dev.egd.bench;

import dev.egd.linalg.ExactEgd;
import dev.egd.linalg.RandomizedEgd;
import dev.egd.util.Rng;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One EGD transform of a gradient matrix, every variant on the shapes that matter: 194x512 (the
 * mod-97 MLP's W1), 128x512 and 512x128 (the transformer's MLP weights), 784x200 (MNIST's W1). The
 * gradient has a realistic spread of singular values (condition number ~300, as measured on mod-97).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xss4m"})
public class EgdBench {
  @Param({"194x512", "128x512", "512x128", "784x200"})
  public String shape;

  @Param({"gram64", "gram32", "svd", "auto", "rsvd64", "colnorm"})
  public String variant;

  int m, n;
  float[] g, out;
  ExactEgd exact;
  RandomizedEgd rsvd;
  Rng rng;

  @Setup public void setup() {
    String[] f = shape.split("x");
    m = Integer.parseInt(f[0]);
    n = Integer.parseInt(f[1]);
    g = conditioned(m, n, 300, new Rng(3));
    out = new float[m * n];
    rng = new Rng(4);
    switch (variant) {
      case "rsvd64": rsvd = new RandomizedEgd(m, n, Math.min(64, Math.min(m, n)), 2, 0, RandomizedEgd.Residual.DROP, 1e-6f); break;
      case "colnorm": break;
      default: exact = new ExactEgd(m, n, ExactEgd.Route.valueOf(variant.toUpperCase()), ExactEgd.DEFAULT_FLOOR);
    }
  }

  /** A random m x n matrix whose singular values fall geometrically from 1 to 1/cond. */
  static float[] conditioned(int m, int n, double cond, Rng rng) {
    int k = Math.min(m, n);
    float[] u = new float[m * k], tau = new float[k];
    rng.fillGaussian(u, u.length, 1);
    float[] vt = new float[n * k];
    rng.fillGaussian(vt, vt.length, 1);
    dev.egd.linalg.Blas.orthonormalizeColumns(m, k, u, tau);
    dev.egd.linalg.Blas.orthonormalizeColumns(n, k, vt, new float[k]);
    for (int i = 0; i < k; i++) {
      double s = Math.pow(cond, -(double) i / (k - 1));
      for (int r = 0; r < m; r++) u[r * k + i] *= (float) s;
    }
    float[] g = new float[m * n];
    dev.egd.linalg.Blas.gemm(false, true, m, n, k, 1f, u, k, vt, k, 0f, g, n);
    return g;
  }

  @Benchmark public float[] transform() {
    switch (variant) {
      case "rsvd64": rsvd.apply(g, out, rng); break;
      case "colnorm": colnorm(); break;
      default: exact.apply(g, out);
    }
    return out;
  }

  private void colnorm() {
    double[] norms = new double[n];
    for (int r = 0; r < m; r++) for (int c = 0; c < n; c++) norms[c] += (double) g[r * n + c] * g[r * n + c];
    for (int c = 0; c < n; c++) norms[c] = 1 / Math.max(Math.sqrt(norms[c]), 0.01);
    for (int r = 0; r < m; r++) for (int c = 0; c < n; c++) out[r * n + c] = (float) (g[r * n + c] * norms[c]);
  }
}
