package dev.egd.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.egd.linalg.ExactEgd;
import dev.egd.util.Rng;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** EgdOptimizer on hand-made gradients: selection, matrix views, device copies, switch-off, arrays. */
class EgdOptimizerTest {
  static Optimizer sgd(float lr) { return Optimizer.sgd().setLearningRateTracker(Tracker.fixed(lr)).build(); }

  /** A block initialised on m for the given input shape (no trainer: the tests call update themselves). */
  static Block initialised(Block b, NDManager m, Shape input) {
    b.initialize(m, DataType.FLOAT32, input);
    return b;
  }

  static NDArray random(NDManager m, Shape s, long seed) {
    Rng rng = new Rng(seed);
    float[] v = new float[Math.toIntExact(s.size())];
    rng.fillGaussian(v, v.length, 1.0);
    return m.create(v, s);
  }

  static Parameter param(Block b, String name) { return b.getParameters().get(name); }

  @Test void aPatternMatchingNothingNamesTheParameters() {
    Block mlp = MnistModels.mlp();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EgdOptimizer.builder(sgd(1), mlp).egd("W1").build());
    assertTrue(e.getMessage().contains("01Linear_weight") && e.getMessage().contains("05Linear_bias"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> EgdOptimizer.builder(sgd(1), mlp).egd("(").build());
    assertThrows(IllegalArgumentException.class, () -> EgdOptimizer.builder(sgd(1), mlp).grokfastEma(1.5, 1).build());
    assertThrows(IllegalArgumentException.class, () -> EgdOptimizer.builder(sgd(1), mlp).egdRandomized(".*", 0).build());
  }

