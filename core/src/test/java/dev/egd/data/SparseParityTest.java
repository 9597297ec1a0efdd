package dev.egd.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SparseParityTest {
  @Test
  void labelsAreTheProductOfTheSecretBits() {
    for (boolean random : new boolean[] {false, true}) {
      int n = 20, k = 3;
      int[] secret = SparseParity.secret(n, k, random, 7);
      Split s = SparseParity.split(n, k, 300, 200, random, 7);
      for (Dataset d : new Dataset[] {s.train(), s.test()}) {
        int plus = 0;
        for (int i = 0; i < d.size; i++) {
          float prod = 1;
          for (int b : secret) prod *= d.dense[i * n + b];
          assertEquals(prod, d.values[i]);
          for (int j = 0; j < n; j++) assertTrue(d.dense[i * n + j] == 1f || d.dense[i * n + j] == -1f);
          if (d.values[i] > 0) plus++;
        }
        assertTrue(plus > d.size / 3 && plus < 2 * d.size / 3, "labels are balanced: " + plus + "/" + d.size);
      }
    }
    assertArrayEquals(new int[] {0, 1, 2}, SparseParity.secret(20, 3, false, 7));
  }

  @Test
  void randomSecretDependsOnTheSeedAndHasDistinctBits() {
    int[] a = SparseParity.secret(50, 4, true, 1), b = SparseParity.secret(50, 4, true, 2);
    assertTrue(!java.util.Arrays.equals(a, b));
    assertEquals(4, java.util.Arrays.stream(a).distinct().count());
  }

  @Test
  void badArgumentsNameTheParameter() {
    assertEquals("k", assertThrows(dev.egd.ValidationException.class, () -> SparseParity.split(5, 6, 10, 10, false, 0)).parameter());
    assertEquals("k", assertThrows(dev.egd.ValidationException.class, () -> SparseParity.split(5, 0, 10, 10, false, 0)).parameter());
    assertEquals("n", assertThrows(dev.egd.ValidationException.class, () -> SparseParity.split(0, 1, 10, 10, false, 0)).parameter());
  }
}
