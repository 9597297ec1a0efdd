package dev.egd.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.egd.util.Rng;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link Embedding} on its own: the gathered sums against their definition, the scatter-add against central differences. */
class EmbeddingGradientTest {
  private static final int VOCAB = 7, WIDTH = 10, ROWS = 6, CAPACITY = 8;

  /** idsPerRow, base rows (0: none), ReLU. */
  @ParameterizedTest
  @CsvSource({"1, 3, false", "2, 1, false", "2, 1, true", "2, 0, true", "3, 1, true", "3, 2, false", "1, 0, false"})
  void sumsMatchTheirDefinitionAndGradientsMatchFiniteDifferences(int k, int baseRows, boolean relu) {
    Rng rng = new Rng(61 + 7 * k + baseRows);
    Tensor table = Tensor.wrap("table", VOCAB, WIDTH, new float[VOCAB * WIDTH]);
    Tensor base = baseRows == 0 ? null : Tensor.wrap("base", baseRows, WIDTH, new float[baseRows * WIDTH]);
    Embedding emb = new Embedding(table, base);
    int[] ids = new int[CAPACITY * k];
    for (int i = 0; i < ids.length; i++) ids[i] = rng.nextInt(VOCAB);
    if (k > 1) ids[1] = ids[0]; // an id named twice in one row counts twice
    float[] out = new float[CAPACITY * WIDTH], ref = new float[ROWS * WIDTH];
    // with a ReLU, draw until no sum lies within the finite-difference step of the kink
    do {
      rng.fillGaussian(table.data, table.size(), 1.0);
      if (base != null) rng.fillGaussian(base.data, base.size(), 1.0);
      for (int r = 0; r < ROWS; r++)
        for (int j = 0; j < WIDTH; j++) {
          double s = base == null ? 0 : base.data[(r % baseRows) * WIDTH + j];
          for (int a = 0; a < k; a++) s += table.data[ids[r * k + a] * WIDTH + j];
          ref[r * WIDTH + j] = (float) s;
        }
    } while (relu && nearZero(ref));
    Arrays.fill(out, Float.NaN);
    emb.forward(ids, k, ROWS, out, relu);
    for (int i = 0; i < ROWS * WIDTH; i++) assertEquals(relu ? Math.max(ref[i], 0f) : ref[i], out[i], 1e-5);
    for (int i = ROWS * WIDTH; i < out.length; i++) assertEquals(Float.NaN, out[i], "rows past the batch untouched");

    float[] c = new float[ROWS * WIDTH], dOut = new float[CAPACITY * WIDTH];
    rng.fillGaussian(c, c.length, 1.0);
    FiniteDifferences.quadraticGradient(out, c, ROWS * WIDTH, dOut);
    if (relu) for (int i = 0; i < ROWS * WIDTH; i++) if (out[i] == 0f) dOut[i] = 0f; // the caller's mask
    float[] dTable = new float[VOCAB * WIDTH], dBase = base == null ? null : new float[base.size()];
    Arrays.fill(dTable, Float.NaN); // overwritten
    if (dBase != null) Arrays.fill(dBase, Float.NaN);
    emb.backward(ids, k, ROWS, dOut, dTable, dBase, false);
    java.util.function.DoubleSupplier loss = () -> {
      float[] o = new float[ROWS * WIDTH];
      emb.forward(ids, k, ROWS, o, relu);
      return FiniteDifferences.quadratic(o, c, ROWS * WIDTH);
    };
    FiniteDifferences.check("dTable", table.data, table.size(), dTable, loss, 1e-2f, 1e-3, 1e-4);
    if (base != null) FiniteDifferences.check("dBase", base.data, base.size(), dBase, loss, 1e-2f, 1e-3, 1e-4);

    // accumulate adds the same sums; the ParamSet overload finds the gradients by name
    float[] dTable2 = dTable.clone(), dBase2 = dBase == null ? null : dBase.clone();
    emb.backward(ids, k, ROWS, dOut, dTable2, dBase2, true);
    for (int i = 0; i < dTable.length; i++) assertEquals(2 * dTable[i], dTable2[i], 1e-5 * (1 + Math.abs(dTable[i])));
    if (base != null) for (int i = 0; i < dBase.length; i++) assertEquals(2 * dBase[i], dBase2[i], 1e-5 * (1 + Math.abs(dBase[i])));
    ParamSet grads = base == null ? ParamSet.of(table.zerosLike()) : ParamSet.of(table.zerosLike(), base.zerosLike());
    emb.backward(ids, k, ROWS, dOut, grads, false);
    assertEquals(Arrays.toString(dTable), Arrays.toString(grads.get("table").data));
    if (base != null) assertEquals(Arrays.toString(dBase), Arrays.toString(grads.get("base").data));
  }

  private static boolean nearZero(float[] a) {
    for (float v : a) if (Math.abs(v) < 0.05) return true;
    return false;
  }

  @org.junit.jupiter.api.Test
  void rejectsMisfitArrays() {
    Tensor table = new Tensor("t", VOCAB, WIDTH, Tensor.Kind.EMBEDDING);
    assertThrows(IllegalArgumentException.class, () -> new Embedding(table, new Tensor("p", 2, WIDTH + 1, Tensor.Kind.EMBEDDING)));
    Embedding emb = new Embedding(table, null);
    int[] ids = new int[ROWS];
    assertThrows(IllegalArgumentException.class, () -> emb.forward(ids, 0, ROWS, new float[ROWS * WIDTH], false));
    assertThrows(IllegalArgumentException.class, () -> emb.forward(ids, 2, ROWS, new float[ROWS * WIDTH], false));
    assertThrows(IllegalArgumentException.class, () -> emb.forward(ids, 1, ROWS, new float[ROWS * WIDTH - 1], false));
    assertThrows(IllegalArgumentException.class,
        () -> emb.backward(ids, 1, ROWS, new float[ROWS * WIDTH], new float[VOCAB * WIDTH], new float[WIDTH], false));
  }
}
