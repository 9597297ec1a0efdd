package dev.egd.toy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TwoScaleToyTest {
  @Test
  void gdStepsGrowLinearlyInOneOverEpsWhileEgdStepsStayFlat() {
    TwoScaleToy toy = new TwoScaleToy(TwoScaleToy.Settings.defaults());
    double[] eps = {1e-1, 3e-2, 1e-2, 3e-3, 1e-3};
    TwoScaleToy.Result[] r = new TwoScaleToy.Result[eps.length];
    for (int i = 0; i < eps.length; i++) {
      r[i] = toy.run(eps[i]);
      assertTrue(r[i].gdSteps() > 0 && r[i].egdSteps() > 0, "both converge at eps " + eps[i]);
      assertTrue(r[i].gdError() <= 1e-3 && r[i].egdError() <= 1e-3);
      // GD: within the bound ln(1/tol)/(-ln(1 - lr eps)) and at least 80% of it
      assertTrue(r[i].gdSteps() <= r[i].gdBound() && r[i].gdSteps() >= 0.8 * r[i].gdBound(), r[i].toString());
    }
    for (int i = 1; i < eps.length; i++) {
      double ratio = (double) r[i].gdSteps() / r[0].gdSteps(), want = eps[0] / eps[i];
      assertEquals(want, ratio, 0.1 * want, "GD steps scale as 1/eps");
      assertEquals(r[0].egdSteps(), r[i].egdSteps(), "EGD steps do not depend on eps");
    }
    assertTrue(r[0].egdSteps() <= 15, "EGD: about ln(1/tol)/ln(2) steps: " + r[0].egdSteps());
  }

  @Test
  void egdConvergesForOtherDecaysAndSizesToo() {
    TwoScaleToy toy = new TwoScaleToy(new TwoScaleToy.Settings(8, 2.0, 0.5, 0.2, 0.8, 1e-4, 100_000, 3));
    TwoScaleToy.Result fast = toy.run(1e-1), slow = toy.run(1e-4);
    assertTrue(fast.egdSteps() > 0 && Math.abs(fast.egdSteps() - slow.egdSteps()) <= 1, fast + " vs " + slow);
    assertTrue(slow.gdSteps() < 0, "GD does not converge within the cap at eps 1e-4");
  }

  @Test
  void settingsAreChecked() {
    assertThrows(IllegalArgumentException.class, () -> new TwoScaleToy.Settings(3, 1, 1, 0.5, 0.5, 1e-3, 10, 0));
    assertThrows(IllegalArgumentException.class, () -> new TwoScaleToy.Settings(4, 1, 2, 0.5, 0.5, 1e-3, 10, 0));
    assertThrows(IllegalArgumentException.class, () -> new TwoScaleToy.Settings(4, 1, 1, 0.1, 0.5, 1e-3, 10, 0));
    assertThrows(IllegalArgumentException.class, () -> new TwoScaleToy.Settings(4, 1, 1, 0.5, 0.4, 1e-3, 10, 0));
    TwoScaleToy toy = new TwoScaleToy(TwoScaleToy.Settings.defaults());
    assertThrows(IllegalArgumentException.class, () -> toy.run(1.0));
  }
}
