package dev.egd.djl;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.optimizer.Optimizer;
import dev.egd.data.Dataset;
import dev.egd.data.Mnist;
import dev.egd.data.Split;
import dev.egd.nn.Batch;
import dev.egd.nn.LossStats;
import dev.egd.nn.Mlp;
import dev.egd.nn.MseOneHot;
import dev.egd.nn.ParamSet;
import dev.egd.nn.Tensor;
import dev.egd.optim.AdamOptions;
import dev.egd.optim.GradientTransform;
import dev.egd.optim.ParamSelector;
import dev.egd.optim.Transforms;
import dev.egd.util.Rng;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The paper's MNIST MLP (784-200-200-10, ReLU, initialisation x8, MSE on one-hot targets, AdamW lr
 * 1e-3) trained side by side in DJL (PyTorch's CPU engine, through EgdOptimizer) and in egd's own
 * engine, from the same weights on the same batches, with three chains: plain AdamW (wd 0.01, the
 * papers' baseline), exact EGD on all three weight matrices, and Grokfast-EMA (alpha 0.8, lambda
 * 0.1), both at wd 2.0 as the papers run them. Distances are relative: the Frobenius norm of the
 * difference over the norm of egd's value, per parameter, the largest over parameters reported.
 *
 * <p>Three things differ between the sides, measured here (2 cores, PyTorch 2.7.1 CPU, OpenBLAS
 * 0.3.31), and the bounds asserted are 3x to 20x what was measured:
 * <ol>
 *   <li>float32 rounding in the GEMMs (PyTorch's kernels against OpenBLAS, other summation orders):
 *       the gradients of the first step differ by 2.0e-7 to 2.3e-7;
 *   <li>where Adam's epsilon sits. DJL's adamUpdate (also MXNet's) steps by
 *       {@code lr sqrt(1-b2^t)/(1-b1^t) m/(sqrt(v)+eps)}, torch and egd by
 *       {@code lr/(1-b1^t) m/(sqrt(v/(1-b2^t))+eps)}: in effect DJL's epsilon is 1/sqrt(1-b2^t) times
 *       larger (31.6x at t = 1), which moves the elements whose gradient is below ~1e-5 differently.
 *       With eps = 1e-8 this alone puts the parameters 1.1e-5 apart (W2) after one step. With eps =
 *       1e-30 on both sides the formulas coincide (m = v = 0 still gives 0), and one step of AdamW or
 *       Grokfast agrees to 4e-8 to 7e-8: rounding;
 *   <li>EGD amplifies rounding: U V^T of gradients 2.3e-7 apart are up to 4.5e-5 apart. W2's
 *       gradient is numerically rank-deficient (182 of its 200 singular values pass the rank cut-off
 *       of 200 * 2^-23 of the largest; the rest reach down to 1e-12), and a perturbation of U V^T
 *       grows as the rounding over the smallest singular values kept; W1's (190 of 200 kept) differ
 *       by 1.3e-5, W3's by 3.6e-5 (the float32 Gram route, at condition number 56). Meanwhile EGD
 *       on DJL's [out, in] view of egd's own gradient is the transpose of egd's result to 1.7e-8
 *       ({@link #egdOnDjlsViewIsTheTransposeOfEgdOnEgds}). So one EGD step agrees to 6e-8 on every
 *       parameter but W2, which is 4.3e-5 apart.
 * </ol>
 * Over 20 steps with the paper's eps = 1e-8, the largest relative difference of the per-step batch
 * losses was 1.2e-4 (AdamW), 4.3e-4 (EGD) and 1.1e-6 (Grokfast-EMA), and after 20 steps the
 * parameters were at most 1.0e-4, 2.1e-3 and 3.1e-5 apart.
 */
class EquivalenceTest {
  static final int BATCH = 200, STEPS = 20;
  static Split data;
  static int[][] batches;

  @BeforeAll static void load() throws IOException {
    data = Mnist.load(null, 1000);
    // the batches both sides see: 5 per epoch of a fresh shuffle of the 1,000 training digits
    batches = new int[STEPS][];
    Rng rng = new Rng(42);
    int[] perm = MnistModels.range(data.train().size);
    for (int s = 0; s < STEPS; s++) {
      if (s % 5 == 0) rng.shuffle(perm, perm.length);
      batches[s] = java.util.Arrays.copyOfRange(perm, (s % 5) * BATCH, (s % 5 + 1) * BATCH);
    }
  }

  /** egd's engine driven batch by batch: forward, MSE, backward, the chain, params += update. */
  static final class EgdSide {
    final Mlp mlp = new Mlp(new int[] {784, 200, 200, 10}, true, true);
    final ParamSet grads = mlp.params().zerosLike();
    final Mlp.Workspace ws = mlp.newWorkspace(BATCH);
    final MseOneHot loss = new MseOneHot();
    final GradientTransform chain;
    Batch batch;
    long step;

    EgdSide(GradientTransform chain) { this(chain, 1); }

    /** With the transforms spread over this many threads (egd's engine runs each matrix's kernel on one). */
    EgdSide(GradientTransform chain, int threads) {
      mlp.initUniformFanIn(new Rng(7), 8);
      this.chain = chain;
      chain.init(mlp.params(), threads == 1 ? dev.egd.optim.InitContext.of(0)
          : dev.egd.optim.InitContext.of(0, new dev.egd.util.Workers(threads), new dev.egd.optim.TestAccuracy()));
    }

    /** Forward, loss and backward of the examples idx into grads; returns the mean loss. */
    double gradient(Dataset d, int[] idx) {
      if (batch == null) batch = d.newBatch(BATCH);
      LossStats stats = new LossStats();
      d.gather(idx, 0, idx.length, batch);
      mlp.forward(batch, ws);
      loss.evaluate(ws.out(), mlp.outputDim(), batch, ws.dOut(), 1f / idx.length, stats);
      mlp.backward(batch, ws, grads);
      return stats.meanLoss();
    }

    double step(Dataset d, int[] idx) {
      double l = gradient(d, idx);
      chain.update(grads, mlp.params(), step++);
      mlp.params().add(grads);
      return l;
    }
  }

  /** DJL's name of egd's parameter: W1 -> 01Linear_weight, b2 -> 03Linear_bias. */
  static String djlName(String egd) {
    int layer = Integer.parseInt(egd.substring(1));
    return String.format(Locale.ROOT, "%02dLinear_%s", 2 * layer - 1, egd.charAt(0) == 'W' ? "weight" : "bias");
  }

  /** egd's W (fan_in x fan_out, row-major) as DJL's Linear weight (out x in), or a bias as it is. */
  static float[] asDjl(Tensor t) {
    if (t.kind != Tensor.Kind.WEIGHT) return t.data.clone();
    float[] out = new float[t.size()];
    for (int r = 0; r < t.rows; r++) for (int c = 0; c < t.cols; c++) out[c * t.rows + r] = t.data[r * t.cols + c];
    return out;
  }

  static DjlRun djlSide(EgdSide egd, Function<Block, Optimizer> optimizer) {
    DjlRun run = new DjlRun(MnistModels.mlp(), new Shape(1, 784), MnistModels.mse(), optimizer);
    for (Tensor t : egd.mlp.params().tensors()) run.block.getParameters().get(djlName(t.name)).getArray().set(asDjl(t));
    return run;
  }

  /** Largest over parameters of ||djl - egd^T|| / ||egd||. */
  static double worstRelative(EgdSide egd, DjlRun djl, StringBuilder detail) {
    Map<String, float[]> values = djl.values();
    double worst = 0;
    for (Tensor t : egd.mlp.params().tensors()) {
      float[] want = asDjl(t), got = values.get(djlName(t.name));
      double diff = 0, norm = 0;
      for (int i = 0; i < want.length; i++) {
        diff += Math.pow(got[i] - want[i], 2);
        norm += Math.pow(want[i], 2);
      }
      double rel = Math.sqrt(diff / norm);
      detail.append(String.format(Locale.ROOT, " %s %.1e", t.name, rel));
      worst = Math.max(worst, rel);
    }
    return worst;
  }

  static final double LR = 1e-3, PAPER_EPS = 1e-8, MATCHED_EPS = 1e-30;

  static Optimizer djlAdamW(double wd, double eps) {
    return Optimizer.adamW().optLearningRateTracker(ai.djl.training.tracker.Tracker.fixed((float) LR)).optBeta1(0.9f).optBeta2(0.999f)
        .optEpsilon((float) eps).optWeightDecays((float) wd).build();
  }

  static GradientTransform egdAdamW(double wd, double eps) { return Transforms.adamw(LR, wd, AdamOptions.DEFAULT.withEps(eps)); }

  /** One of the three chains, on both sides. */
  enum Method {
    ADAMW(0.01), EGD(2.0), GROKFAST_EMA(2.0),
    /** For timing only: on [out, in] and on egd's [in, out] randomized EGD is not the same method. */
    EGD_RSVD4(2.0),
    /** For timing only: column normalisation does not commute with the transpose either. */
    COLNORM(2.0),
    /** For timing only: EGD with the three matrices' kernels on two threads at once (EgdOptimizer.parallel(2); egd's engine on 2 workers). */
    EGD_PARALLEL2(2.0);

    final double wd;

    Method(double wd) { this.wd = wd; }

    /** Threads egd's engine spreads the transforms over. */
    int threads() { return this == EGD_PARALLEL2 ? 2 : 1; }

    GradientTransform egd(double eps) {
      switch (this) {
        case EGD:
        case EGD_PARALLEL2: return Transforms.chain(Transforms.egd(ParamSelector.all()), egdAdamW(wd, eps));
        case GROKFAST_EMA: return Transforms.chain(Transforms.grokfastEma(0.8, 0.1), egdAdamW(wd, eps));
        case EGD_RSVD4: return Transforms.chain(Transforms.egdRandomized(ParamSelector.all(), 4), egdAdamW(wd, eps));
        case COLNORM: return Transforms.chain(Transforms.colnorm(ParamSelector.all()), egdAdamW(wd, eps));
        default: return Transforms.chain(egdAdamW(wd, eps));
      }
    }

    Function<Block, Optimizer> djl(double eps) {
      switch (this) {
        case EGD: return b -> EgdOptimizer.builder(djlAdamW(wd, eps), b).egd(MnistModels.WEIGHTS).build();
        case EGD_PARALLEL2: return b -> EgdOptimizer.builder(djlAdamW(wd, eps), b).egd(MnistModels.WEIGHTS).parallel(2).build();
        case GROKFAST_EMA: return b -> EgdOptimizer.builder(djlAdamW(wd, eps), b).grokfastEma(0.8, 0.1).build();
        case EGD_RSVD4: return b -> EgdOptimizer.builder(djlAdamW(wd, eps), b).egdRandomized(MnistModels.WEIGHTS, 4).build();
        case COLNORM: return b -> EgdOptimizer.builder(djlAdamW(wd, eps), b).colnorm(MnistModels.WEIGHTS).build();
        default: return b -> djlAdamW(wd, eps);
      }
    }
  }

  /**
   * Runs both sides for the given steps; returns {params after 1 step, largest loss-curve difference,
   * params at the end}, all relative, and prints them.
   */
  static double[] compare(Method method, double eps, int steps) {
    EgdSide egd = new EgdSide(method.egd(eps));
    try (DjlRun djl = djlSide(egd, method.djl(eps))) {
      StringBuilder start = new StringBuilder(), one = new StringBuilder(), end = new StringBuilder(), curve = new StringBuilder();
      double atStart = worstRelative(egd, djl, start);
      assertTrue(atStart == 0, "the same initial weights");
      double worstLoss = 0, afterOne = 0;
      for (int s = 0; s < steps; s++) {
        double le = egd.step(data.train(), batches[s]);
        double ld = djl.step(data.train(), batches[s], 0, BATCH);
        worstLoss = Math.max(worstLoss, Math.abs(ld - le) / Math.abs(le));
        if (s < 2 || s == steps - 1) curve.append(String.format(Locale.ROOT, " %d: %.6g/%.6g", s + 1, le, ld));
        if (s == 0) afterOne = worstRelative(egd, djl, one);
      }
      double atEnd = worstRelative(egd, djl, end);
      System.out.printf(Locale.ROOT, "equivalence %s eps=%.0e: after 1 step%s; loss (egd/djl)%s, worst %.1e; after %d steps%s%n",
          method, eps, one, curve, worstLoss, steps, end);
      return new double[] {afterOne, worstLoss, atEnd};
    }
  }

  static void check(String what, double measured, double bound) {
    assertTrue(measured < bound, what + ": " + measured + " (bound " + bound + ")");
  }

  /** One step with Adam's formulas made to coincide: rounding alone, amplified by EGD on W2 (see above). */
  @Test void oneStepAgreesWhenAdamsFormulasCoincide() {
    check("adamw after 1 step", compare(Method.ADAMW, MATCHED_EPS, 1)[0], 1e-6); // measured 6.6e-8
    check("grokfast-ema after 1 step", compare(Method.GROKFAST_EMA, MATCHED_EPS, 1)[0], 1e-6); // 5.6e-8
    check("egd after 1 step", compare(Method.EGD, MATCHED_EPS, 1)[0], 2e-4); // 4.3e-5 on W2, 5.6e-8 on the rest
  }

  @Test void adamWOverTwentySteps() {
    double[] r = compare(Method.ADAMW, PAPER_EPS, STEPS);
    check("after 1 step", r[0], 5e-5); // 1.1e-5: Adam's epsilon
    check("loss curves", r[1], 5e-4); // 1.2e-4
    check("after 20 steps", r[2], 5e-4); // 1.0e-4
  }

  @Test void egdOverTwentySteps() {
    double[] r = compare(Method.EGD, PAPER_EPS, STEPS);
    check("after 1 step", r[0], 2e-4); // 4.0e-5
    check("loss curves", r[1], 2e-3); // 4.3e-4
    check("after 20 steps", r[2], 1e-2); // 2.1e-3
  }

  @Test void grokfastEmaOverTwentySteps() {
    double[] r = compare(Method.GROKFAST_EMA, PAPER_EPS, STEPS);
    check("after 1 step", r[0], 5e-5); // 1.0e-5: Adam's epsilon
    check("loss curves", r[1], 2e-5); // 1.1e-6
    check("after 20 steps", r[2], 2e-4); // 3.1e-5
  }

  /**
   * The glue alone: egd's own first-step gradient, handed to EgdOptimizer as DJL's [out, in]
   * gradient (SGD, lr 1, so the update is the transformed gradient), comes out as the transpose of
   * what egd's Egd transform makes of the [in, out] original, for all three weight matrices.
   */
  @Test void egdOnDjlsViewIsTheTransposeOfEgdOnEgds() {
    EgdSide egd = new EgdSide(Transforms.chain(Transforms.egd(ParamSelector.all()), Transforms.sgd(1)));
    egd.gradient(data.train(), batches[0]);
    ParamSet raw = egd.grads.zerosLike();
    raw.copyFrom(egd.grads);
    egd.chain.update(egd.grads, egd.mlp.params(), 0); // egd.grads: -EGD(g) on the weights
    try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
      Block block = MnistModels.mlp();
      block.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(1, 784));
      try (EgdOptimizer opt = EgdOptimizer.builder(Optimizer.sgd().setLearningRateTracker(ai.djl.training.tracker.Tracker.fixed(1f)).build(), block)
          .egd(MnistModels.WEIGHTS).build()) {
        for (int l = 1; l <= 3; l++) {
          ai.djl.nn.Parameter w = block.getParameters().get(djlName("W" + l));
          w.getArray().set(new float[Math.toIntExact(w.getArray().size())]); // zero: the new value is minus the update
          ai.djl.ndarray.NDArray g = m.create(asDjl(raw.get("W" + l)), w.getArray().getShape());
          opt.update(w.getId(), w.getArray(), g);
          float[] got = w.getArray().toFloatArray(), want = asDjl(egd.grads.get("W" + l)); // both are -EGD(g)
          double diff = 0, norm = 0;
          for (int i = 0; i < got.length; i++) {
            diff += Math.pow(got[i] - want[i], 2);
            norm += Math.pow(want[i], 2);
          }
          System.out.printf(Locale.ROOT, "equivalence egd transpose W%d: %.1e%n", l, Math.sqrt(diff / norm));
          check("W" + l, Math.sqrt(diff / norm), 1e-5); // measured 0, 1.7e-8, 3.7e-7 (W3: float32 Gram route)
        }
      }
    }
  }
}
