package dev.egd.bench;

import dev.egd.linalg.Blas;
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
 * sgemm through egd's door to OpenBLAS (one thread) on the models' shapes: "m x n x k" with the
 * transposes the models use. peak-512 is the machine's reference rate for the limit table.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xss4m"})
public class GemmBench {
  /** name:m:n:k:transA:transB */
  @Param({
      "peak-512:512:512:512:N:N",
      "mlp-fwd-out:512:97:512:N:N",
      "mlp-bwd-dW2:512:97:512:T:N",
      "mlp-bwd-dh:512:512:97:N:T",
      "egd-gram-194x512:194:194:512:N:T",
      "egd-apply-194x512:194:512:194:N:N",
      "tf-attn-in:2048:384:128:N:N",
      "tf-fc1:2048:512:128:N:N",
      "tf-fc2:2048:128:512:N:N",
      "mnist-fwd-W1:200:200:784:N:N",
      "mnist-bwd-dW1:784:200:200:T:N",
  })
  public String shape;

  int m, n, k;
  boolean ta, tb;
  float[] a, b, c;

  @Setup public void setup() {
    String[] f = shape.split(":");
    m = Integer.parseInt(f[1]);
    n = Integer.parseInt(f[2]);
    k = Integer.parseInt(f[3]);
    ta = f[4].equals("T");
    tb = f[5].equals("T");
    Rng rng = new Rng(1);
    a = new float[m * k];
    b = new float[k * n];
    c = new float[m * n];
    rng.fillGaussian(a, a.length, 1);
    rng.fillGaussian(b, b.length, 1);
  }

  @Benchmark public float[] gemm() {
    Blas.gemm(ta, tb, m, n, k, 1f, a, ta ? m : k, b, tb ? k : n, 0f, c, n);
    return c;
  }

  /** Floating-point operations of one call (2mnk), for the limit table. */
  public static double flops(String shape) {
    String[] f = shape.split(":");
    return 2.0 * Double.parseDouble(f[1]) * Double.parseDouble(f[2]) * Double.parseDouble(f[3]);
  }
}
