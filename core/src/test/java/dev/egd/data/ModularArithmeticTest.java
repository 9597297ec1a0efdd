package dev.egd.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class ModularArithmeticTest {
  @ParameterizedTest
  @EnumSource(ModularArithmetic.Op.class)
  void labelsAreTheOperationAndTheSplitIsDisjointAndComplete(ModularArithmetic.Op op) {
    int p = 13;
    Split s = ModularArithmetic.split(op, p, 0.4, 3);
    Set<Integer> seen = new HashSet<>();
    for (Dataset d : new Dataset[] {s.train(), s.test()}) {
      for (int i = 0; i < d.size; i++) {
        int a = d.oneHot[2 * i], b = d.oneHot[2 * i + 1] - p;
        assertTrue(a >= 0 && a < p && b >= 0 && b < p);
        int c = d.labels[i];
        switch (op) {
          case ADD: assertEquals((a + b) % p, c); break;
          case SUB: assertEquals(((a - b) % p + p) % p, c); break;
          case MUL: assertEquals(a * b % p, c); break;
          default:
            assertTrue(b != 0);
            assertEquals(a, c * b % p); // c = a / b  <=>  c * b = a
        }
        assertTrue(seen.add(a * p + b), "pair appears twice");
      }
    }
    int total = op == ModularArithmetic.Op.DIV ? p * (p - 1) : p * p;
    assertEquals(total, seen.size());
    assertEquals((int) Math.floor(total * 0.4), s.train().size);
  }

  @Test
  void splitSeedChangesTheSplitButNotItsSize() {
    Split a = ModularArithmetic.split(ModularArithmetic.Op.ADD, 11, 0.5, 1);
    Split b = ModularArithmetic.split(ModularArithmetic.Op.ADD, 11, 0.5, 2);
    Split a2 = ModularArithmetic.split(ModularArithmetic.Op.ADD, 11, 0.5, 1);
    assertEquals(a.train().size, b.train().size);
    assertTrue(!java.util.Arrays.equals(a.train().oneHot, b.train().oneHot));
    assertTrue(java.util.Arrays.equals(a.train().oneHot, a2.train().oneHot));
  }

  @Test
  void badArgumentsNameTheParameter() {
    assertEquals("p", assertThrows(dev.egd.ValidationException.class, () -> ModularArithmetic.split(ModularArithmetic.Op.ADD, 1, 0.5, 0)).parameter());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ModularArithmetic.split(ModularArithmetic.Op.DIV, 12, 0.5, 0))
        .getMessage().contains("prime"));
    assertEquals("train_fraction", assertThrows(dev.egd.ValidationException.class, () -> ModularArithmetic.split(ModularArithmetic.Op.ADD, 7, 1.0, 0)).parameter());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ModularArithmetic.Op.parse("pow"))
        .getMessage().contains("add, sub, mul, div"));
  }

  @Test
  void inverseIsCorrect() {
    for (int b = 1; b < 97; b++) assertEquals(1, ModularArithmetic.inverse(b, 97) * b % 97);
  }
}
