package dev.egd.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.egd.util.Rng;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** {@link Linear} on its own: forward against its definition, every gradient against central differences. */
class LinearGradientTest {
  private static final int ROWS = 5, IN = 11, OUT = 9, CAPACITY = 7; // arrays hold more rows than are used

  private static float[] gaussian(Rng rng, int n) {
    float[] a = new float[n];
    rng.fillGaussian(a, n, 1.0);
    return a;
  }

  @Test
  void forwardIsInTimesWPlusB() {
    Rng rng = new Rng(51);
    Tensor w = Tensor.wrap("w", IN, OUT, gaussian(rng, IN * OUT)), b = Tensor.wrap("b", 1, OUT, gaussian(rng, OUT));
    float[] in = gaussian(rng, CAPACITY * IN), out = new float[CAPACITY * OUT];
    Arrays.fill(out, Float.NaN); // overwritten, never read
    new Linear(w, b).forward(in, out, ROWS);
    for (int r = 0; r < ROWS; r++)
      for (int c = 0; c < OUT; c++) {
        double s = b.data[c];
        for (int k = 0; k < IN; k++) s += (double) in[r * IN + k] * w.data[k * OUT + c];
        assertEquals(s, out[r * OUT + c], 1e-5);
      }
    for (int i = ROWS * OUT; i < out.length; i++) assertTrue(Float.isNaN(out[i]), "rows past the batch untouched");
  }

  @Test
  void gradientsMatchFiniteDifferencesWithBias() {
    check(true, true);
  }

  @Test
  void gradientsMatchFiniteDifferencesWithoutBiasOrInputGradient() {
    check(false, false);
  }

  private static void check(boolean withBias, boolean withInputGradient) {
    Rng rng = new Rng(withBias ? 52 : 53);
    Tensor w = Tensor.wrap("w", IN, OUT, gaussian(rng, IN * OUT));
    Tensor b = withBias ? Tensor.wrap("b", 1, OUT, gaussian(rng, OUT)) : null;
    Linear lin = new Linear(w, b);
    float[] in = gaussian(rng, CAPACITY * IN), c = gaussian(rng, ROWS * OUT), out = new float[CAPACITY * OUT];
    float[] dOut = new float[CAPACITY * OUT], dW = new float[IN * OUT], dB = withBias ? new float[OUT] : null;
    float[] dIn = withInputGradient ? new float[CAPACITY * IN] : null;
    // stale contents: overwriting must not read them
    Arrays.fill(dW, Float.NaN);
    if (dB != null) Arrays.fill(dB, Float.NaN);
    if (dIn != null) Arrays.fill(dIn, Float.NaN);
    lin.forward(in, out, ROWS);
    FiniteDifferences.quadraticGradient(out, c, ROWS * OUT, dOut);
    lin.backward(in, dOut, ROWS, dW, dB, dIn, false);
    java.util.function.DoubleSupplier loss = () -> {
      float[] o = new float[CAPACITY * OUT];
      lin.forward(in, o, ROWS);
      return FiniteDifferences.quadratic(o, c, ROWS * OUT);
    };
    FiniteDifferences.check("dW", w.data, IN * OUT, dW, loss, 1e-2f, 1e-3, 1e-4);
    if (withBias) FiniteDifferences.check("dB", b.data, OUT, dB, loss, 1e-2f, 1e-3, 1e-4);
    if (withInputGradient) {
      FiniteDifferences.check("dIn", in, ROWS * IN, dIn, loss, 1e-2f, 1e-3, 1e-4);
      for (int i = ROWS * IN; i < dIn.length; i++) assertTrue(Float.isNaN(dIn[i]), "rows past the batch untouched");
    }

    // accumulate: the same gradients added to what the arrays held
    float[] dW2 = dW.clone(), dB2 = dB == null ? null : dB.clone(), dIn2 = dIn == null ? null : dIn.clone();
    lin.backward(in, dOut, ROWS, dW2, dB2, dIn2, true);
    for (int i = 0; i < dW.length; i++) assertEquals(2 * dW[i], dW2[i], 1e-5 * (1 + Math.abs(dW[i])));
    if (withBias) for (int i = 0; i < OUT; i++) assertEquals(2 * dB[i], dB2[i], 1e-5 * (1 + Math.abs(dB[i])));
    if (withInputGradient) for (int i = 0; i < ROWS * IN; i++) assertEquals(2 * dIn[i], dIn2[i], 1e-5 * (1 + Math.abs(dIn[i])));

    // the ParamSet overload finds the gradients by the parameters' names
    ParamSet grads = withBias ? ParamSet.of(Tensor.wrap("w", IN, OUT, new float[IN * OUT]), Tensor.wrap("b", 1, OUT, new float[OUT]))
        : ParamSet.of(Tensor.wrap("w", IN, OUT, new float[IN * OUT]));
    lin.backward(in, dOut, ROWS, grads, null, false);
    assertEquals(Arrays.toString(dW), Arrays.toString(grads.get("w").data));
    if (withBias) assertEquals(Arrays.toString(dB), Arrays.toString(grads.get("b").data));
  }

  @Test
  void rejectsMisfitArrays() {
    Tensor w = new Tensor("w", IN, OUT, Tensor.Kind.WEIGHT);
    assertThrows(IllegalArgumentException.class, () -> new Linear(w, new Tensor("b", 1, OUT + 1, Tensor.Kind.BIAS)));
    Linear noBias = new Linear(w, null);
    float[] in = new float[ROWS * IN], dOut = new float[ROWS * OUT], dW = new float[IN * OUT];
    assertThrows(IllegalArgumentException.class, () -> noBias.backward(in, dOut, ROWS, dW, new float[OUT], null, false));
    assertThrows(IllegalArgumentException.class, () -> noBias.forward(in, new float[ROWS * OUT - 1], ROWS));
    assertThrows(IllegalArgumentException.class, () -> noBias.forward(new float[ROWS * IN - 1], new float[ROWS * OUT], ROWS));
  }
}
