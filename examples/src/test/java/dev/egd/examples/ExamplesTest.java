package dev.egd.examples;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The examples run as a user would run them, and do what they claim. */
class ExamplesTest {
  @Test
  void ownLoopEgdLowersTheLossWherePlainGradientDescentStalls() {
    OwnTrainingLoop.Outcome o = OwnTrainingLoop.run(200);
    assertTrue(o.egdLoss() < 0.01 * o.initialLoss() && o.gdLoss() < 0.01 * o.initialLoss(), "both bring the loss down: " + o);
    assertTrue(o.gdError() > 0.5, "plain GD leaves the small-scale half of W where it started: " + o);
    assertTrue(o.egdError() < 0.1, "EGD finds all of W: " + o);
  }

  @Test
  void chainOnTheModularTaskGroksBeforePlainSgd() {
    ModularChain.Outcome o = ModularChain.run(31, 0.6, 2000);
    assertNotNull(o.egdEpochs(), "EGD reaches the target");
    assertNull(o.sgdEpochs(), "plain SGD does not within twice EGD's epochs: " + o);
  }
}
