package dev.egd.nn;

/**
 * A named row-major float32 matrix (a vector is 1 x n) that owns its array.
 *
 * <p>Each tensor owns an exactly-sized array rather than being a view into one big buffer: OpenBLAS
 * is reached through JavaCPP, which copies a whole Java array on every native call.
 */
public final class Tensor {
  /** What a parameter is, which decides what transforms and weight decay touch it. */
  public enum Kind { WEIGHT, BIAS, EMBEDDING, GAIN }

  public final String name;
  public final int rows, cols;
  public final Kind kind;
  public final float[] data;

  public Tensor(String name, int rows, int cols, Kind kind) {
    if (rows < 1 || cols < 1) throw new IllegalArgumentException(name + ": empty shape " + rows + "x" + cols);
    this.name = name;
    this.rows = rows;
    this.cols = cols;
    this.kind = kind;
    this.data = new float[rows * cols];
  }

  public int size() { return data.length; }

  /** A zero tensor of the same name, shape and kind. */
  public Tensor zerosLike() { return new Tensor(name, rows, cols, kind); }

  public double squaredNorm() {
    double acc = 0;
    for (float v : data) acc += (double) v * v;
    return acc;
  }

  public String shape() { return rows + "x" + cols; }

  @Override public String toString() { return name + "[" + shape() + ", " + kind + "]"; }
}
