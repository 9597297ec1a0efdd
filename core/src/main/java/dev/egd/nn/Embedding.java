package dev.egd.nn;

import java.util.Arrays;

/**
 * Sums of embedding rows for token inputs: output row r is
 * {@code base[r mod P] + table[ids[r k]] + ... + table[ids[r k + k - 1]]}, optionally through a ReLU,
 * as a forward gather and a backward scatter-add. This is a linear layer on a one-hot (or k-hot)
 * input, computed without the dense product.
 *
 * <p>{@code table} is {@code vocabulary x width}; {@code base} (optional) is {@code P x width} and
 * output row r adds its row {@code r mod P}: one row for a bias (the first layer of an MLP on one-hot
 * input, whose W1 is the table), or one row per position for learned position embeddings when the
 * output rows are the positions of consecutive sequences, {@code r = sequence * P + position} (a
 * transformer's token + position embedding, with one id per row). Without a base the sum starts from
 * +0. {@code ids} holds {@code k} ids per row, row-major ({@code rows x k}); {@code out} and
 * {@code dOut} are {@code rows x width}, row-major. Arrays may be longer than the rows used.
 *
 * <p>The layer holds its parameter tensors, not copies, and reads their arrays at each call. It keeps
 * no per-call state and allocates nothing after construction, so one instance may serve several
 * threads at once, each with its own arrays. The sums are formed left to right (base first, then the
 * ids in order) and the backward adds rows in row order, so the same inputs give the same bits.
 */
public final class Embedding {
  private final Tensor table, base;
  private final int width, baseRows;
  private final float[] baseData; // base's array, or zeros when there is no base

  /**
   * @param table {@code vocabulary x width}
   * @param base {@code P x width} with any P &gt;= 1, or null for none
   */
  public Embedding(Tensor table, Tensor base) {
    this.table = java.util.Objects.requireNonNull(table, "table");
    if (base != null && base.cols != table.cols)
      throw new IllegalArgumentException("base " + base + " does not fit table " + table + " (needs width " + table.cols + ")");
    this.base = base;
    this.width = table.cols;
    this.baseRows = base == null ? 1 : base.rows;
    this.baseData = base == null ? new float[width] : base.data;
  }

  /**
   * The embedding table, {@code vocabulary x width}.
   *
   * @return the table tensor itself, not a copy
   */
  public Tensor table() { return table; }

  /**
   * The base rows, {@code P x width}; null if none.
   *
   * @return the base tensor itself, or null
   */
  public Tensor base() { return base; }

  /** @return the output width, the table's columns */
  public int width() { return width; }

  /** @return the table's rows: ids are in [0, vocabulary) */
  public int vocabulary() { return table.rows; }

  /**
   * {@code out[r] = [ReLU](base[r mod P] + sum over a < idsPerRow of table[ids[r * idsPerRow + a]])}
   * for r &lt; rows. Reads ids, table and base; overwrites the first {@code rows x width} of out. With
   * {@code relu} the ReLU ({@code Math.max(x, 0)}, branch-free) is fused into the same pass (for two
   * ids per row, the MLP's one-hot pair, the whole row is one loop).
   *
   * @param ids {@code rows x idsPerRow} row ids of the table, each in [0, vocabulary)
   * @param idsPerRow ids summed per output row, at least 1
   * @param rows how many output rows to compute
   * @param out {@code rows x width}, overwritten
   * @param relu whether to apply the ReLU
   */
  public void forward(int[] ids, int idsPerRow, int rows, float[] out, boolean relu) {
    check(ids, idsPerRow, rows, out, "out");
    if (idsPerRow == 2) gatherPair(ids, rows, width, table.data, baseData, baseRows, out, relu ? 0f : Float.NEGATIVE_INFINITY);
    else gather(ids, idsPerRow, rows, width, table.data, baseData, baseRows, out, relu);
  }

  // The loops live in small static methods, each compiled on its own: measured faster than the same
  // loops inside one larger method.

  /** Two ids per row, one loop per row: out = max(base + t[id0] + t[id1], floor), floor 0 (ReLU) or -infinity. */
  private static void gatherPair(int[] ids, int rows, int w, float[] t, float[] bs, int baseRows, float[] out, float floor) {
    for (int r = 0, p = 0; r < rows; r++) {
      int o = r * w, bo = p * w; // p = r mod baseRows, without a division per row
      if (++p == baseRows) p = 0;
      int f0 = ids[2 * r] * w, f1 = ids[2 * r + 1] * w;
      for (int j = 0; j < w; j++) out[o + j] = Math.max(bs[bo + j] + t[f0 + j] + t[f1 + j], floor);
    }
  }

  private static void gather(int[] ids, int k, int rows, int w, float[] t, float[] bs, int baseRows, float[] out, boolean relu) {
    for (int r = 0, p = 0; r < rows; r++) {
      int o = r * w, bo = p * w, ex = r * k;
      if (++p == baseRows) p = 0;
      int f0 = ids[ex] * w;
      for (int j = 0; j < w; j++) out[o + j] = bs[bo + j] + t[f0 + j];
      for (int a = 1; a < k; a++) {
        int f = ids[ex + a] * w;
        for (int j = 0; j < w; j++) out[o + j] += t[f + j];
      }
      if (relu) for (int j = 0; j < w; j++) out[o + j] = Math.max(out[o + j], 0f);
    }
  }

