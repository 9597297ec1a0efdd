package dev.egd;

/**
 * The range checks settings share, each throwing a {@link ValidationException} that names the
 * parameter. Every setting is checked once, where it is used: in the constructor that takes it.
 */
public final class Check {
  private Check() {}

  /**
   * value &gt; 0 and finite.
   *
   * @param parameter the parameter's name, snake case, for the exception
   * @param value the value to check
   * @return {@code value}, unchanged
   * @throws ValidationException if {@code value} is not &gt; 0, is NaN or is infinite
   */
  public static double positive(String parameter, double value) {
    if (!(value > 0) || !Double.isFinite(value)) throw new ValidationException(parameter, "must be > 0", value);
    return value;
  }

  /**
   * value &gt;= 0 and finite.
   *
   * @param parameter the parameter's name, snake case, for the exception
   * @param value the value to check
   * @return {@code value}, unchanged
   * @throws ValidationException if {@code value} is negative, NaN or infinite
   */
  public static double nonNegative(String parameter, double value) {
    if (!(value >= 0) || !Double.isFinite(value)) throw new ValidationException(parameter, "must be >= 0", value);
    return value;
  }

  /**
   * value in [0, 1).
   *
   * @param parameter the parameter's name, snake case, for the exception
   * @param value the value to check
   * @return {@code value}, unchanged
   * @throws ValidationException if {@code value} is outside [0, 1) or NaN
   */
  public static double unitInterval(String parameter, double value) {
    if (!(value >= 0 && value < 1)) throw new ValidationException(parameter, "must be in [0, 1)", value);
    return value;
  }

  /**
   * value in (0, 1].
   *
   * @param parameter the parameter's name, snake case, for the exception
   * @param value the value to check
   * @return {@code value}, unchanged
   * @throws ValidationException if {@code value} is outside (0, 1] or NaN
   */
  public static double fraction(String parameter, double value) {
    if (!(value > 0 && value <= 1)) throw new ValidationException(parameter, "must be in (0, 1]", value);
    return value;
  }

  /**
   * value &gt;= min.
   *
   * @param parameter the parameter's name, snake case, for the exception
   * @param value the value to check
   * @param min the smallest valid value
   * @return {@code value}, unchanged
   * @throws ValidationException if {@code value < min}
   */
  public static long atLeast(String parameter, long value, long min) {
    if (value < min) throw new ValidationException(parameter, "must be >= " + min, value);
    return value;
  }

  /**
   * value &gt;= min, as an int.
   *
   * @param parameter the parameter's name, snake case, for the exception
   * @param value the value to check
   * @param min the smallest valid value
   * @return {@code value}, unchanged
   * @throws ValidationException if {@code value < min}
   */
  public static int atLeast(String parameter, int value, int min) {
    if (value < min) throw new ValidationException(parameter, "must be >= " + min, value);
    return value;
  }

  /**
   * min &lt;= value &lt;= max.
   *
   * @param parameter the parameter's name, snake case, for the exception
   * @param value the value to check
   * @param min the smallest valid value
   * @param max the largest valid value
   * @return {@code value}, unchanged
   * @throws ValidationException if {@code value} is outside [min, max]
   */
  public static long inRange(String parameter, long value, long min, long max) {
    if (value < min || value > max) throw new ValidationException(parameter, "must be in [" + min + ", " + max + "]", value);
    return value;
  }

  /**
   * min &lt;= value &lt;= max, as an int.
   *
   * @param parameter the parameter's name, snake case, for the exception
   * @param value the value to check
   * @param min the smallest valid value
   * @param max the largest valid value
   * @return {@code value}, unchanged
   * @throws ValidationException if {@code value} is outside [min, max]
   */
  public static int inRange(String parameter, int value, int min, int max) {
    if (value < min || value > max) throw new ValidationException(parameter, "must be in [" + min + ", " + max + "]", value);
    return value;
  }
}
