package dev.egd.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.egd.util.Rng;
import org.junit.jupiter.api.Test;

class SpectrumTest {
  @Test
  void statisticsOfHandComputedSpectra() {
    // s = (4, 2, 1, 1): sum 8, p = (1/2, 1/4, 1/8, 1/8), H = 1/2 ln 2 + 1/4 ln 4 + 2 * 1/8 ln 8 = 1.75 ln 2
    Spectrum.Stats st = Spectrum.stats(new double[] {4, 2, 1, 1});
    assertEquals(4, st.sMax());
    assertEquals(1, st.sMin());
    assertEquals(4, st.condition(), 0);
    assertEquals(Math.pow(2, 1.75), st.effectiveRank(), 1e-12);
    assertEquals((16 + 4 + 1 + 1) / 16.0, st.stableRank(), 1e-15);
    assertEquals(Math.sqrt(22), st.frobenius(), 1e-15);

    Spectrum.Stats flat = Spectrum.stats(new double[] {3, 3, 3});
    assertEquals(1, flat.condition(), 0);
    assertEquals(3, flat.effectiveRank(), 1e-12);
    assertEquals(3, flat.stableRank(), 1e-12);

    Spectrum.Stats rankOne = Spectrum.stats(new double[] {5, 0, 0});
    assertEquals(Double.POSITIVE_INFINITY, rankOne.condition());
    assertEquals(1, rankOne.effectiveRank(), 1e-12);
    assertEquals(1, rankOne.stableRank(), 0);

    Spectrum.Stats zero = Spectrum.stats(new double[] {0, 0});
    assertTrue(Double.isNaN(zero.condition()));
    assertEquals(0, zero.effectiveRank());
    assertEquals(0, zero.stableRank());
    assertThrows(IllegalArgumentException.class, () -> Spectrum.stats(new double[0]));
  }

  @Test
  void computerFindsTheSingularValuesOfDiagonalAndRotatedMatrices() {
    // diag(3, 0.5, 2) as a 3x5 (wide) and its transpose (tall): singular values 3, 2, 0.5
    float[] wide = new float[15];
    wide[0] = 3f;
    wide[1 * 5 + 1] = -0.5f;
    wide[2 * 5 + 2] = 2f;
    double[] s = new double[3];
    new Spectrum.Computer(3, 5).singularValues(wide, s);
    assertEquals(3, s[0], 1e-7);
    assertEquals(2, s[1], 1e-7);
    assertEquals(0.5, s[2], 1e-7);
    float[] tall = Mat.toFloat(Mat.transpose(Mat.toDouble(wide), 3, 5));
    new Spectrum.Computer(5, 3).singularValues(tall, s);
    assertEquals(0.5, s[2], 1e-7);
    assertEquals(6, Spectrum.stats(s).condition(), 1e-5);

    // A random 40x24 matrix with a chosen spectrum spanning 1e-3..1
    Rng rng = new Rng(7);
    double[] want = new double[24];
    for (int i = 0; i < want.length; i++) want[i] = Math.pow(10, -3.0 * i / (want.length - 1));
    float[] g = Mat.toFloat(Mat.withSpectrum(40, 24, want, rng));
    double[] got = new double[24];
    new Spectrum.Computer(40, 24).singularValues(g, got);
    for (int i = 0; i < want.length; i++) assertEquals(want[i], got[i], 1e-6, "s" + (i + 1));
  }
}
