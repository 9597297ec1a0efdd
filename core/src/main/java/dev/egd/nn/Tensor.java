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
  public enum Kind {
    /** A weight matrix: the kind the default selections (EGD's layers, weight decay) take. */
    WEIGHT,
    /** An additive bias, a row vector. */
    BIAS,
    /** A table of token or position embeddings (rows: tokens or positions). */
    EMBEDDING,
    /** A multiplicative gain, as a layer norm's. */
    GAIN
  }

  /** The tensor's name, unique within a {@link ParamSet} (e.g. {@code W1}, {@code blocks.0.attn.in.w}). */
  public final String name;
  /** The shape, both at least 1. */
  public final int rows, cols;
  /** What the tensor is. */
  public final Kind kind;
  /**
   * The elements, row-major, exactly {@code rows * cols} long; owned by the tensor or shared with the caller who
   * wrapped it.
   */
  public final float[] data;

  /**
   * A zero tensor that owns a new array.
   *
   * @param name a non-empty name
   * @param rows rows, at least 1
   * @param cols columns, at least 1
   * @param kind what the tensor is
   * @throws ValidationException ({@code tensor}) if the name is empty, the kind null, or the shape empty or too large
   */
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
   *
   * @param name a non-empty name
   * @param rows rows, at least 1
   * @param cols columns, at least 1
   * @param data the elements, exactly {@code rows * cols} long; shared, not copied
   * @return a tensor over {@code data}
   * @throws ValidationException ({@code tensor}) if the name is empty, the shape empty, or the array null or of
   *     another length
   */
  public static Tensor wrap(String name, int rows, int cols, float[] data) {
    return wrap(name, rows, cols, rows == 1 ? Kind.BIAS : Kind.WEIGHT, data);
  }

  /**
   * The caller's array as a tensor of the given kind, not copied.
   *
   * @param name a non-empty name
   * @param rows rows, at least 1
   * @param cols columns, at least 1
   * @param kind what the tensor is
   * @param data the elements, exactly {@code rows * cols} long; shared, not copied
   * @return a tensor over {@code data}
   * @throws ValidationException ({@code tensor}) if the name is empty, the kind null, the shape empty, or the array
   *     null or of another length
   */
  public static Tensor wrap(String name, int rows, int cols, Kind kind, float[] data) {
    if (data == null) throw ValidationException.of("tensor", name + " needs an array");
    return new Tensor(name, rows, cols, kind, data);
  }

  /** @return the number of elements, {@code rows * cols} */
  public int size() { return data.length; }

  /**
   * A zero tensor of the same name, shape and kind, with its own array.
   *
   * @return a new tensor with a new zero array
   */
  public Tensor zerosLike() { return new Tensor(name, rows, cols, kind); }

  /**
   * The sum of the squares of the elements, accumulated in double.
   *
   * @return the squared Frobenius norm
   */
  public double squaredNorm() {
    double acc = 0;
    for (float v : data) acc += (double) v * v;
    return acc;
  }

  /** @return the shape as text, {@code rows x cols} written {@code "3x4"} */
  public String shape() { return rows + "x" + cols; }

  /** @return the name, shape and kind, e.g. {@code W1[194x256, WEIGHT]} */
  @Override public String toString() { return name + "[" + shape() + ", " + kind + "]"; }
}