  @Test void aMatrixTransformOnVectorsOnlyIsRefusedOnceShapesAreKnown() {
    try (NDManager m = NDManager.newBaseManager()) {
      Block mlp = initialised(MnistModels.mlp(), m, new Shape(1, 784));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EgdOptimizer.builder(sgd(1), mlp).egd(".*_bias").build());
      assertTrue(e.getMessage().contains("not matrices") && e.getMessage().contains("03Linear_weight"), e.getMessage());
      // Grokfast takes vectors; a pattern mixing both gives EGD the matrices only
      EgdOptimizer opt = EgdOptimizer.builder(sgd(1), mlp).egd("0[13]Linear_.*").grokfastEma(".*_bias", 0.8, 0.1).build();
      assertEquals(Map.of("01Linear_weight", List.of("egd"), "03Linear_weight", List.of("egd"), "01Linear_bias", List.of("grokfast-ema"),
          "03Linear_bias", List.of("grokfast-ema"), "05Linear_bias", List.of("grokfast-ema")), opt.plan());
      assertTrue(opt.describe().startsWith("egd('0[13]Linear_.*') -> grokfast-ema"), opt.describe());
    }
  }

  /** Bad input is egd's ValidationException, naming the setting in egd's terms and what is valid. */
  @Test void badInputNamesTheSetting() {
    Block mlp = MnistModels.mlp();
    dev.egd.ValidationException e = assertThrows(dev.egd.ValidationException.class, () -> EgdOptimizer.builder(sgd(1), mlp).egd("W1").build());
    assertEquals("egd_layers", e.parameter());
    assertEquals("rank", assertThrows(dev.egd.ValidationException.class, () -> EgdOptimizer.builder(sgd(1), mlp).egdRandomized(".*", 0)).parameter());
    assertEquals("ema_alpha", assertThrows(dev.egd.ValidationException.class, () -> EgdOptimizer.builder(sgd(1), mlp).grokfastEma(1.5, 1)).parameter());
    assertEquals("switch_off", assertThrows(dev.egd.ValidationException.class, () -> EgdOptimizer.builder(sgd(1), mlp).switchOff(0)).parameter());
  }

  /**
   * A randomized EGD rank above a selected matrix's limit min(rows, cols) is refused once the shapes
   * are known: LeNet's first kernel is 6 x 25, so rank 8 on every weight names it.
   */
  @Test void aRankAboveAConvKernelsLimitIsRefused() {
    try (NDManager m = NDManager.newBaseManager()) {
      Block lenet = initialised(MnistModels.lenet(), m, new Shape(1, 1, 28, 28));
      dev.egd.ValidationException e = assertThrows(dev.egd.ValidationException.class,
          () -> EgdOptimizer.builder(sgd(1), lenet).egdRandomized(MnistModels.WEIGHTS, 8).build());
      assertEquals("rank", e.parameter());
      assertTrue(e.getMessage().contains("[1, 6]") && e.getMessage().contains("01Conv2d_weight"), e.getMessage());
      EgdOptimizer.builder(sgd(1), lenet).egdRandomized(MnistModels.WEIGHTS, 6).build().close();
      EgdOptimizer.builder(sgd(1), lenet).egdRandomized(".*Linear_weight", 8).build().close();
    }
  }

  /** The paper's re-checked rule (core's SwitchOffMode.RECHECK): EGD runs exactly while the latest accuracy is at or below the threshold. */
  @Test void aRecheckedSwitchOffTurnsBackOn() {
    try (NDManager m = NDManager.newBaseManager()) {
      Block lin = initialised(Linear.builder().setUnits(5).build(), m, new Shape(1, 7));
      Parameter w = param(lin, "weight");
      try (EgdOptimizer opt = EgdOptimizer.builder(sgd(1), lin).egd("weight").switchOff(0.9, dev.egd.optim.SwitchOffMode.RECHECK).build()) {
        NDArray g = random(m, new Shape(5, 7), 4);
        opt.update(w.getId(), w.getArray(), g);
        assertFalse(opt.reportTestAccuracy(0.95, 3));
        opt.update(w.getId(), w.getArray(), g);
        assertEquals(1, opt.steps("weight"));
        assertTrue(opt.reportTestAccuracy(0.5, 4));
        opt.update(w.getId(), w.getArray(), g);
        assertEquals(2, opt.steps("weight"));
        assertEquals(2L, opt.stats().get("preconditioned_steps"));
        assertEquals(3L, opt.stats().get("switched_off_after_epoch"));
      }
    }
  }

  /** SGD with lr 1 turns the weight change into minus the transformed gradient. */
  static float[] delta(NDArray before, NDArray after) {
    float[] a = before.toFloatArray(), b = after.toFloatArray();
    for (int i = 0; i < a.length; i++) a[i] = a[i] - b[i];
    return a;
  }

  static void assertClose(float[] want, float[] got, double tol) {
    assertEquals(want.length, got.length);
    for (int i = 0; i < want.length; i++) assertEquals(want[i], got[i], tol, "element " + i);
  }

  @Test void egdOnALinearWeightIsUVtOfTheOutByInMatrixAndBiasesPassUntouched() {
    try (NDManager m = NDManager.newBaseManager()) {
      Block lin = initialised(Linear.builder().setUnits(5).build(), m, new Shape(1, 7));
      Parameter w = param(lin, "weight"), b = param(lin, "bias");
      try (EgdOptimizer opt = EgdOptimizer.builder(sgd(1), lin).egd("weight").build()) {
        NDArray g = random(m, new Shape(5, 7), 1), gb = random(m, new Shape(5), 2);
        NDArray w0 = w.getArray().duplicate(), b0 = b.getArray().duplicate();
        opt.update(w.getId(), w.getArray(), g);
        opt.update(b.getId(), b.getArray(), gb);
        float[] want = new float[35];
        new ExactEgd(5, 7).apply(g.toFloatArray(), want);
        assertClose(want, delta(w0, w.getArray()), 1e-6);
        assertClose(gb.toFloatArray(), delta(b0, b.getArray()), 0);
        assertEquals(1, opt.steps("weight"));
        assertEquals(0, opt.steps("bias"));
      }
    }
  }

  @Test void aConvolutionKernelIsTheOutByInTimesKernelMatrixWhoseRowsBecomeOrthonormal() {
    try (NDManager m = NDManager.newBaseManager()) {
      Block conv = initialised(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(4).build(), m, new Shape(1, 3, 8, 8));
      Parameter w = param(conv, "weight");
      assertEquals(new Shape(4, 3, 3, 3), w.getArray().getShape());
      assertArrayEquals(new int[] {4, 27}, EgdOptimizer.matrixView(w.getArray().getShape().getShape()));
      try (EgdOptimizer opt = EgdOptimizer.builder(sgd(1), conv).egd("weight").build()) {
        NDArray g = random(m, w.getArray().getShape(), 3);
        NDArray w0 = w.getArray().duplicate();
        opt.update(w.getId(), w.getArray(), g);
        float[] d = delta(w0, w.getArray()), want = new float[108];
        new ExactEgd(4, 27).apply(g.toFloatArray(), want);
        assertClose(want, d, 1e-6);
        // D D^T = I (4 x 4): every output channel's direction moves at unit speed
        for (int i = 0; i < 4; i++) {
          for (int j = 0; j < 4; j++) {
            double dot = 0;
            for (int k = 0; k < 27; k++) dot += (double) d[i * 27 + k] * d[j * 27 + k];
            assertEquals(i == j ? 1 : 0, dot, 1e-5);
          }
        }
      }
    }
  }

  /**
   * DJL's LocalParameterServer calls update once per device copy with the same summed gradient. The
   * transforms must advance once per step: a run with two copies gives each copy what a one-copy run
   * gives its one, and the filter counts 3 steps, not 6.
   */
  @Test void deviceCopiesReuseTheStepsResult() {
    try (NDManager m = NDManager.newBaseManager()) {
      float[][] oneCopy = runCopies(m, 1), twoCopies = runCopies(m, 2);
      assertArrayEquals(oneCopy[0], twoCopies[0]);
      assertArrayEquals(oneCopy[0], twoCopies[1]);
    }
  }

  private static float[][] runCopies(NDManager m, int copies) {
    Block lin = initialised(Linear.builder().setUnits(4).build(), m, new Shape(1, 6));
    Parameter w = param(lin, "weight");
    w.getArray().set(random(m, new Shape(4, 6), 9).toFloatArray());
    NDArray[] weights = new NDArray[copies];
    weights[0] = w.getArray();
    for (int c = 1; c < copies; c++) weights[c] = w.getArray().duplicate();
    try (EgdOptimizer opt = EgdOptimizer.builder(sgd(0.1f), lin).egd("weight").grokfastEma(0.8, 2).build()) {
      for (int step = 0; step < 3; step++) {
        NDArray g = random(m, new Shape(4, 6), 100 + step);
        for (NDArray copy : weights) opt.update(w.getId(), copy, g);
      }
      assertEquals(3, opt.steps("weight"));
      float[][] out = new float[copies][];
      for (int c = 0; c < copies; c++) out[c] = weights[c].toFloatArray();
      return out;
    }
  }

  /** An engine that hands over a new weight object every step is not mistaken for one with more devices. */
  @Test void aNewWeightObjectAfterOtherParametersIsANewStep() {
    try (NDManager m = NDManager.newBaseManager()) {
      Block lin = initialised(Linear.builder().setUnits(4).build(), m, new Shape(1, 6));
      Parameter w = param(lin, "weight"), b = param(lin, "bias");
      try (EgdOptimizer opt = EgdOptimizer.builder(sgd(0.1f), lin).grokfastEma(0.8, 2).build()) {
        for (int step = 0; step < 3; step++) {
          opt.update(w.getId(), w.getArray().duplicate(), random(m, new Shape(4, 6), step));
          opt.update(b.getId(), b.getArray().duplicate(), random(m, new Shape(4), 10 + step));
        }
        assertEquals(3, opt.steps("weight"));
        assertEquals(3, opt.steps("bias"));
      }
    }
  }

  @Test void theSwitchOffStopsEgdForGoodButNotGrokfast() {
    try (NDManager m = NDManager.newBaseManager()) {
      Block lin = initialised(Linear.builder().setUnits(5).build(), m, new Shape(1, 7));
      Parameter w = param(lin, "weight"), b = param(lin, "bias");
      try (EgdOptimizer opt = EgdOptimizer.builder(sgd(1), lin).egd("weight").grokfastEma("bias", 0.5, 1).switchOff(0.9).build()) {
        assertTrue(opt.reportTestAccuracy(0.9)); // not above
        assertTrue(opt.preconditioning());
        NDArray g = random(m, new Shape(5, 7), 4), gb = random(m, new Shape(5), 5);
        opt.update(w.getId(), w.getArray(), g);
        opt.update(b.getId(), b.getArray(), gb);
        assertFalse(opt.reportTestAccuracy(0.95));
        assertEquals(1, opt.switchedOffAtStep());
        assertFalse(opt.reportTestAccuracy(0.1)); // sticky
        NDArray w0 = w.getArray().duplicate(), b0 = b.getArray().duplicate();
        opt.update(w.getId(), w.getArray(), g);
        opt.update(b.getId(), b.getArray(), gb);
        assertClose(g.toFloatArray(), delta(w0, w.getArray()), 1e-6); // plain SGD now
        // grokfast goes on: ema = g (first step), then 0.5 g + 0.5 g = g; update g + 1 * g
        float[] want = gb.toFloatArray();
        for (int i = 0; i < want.length; i++) want[i] *= 2;
        assertClose(want, delta(b0, b.getArray()), 1e-6);
        assertEquals(2, opt.steps("bias"));
        assertEquals(1, opt.steps("weight"));
      }
    }
  }

  /**
   * parallel(2) transforms every parameter at the step's first update call, on two threads, and ends
   * where the sequential order ends, bit for bit (each parameter's transforms are its own); a gradient
   * other than the parameter's own is refused.
   */
  @Test void parallelTransformsMatchTheSequentialOrder() throws Exception {
    dev.egd.data.Split data = dev.egd.data.Mnist.load(null, 1000);
    int[] idx = MnistModels.range(1000);
    Map<Boolean, Map<String, float[]>> end = new java.util.HashMap<>();
    for (boolean parallel : new boolean[] {false, true}) {
      EgdOptimizer[] opt = new EgdOptimizer[1];
      try (DjlRun run = new DjlRun(MnistModels.mlp(), new Shape(1, 784), MnistModels.mse(), b -> opt[0] = EgdOptimizer.builder(MnistModels.adamW(1e-3f, 2f), b)
          .egd(MnistModels.WEIGHTS).egdRandomized("03Linear_weight", 4).grokfastEma(0.8, 0.1).parallel(parallel ? 2 : 1).build())) {
        MnistModels.initFanInUniform(run.block, 8, 0);
        for (int s = 0; s < 4; s++) run.step(data.train(), idx, s * 100, 100);
        end.put(parallel, run.values());
        assertEquals(parallel ? 4 * 6 : 0, opt[0].prefetched, "lane steps run ahead (6 parameters, 4 steps)");
      }
    }
    for (String k : end.get(false).keySet()) assertArrayEquals(end.get(false).get(k), end.get(true).get(k), k);
    try (NDManager m = NDManager.newBaseManager()) {
      Block lin = initialised(Linear.builder().setUnits(5).build(), m, new Shape(1, 7));
      Parameter w = param(lin, "weight");
      w.getArray().setRequiresGradient(true);
      try (EgdOptimizer opt = EgdOptimizer.builder(sgd(1), lin).egd("weight").parallel(2).build()) {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> opt.update(w.getId(), w.getArray(), random(m, new Shape(5, 7), 4)));
        assertTrue(e.getMessage().contains("not the parameter's own gradient"), e.getMessage());
      }
    }
  }

  /** Training steps allocate no NDArray that outlives them: the count after 10 steps is the count after 1. */
  @Test void stepsLeaveNoArraysBehind() throws Exception {
    dev.egd.data.Split data = dev.egd.data.Mnist.load(null, 1000);
    int[] idx = MnistModels.range(1000);
    EgdOptimizer[] opt = new EgdOptimizer[1];
    try (DjlRun run = new DjlRun(MnistModels.mlp(), new Shape(1, 784), MnistModels.mse(), b -> opt[0] = EgdOptimizer.builder(MnistModels.adamW(1e-3f, 2f), b)
        .egd(MnistModels.WEIGHTS).egdRandomized("03Linear_weight", 4).grokfastEma(0.8, 0.1).grokfastMa(".*bias", 3, 1).build())) {
      MnistModels.initFanInUniform(run.block, 8, 0);
      run.step(data.train(), idx, 0, 100);
      int model = run.managedArrays(), own = opt[0].arraysHeld();
      for (int s = 1; s < 10; s++) run.step(data.train(), idx, (s % 10) * 100, 100);
      assertEquals(model, run.managedArrays(), "arrays held by the model's manager (and the trainer's under it)");
      assertEquals(own, opt[0].arraysHeld(), "arrays held by the optimizer");
      assertEquals(6, own, "one transformed gradient per parameter and device");
      assertEquals(10, opt[0].steps());
    }
  }
}
