package dev.egd.optim;

/**
 * What a transform can say about its last update to an observer that must not recompute what the
 * transform already knows (spectrum logging reuses EGD's own decomposition). Transforms without it
 * are taken to have rewritten every gradient.
 */
public interface UpdateReport {
  /**
   * Whether the last update may have changed the gradient of parameter {@code param} (an index into the layout).
   *
   * @param param the parameter's position in the layout
   * @return false only when the gradient certainly passed through unchanged (a matrix EGD did not select, a switch-off
   *     that was off)
   */
  boolean rewrote(int param);

  /**
   * The singular values, descending, of parameter {@code param}'s gradient as the last update received it,
   * when that update decomposed it; else null. The array is the transform's own: read it, don't keep it.
   *
   * @param param the parameter's position in the layout
   * @return the transform's own array of singular values, or null
   */
  default float[] inputSingularValues(int param) { return null; }

  /**
   * How {@link #inputSingularValues} were found (e.g. {@code gram64}), or null.
   *
   * @param param the parameter's position in the layout
   * @return the route's name, or null when {@link #inputSingularValues} is null
   */
  default String decomposition(int param) { return null; }

  /**
   * Writes the singular values of what the last update made of {@code param}'s gradient, in exact
   * arithmetic, and returns true; false when the transform does not know them.
   *
   * @param param the parameter's position in the layout
   * @param out receives min(rows, cols) values, descending, when the result is true
   * @return whether {@code out} was written
   */
  default boolean outputSingularValues(int param, double[] out) { return false; }
}
