package dev.egd.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RngTest {
  @Test
  void sameSeedAndStreamGiveSameSequenceOthersDiffer() {
    Rng a = new Rng(42, 1), b = new Rng(42, 1), c = new Rng(42, 2), d = new Rng(43, 1);
    long a1 = a.nextLong();
    assertEquals(a1, b.nextLong());
    assertNotEquals(a1, c.nextLong());
    assertNotEquals(a1, d.nextLong());
  }

  @Test
  void gaussianMomentsAndUniformIntegersLookRight() {
    Rng r = new Rng(7);
    int n = 200_000;
    double sum = 0, sq = 0;
    for (int i = 0; i < n; i++) {
      double g = r.nextGaussian();
      sum += g;
      sq += g * g;
    }
    assertEquals(0, sum / n, 0.01);
    assertEquals(1, sq / n, 0.01);
    int[] counts = new int[7];
    for (int i = 0; i < 70_000; i++) counts[r.nextInt(7)]++;
    for (int c : counts) assertEquals(10_000, c, 400);
  }

  @Test
  void stateRestoreContinuesTheSequence() {
    Rng r = new Rng(9);
    r.nextGaussian();
    long[] s = r.state();
    double x = r.nextGaussian();
    long y = r.nextLong();
    Rng q = new Rng(0);
    q.restore(s);
    assertEquals(x, q.nextGaussian());
    assertEquals(y, q.nextLong());
  }

  @Test
  void shuffleIsAPermutation() {
    int[] a = new int[100];
    for (int i = 0; i < a.length; i++) a[i] = i;
    new Rng(3).shuffle(a, a.length);
    boolean moved = false;
    int[] sorted = a.clone();
    java.util.Arrays.sort(sorted);
    for (int i = 0; i < a.length; i++) {
      assertEquals(i, sorted[i]);
      moved |= a[i] != i;
    }
    assertTrue(moved);
  }
}
