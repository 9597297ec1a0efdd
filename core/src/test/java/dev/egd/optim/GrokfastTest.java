package dev.egd.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.egd.nn.ParamSet;
import dev.egd.nn.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class GrokfastTest {
  private static ParamSet one() {
    return new ParamSet(List.of(new Tensor("w", 1, 1, Tensor.Kind.WEIGHT)));
  }

  private static float step(GradientTransform t, ParamSet p, ParamSet g, float value, long step) {
    g.get(0).data[0] = value;
    t.update(g, p, step);
    return g.get(0).data[0];
  }

  @Test
  void emaMatchesAHandComputedSequence() {
    ParamSet p = one(), g = one();
    GrokfastEma f = new GrokfastEma(0.5, 2.0);
    f.init(p, 0);
    // ema starts at the first gradient: ema1 = 4 -> out 4 + 2*4 = 12
    assertEquals(12f, step(f, p, g, 4f, 0), 1e-6);
    // ema2 = 0.5*4 + 0.5*2 = 3 -> out 2 + 6 = 8
    assertEquals(8f, step(f, p, g, 2f, 1), 1e-6);
    // ema3 = 0.5*3 + 0.5*(-1) = 1 -> out -1 + 2 = 1
    assertEquals(1f, step(f, p, g, -1f, 2), 1e-6);
  }

  @Test
  void maAddsTheWindowMeanOnceTheWindowIsFull() {
    ParamSet p = one(), g = one();
    GrokfastMa f = new GrokfastMa(3, 5.0);
    f.init(p, 0);
    assertEquals(1f, step(f, p, g, 1f, 0), 0); // window not full: unchanged
    assertEquals(2f, step(f, p, g, 2f, 1), 0);
    assertEquals(3f + 5f * 2f, step(f, p, g, 3f, 2), 1e-5); // mean(1,2,3) = 2
    assertEquals(7f + 5f * 4f, step(f, p, g, 7f, 3), 1e-5); // mean(2,3,7) = 4
    assertEquals(-2f + 5f * (8f / 3f), step(f, p, g, -2f, 4), 1e-5); // mean(3,7,-2)
  }

  @Test
  void filtersRunBeforeTheOptimizerInChainOrder() {
    ParamSet p = one(), g = one();
    GradientTransform c = Transforms.chain(Transforms.grokfastEma(0.5, 1.0), Transforms.sgd(0.1));
    c.init(p, 0);
    // first step: ema = g = 2, filtered g = 4, update = -0.1 * 4
    assertEquals(-0.4f, step(c, p, g, 2f, 0), 1e-6);
  }

  @Test
  void badSettingsNameTheParameter() {
    assertEquals("ema_alpha", assertThrows(dev.egd.ValidationException.class, () -> new GrokfastEma(1.0, 2.0)).parameter());
    assertThrows(IllegalArgumentException.class, () -> new GrokfastEma(-0.1, 2.0));
    assertThrows(IllegalArgumentException.class, () -> new GrokfastEma(0.9, -1));
    assertThrows(IllegalArgumentException.class, () -> new GrokfastMa(0, 5));
    assertThrows(IllegalArgumentException.class, () -> new GrokfastMa(10, -5));
  }
}
