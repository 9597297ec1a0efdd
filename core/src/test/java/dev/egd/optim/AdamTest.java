package dev.egd.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.egd.nn.ParamSet;
import dev.egd.nn.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdamTest {
  private static ParamSet one(float v) {
    ParamSet p = new ParamSet(List.of(new Tensor("w", 1, 1, Tensor.Kind.BIAS)));
    p.get(0).data[0] = v;
    return p;
  }

  /** One parameter p = 2 with gradients 0.5 then -1; lr 0.1, betas (0.9, 0.98), eps 1e-8, wd 0.1, no warm-up. */
  @Test
  void adamMatchesTwoHandComputedSteps() {
    ParamSet p = one(2f), g = one(0f);
    Adam adam = new Adam(0.1, new AdamOptions(0.9, 0.98, 1e-8, 0, 0), 0.1, false);
    adam.init(p, 0);
    // step 1: g' = 0.5 + 0.1*2 = 0.7; m = 0.07, v = 0.02*0.49 = 0.0098; mhat = 0.7, vhat = 0.49; update = -0.1*0.7/0.7 = -0.1
    g.get(0).data[0] = 0.5f;
    adam.update(g, p, 0);
    assertEquals(-0.1, g.get(0).data[0], 1e-6);
    p.get(0).data[0] += g.get(0).data[0]; // p = 1.9
    // step 2: g' = -1 + 0.19 = -0.81; m = 0.063 - 0.081 = -0.018; v = 0.98*0.0098 + 0.02*0.6561 = 0.022726
    // mhat = -0.018/0.19 = -0.0947368; vhat = 0.022726/0.0396 = 0.5738889; update = -0.1*mhat/sqrt(vhat)
    g.get(0).data[0] = -1f;
    adam.update(g, p, 1);
    assertEquals(-0.1 * (-0.018 / 0.19) / Math.sqrt(0.022726 / 0.0396), g.get(0).data[0], 1e-6);
  }

  @Test
  void adamwDecaysTheParameterInsteadOfTheGradient() {
    ParamSet p = one(2f), g = one(0.5f);
    Adam adamw = new Adam(0.1, new AdamOptions(0.9, 0.98, 1e-8, 0, 0), 0.1, true);
    adamw.init(p, 0);
    adamw.update(g, p, 0);
    // m = 0.05, v = 0.005; mhat = 0.5, vhat = 0.25 -> step -0.1; decay -0.1*0.1*2 = -0.02
    assertEquals(-0.12, g.get(0).data[0], 1e-6);
  }

  @Test
  void warmUpStartsAtZeroAndReachesTheRateAfterTheWarmUpSteps() {
    Adam a = new Adam(1e-3, new AdamOptions(0.9, 0.98, 1e-8, 0, 10), 0, false);
    assertEquals(0.0, a.learningRate(0));
    assertEquals(5e-4, a.learningRate(5), 1e-9); // lr is kept in float32
    assertEquals(1e-3, a.learningRate(10), 1e-9);
    assertEquals(1e-3, a.learningRate(1000), 1e-9);
    ParamSet p = one(1f), g = one(3f);
    a.init(p, 0);
    a.update(g, p, 0);
    assertEquals(0.0, g.get(0).data[0], 0.0); // the first update has lr 0 (0 or -0)
  }

  @Test
  void badSettingsNameTheParameter() {
    dev.egd.ValidationException e = assertThrows(dev.egd.ValidationException.class, () -> new Adam(1e-3, new AdamOptions(1.0, 0.98, 1e-8, 0, 0), 0, false));
    assertEquals("beta1 must be in [0, 1): 1.0", e.getMessage());
    assertEquals("beta1", e.parameter());
    assertEquals(1.0, e.value());
    assertThrows(IllegalArgumentException.class, () -> new Adam(1e-3, new AdamOptions(0.9, -0.1, 1e-8, 0, 0), 0, false));
    assertThrows(IllegalArgumentException.class, () -> new Adam(1e-3, new AdamOptions(0.9, 0.98, 0, 0, 0), 0, false));
    assertThrows(IllegalArgumentException.class, () -> new Adam(0, new AdamOptions(0.9, 0.98, 1e-8, 0, 0), 0, false));
  }
}
