package dev.egd.nn;

import dev.egd.ValidationException;

/**
 * A named row-major float32 matrix {@code rows x cols} (a vector is {@code 1 x n}) over a
 * {@code float[]} of exactly {@code rows * cols} elements: element (r, c) is {@code data[r * cols + c]}.
 *
 * <p>A tensor either owns its array ({@link #Tensor(String, int, int, Kind)}) or wraps one of the
 * caller's ({@link #wrap}), so a user's own arrays can be the parameters and the gradients that
 * transforms read and rewrite. Each tensor has its own exactly-sized array rather than a view into one
 * big buffer: OpenBLAS is reached through JavaCPP, which copies a whole Java array on every native call.
 */
public final class Tensor {
  /** What a parameter is, which decides what weight decay and the default selections touch. */
  public enum Kind { WEIGHT, BIAS, EMBEDDING, GAIN }

  public final String name;
  public final int rows, cols;
  public final Kind kind;
  public final float[] data;

  /** A zero tensor that owns a new array. */
  public Tensor(String name, int rows, int cols, Kind kind) {
    this(name, rows, cols, kind, new float[size(name, rows, cols)]);
  }

  private Tensor(String name, int rows, int cols, Kind kind, float[] data) {
    if (name == null || name.isEmpty()) throw ValidationException.of("tensor", "needs a name");
    if (kind == null) throw ValidationException.of("tensor", name + " needs a kind");
    size(name, rows, cols);
    if (data.length != rows * cols)
      throw new ValidationException("tensor", name + " is " + rows + "x" + cols + " = " + rows * cols + " elements, but its array has", data.length);
    this.name = name;
    this.rows = rows;
    this.cols = cols;
    this.kind = kind;
    this.data = data;
  }

  private static int size(String name, int rows, int cols) {
    if (rows < 1 || cols < 1) throw new ValidationException("tensor", name + " must have a non-empty shape", rows + "x" + cols);
    long n = (long) rows * cols;
    if (n > Integer.MAX_VALUE - 8) throw new ValidationException("tensor", name + " has more elements than a Java array holds", rows + "x" + cols);
    return (int) n;
  }

  /**
   * The caller's array as a tensor, not copied: writes through the tensor are writes to {@code data}.
   * Its kind is {@link Kind#BIAS} for a row vector ({@code rows == 1}), {@link Kind#WEIGHT} otherwise.
   */
  public static Tensor wrap(String name, int rows, int cols, float[] data) {
    return wrap(name, rows, cols, rows == 1 ? Kind.BIAS : Kind.WEIGHT, data);
  }

  /** The caller's array as a tensor of the given kind, not copied. */
  public static Tensor wrap(String name, int rows, int cols, Kind kind, float[] data) {
    if (data == null) throw ValidationException.of("tensor", name + " needs an array");
    return new Tensor(name, rows, cols, kind, data);
  }

  public int size() { return data.length; }

  /** A zero tensor of the same name, shape and kind, with its own array. */
  public Tensor zerosLike() { return new Tensor(name, rows, cols, kind); }

  public double squaredNorm() {
    double acc = 0;
    for (float v : data) acc += (double) v * v;
    return acc;
  }

  public String shape() { return rows + "x" + cols; }

  @Override public String toString() { return name + "[" + shape() + ", " + kind + "]"; }
}