  /**
   * The gradients from {@code dOut}, the gradient of the sums (before the ReLU: a caller that fused
   * it masks dOut by the output first): each table row gets the sum of dOut over the rows whose ids
   * name it (as often as named), each base row the sum of dOut over the rows r with that
   * {@code r mod P}. Reads ids and dOut; writes dTable and dBase. With {@code accumulate} false both are
   * first zeroed (the whole table gradient), with true the sums are added to them.
   *
   * @param dTable {@code vocabulary x width}
   * @param dBase {@code P x width}; null to skip it, and null if there is no base
   * @param ids the forward pass's ids, {@code rows x idsPerRow}
   * @param idsPerRow ids per row
   * @param rows how many rows the forward pass computed
   * @param dOut the gradient of the sums, {@code rows x width}
   * @param accumulate whether to add to dTable and dBase rather than overwrite them
   */
  public void backward(int[] ids, int idsPerRow, int rows, float[] dOut, float[] dTable, float[] dBase, boolean accumulate) {
    check(ids, idsPerRow, rows, dOut, "dOut");
    if (dTable.length < table.size()) throw new IllegalArgumentException("dTable holds " + dTable.length + " floats, needs " + table.shape());
    if (dBase != null) {
      if (base == null) throw new IllegalArgumentException("a base gradient for an embedding without base");
      if (dBase.length < base.size()) throw new IllegalArgumentException("dBase holds " + dBase.length + " floats, needs " + base.shape());
    }
    if (!accumulate) {
      Arrays.fill(dTable, 0, table.size(), 0f);
      if (dBase != null) Arrays.fill(dBase, 0, base.size(), 0f);
    }
    if (idsPerRow == 1 && dBase != null) {
      scatterWithBase(ids, rows, width, dOut, dTable, dBase, baseRows); // token + position: one pass
    } else { // two passes: measured faster than one pass doing both for two ids per row
      if (dBase != null) addBaseSums(rows, width, dOut, dBase, baseRows);
      scatter(ids, idsPerRow, rows, width, dOut, dTable);
    }
  }

  /** One id per row: dTable[id_r] += dOut[r] and dBase[r mod P] += dOut[r] in one loop. */
  private static void scatterWithBase(int[] ids, int rows, int w, float[] dOut, float[] dTable, float[] dBase, int baseRows) {
    for (int r = 0, p = 0; r < rows; r++) {
      int o = r * w, bo = p * w, f = ids[r] * w;
      if (++p == baseRows) p = 0;
      for (int j = 0; j < w; j++) {
        dTable[f + j] += dOut[o + j];
        dBase[bo + j] += dOut[o + j];
      }
    }
  }

  /** dBase[r mod P] += dOut[r], rows in order. */
  private static void addBaseSums(int rows, int w, float[] dOut, float[] dBase, int baseRows) {
    for (int r = 0, p = 0; r < rows; r++) {
      int o = r * w, bo = p * w;
      if (++p == baseRows) p = 0;
      for (int j = 0; j < w; j++) dBase[bo + j] += dOut[o + j];
    }
  }

  /** dTable[ids[r k + a]] += dOut[r], rows and then ids in order. */
  private static void scatter(int[] ids, int k, int rows, int w, float[] dOut, float[] dTable) {
    for (int r = 0; r < rows; r++) {
      int o = r * w, ex = r * k;
      for (int a = 0; a < k; a++) {
        int f = ids[ex + a] * w;
        for (int j = 0; j < w; j++) dTable[f + j] += dOut[o + j];
      }
    }
  }

  /**
   * {@link #backward(int[], int, int, float[], float[], float[], boolean)} with the gradients taken
   * from {@code grads} by the parameters' names (the base's only if there is a base).
   *
   * @param ids the forward pass's ids, {@code rows x idsPerRow}
   * @param idsPerRow ids per row
   * @param rows how many rows the forward pass computed
   * @param dOut the gradient of the sums, {@code rows x width}
   * @param grads holds the gradients under the table's and base's names
   * @param accumulate whether to add to the gradients rather than overwrite them
   * @throws dev.egd.ValidationException ({@code tensor}) if {@code grads} has no tensor of a parameter's name
   */
  public void backward(int[] ids, int idsPerRow, int rows, float[] dOut, ParamSet grads, boolean accumulate) {
    backward(ids, idsPerRow, rows, dOut, grads.get(table.name).data, base == null ? null : grads.get(base.name).data, accumulate);
  }

  private void check(int[] ids, int idsPerRow, int rows, float[] rowsArray, String what) {
    if (idsPerRow < 1) throw new IllegalArgumentException("at least one id per row: " + idsPerRow);
    if (rows < 0) throw new IllegalArgumentException("negative row count " + rows);
    if ((long) rows * idsPerRow > ids.length)
      throw new IllegalArgumentException("ids holds " + ids.length + " ids, needs " + rows + "x" + idsPerRow);
    if ((long) rows * width > rowsArray.length)
      throw new IllegalArgumentException(what + " holds " + rowsArray.length + " floats, needs " + rows + "x" + width);
  }
}
