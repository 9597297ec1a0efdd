package dev.egd.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.evaluator.Accuracy;
import ai.djl.training.listener.TrainingListener;
import ai.djl.util.Pair;
import dev.egd.data.Dataset;
import dev.egd.data.Mnist;
import dev.egd.data.Split;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MnistModelsTest {
  static Split data;

  @BeforeAll static void load() throws IOException { data = Mnist.load(null, 1000); }

  static Map<String, Shape> shapes(Block b) {
    Map<String, Shape> out = new LinkedHashMap<>();
    for (Pair<String, Parameter> p : b.getParameters()) out.put(p.getKey(), p.getValue().getArray().getShape());
    return out;
  }

  @Test void theMlpIs784By200By200By10WithTheNamesTheDocsGive() {
    try (NDManager m = NDManager.newBaseManager()) {
      Block b = MnistModels.mlp();
      b.initialize(m, DataType.FLOAT32, new Shape(1, 784));
      assertEquals(Map.of("01Linear_weight", new Shape(200, 784), "01Linear_bias", new Shape(200), "03Linear_weight", new Shape(200, 200),
          "03Linear_bias", new Shape(200), "05Linear_weight", new Shape(10, 200), "05Linear_bias", new Shape(10)), shapes(b));
    }
  }

  @Test void leNetMapsImagesToTenScoresAndEgdSeesItsKernelsAsMatrices() {
    try (NDManager m = NDManager.newBaseManager()) {
      Block b = MnistModels.lenet();
      b.initialize(m, DataType.FLOAT32, new Shape(1, 1, 28, 28));
      Map<String, Shape> s = shapes(b);
      assertEquals(new Shape(6, 1, 5, 5), s.get("01Conv2d_weight"));
      assertEquals(new Shape(16, 6, 5, 5), s.get("04Conv2d_weight"));
      assertEquals(new Shape(120, 256), s.get("08Linear_weight"));
      assertEquals(new Shape(10, 120), s.get("10Linear_weight"));
      EgdOptimizer opt = EgdOptimizer.builder(MnistModels.adamW(1e-3f, 0), b).egd(MnistModels.WEIGHTS).build();
      assertEquals(List.of("01Conv2d_weight", "04Conv2d_weight", "08Linear_weight", "10Linear_weight"), List.copyOf(opt.plan().keySet()));
    }
  }

  @Test void theLargeInitialisationIsUniformWithinEightOverRootFanIn() {
    try (NDManager m = NDManager.newBaseManager()) {
      Block b = MnistModels.lenet();
      b.initialize(m, DataType.FLOAT32, new Shape(1, 1, 28, 28));
      MnistModels.initFanInUniform(b, 8, 3);
      double[][] expect = {{25, 0}, {150, 0}, {256, 0}, {120, 0}}; // fan-ins of the four layers
      String[] layers = {"01Conv2d", "04Conv2d", "08Linear", "10Linear"};
      for (int l = 0; l < layers.length; l++) {
        double bound = 8 / Math.sqrt(expect[l][0]);
        for (String kind : new String[] {"_weight", "_bias"}) {
          float[] v = b.getParameters().get(layers[l] + kind).getArray().toFloatArray();
          double max = 0;
          for (float x : v) max = Math.max(max, Math.abs(x));
          assertTrue(max <= bound, layers[l] + kind + ": " + max + " > " + bound);
          if (v.length >= 100) assertTrue(max > 0.9 * bound, layers[l] + kind + ": " + max + " far below " + bound);
        }
      }
    }
  }

  /** LeNet with EGD on its kernels and weights, trained by DJL's EasyTrain; the listener switches EGD off. */
  @Test void leNetTrainsWithEgdAndTheListenerSwitchesItOff() throws Exception {
    Dataset train = data.train().subset(MnistModels.range(400)), test = data.test().subset(MnistModels.range(400));
    Block block = MnistModels.lenet();
    try (Model model = Model.newInstance("lenet"); NDManager m = model.getNDManager().newSubManager()) {
      model.setBlock(block);
      EgdOptimizer opt = EgdOptimizer.builder(MnistModels.adamW(2e-3f, 0.01f), block).egd(MnistModels.WEIGHTS).switchOff(0.3).build();
      DefaultTrainingConfig config = new DefaultTrainingConfig(MnistModels.mse()).optOptimizer(opt).addEvaluator(new OneHotAccuracy())
          .addTrainingListeners(TrainingListener.Defaults.basic()).addTrainingListeners(new SwitchOffListener(opt, "Accuracy"));
      try (Trainer trainer = model.newTrainer(config)) {
        trainer.initialize(new Shape(1, 1, 28, 28));
        MnistModels.initFanInUniform(block, 1, 0); // PyTorch's default: the large one (8) groks slowly, on purpose
        float before = evalLoss(trainer, m, test);
        EasyTrain.fit(trainer, 3, MnistModels.arrayDataset(m, train, true, 50, true), MnistModels.arrayDataset(m, test, true, 200, false));
        float after = evalLoss(trainer, m, test);
        float acc = trainer.getTrainingResult().getValidateEvaluation("Accuracy");
        assertTrue(after < before, "test loss " + before + " -> " + after);
        assertTrue(acc > 0.3, "test accuracy " + acc);
        assertFalse(opt.preconditioning(), "EGD should be off once test accuracy passed 0.3");
        assertTrue(opt.switchedOffAtStep() > 0 && opt.switchedOffAtStep() <= 24, "switched off at step " + opt.switchedOffAtStep());
      } finally {
        opt.close();
      }
    }
  }

  private static float evalLoss(Trainer trainer, NDManager m, Dataset d) {
    try (NDManager s = m.newSubManager()) {
      int[] all = MnistModels.range(d.size);
      ai.djl.ndarray.NDArray pred = trainer.evaluate(new ai.djl.ndarray.NDList(MnistModels.images(s, d, all, 0, d.size, true))).singletonOrThrow();
      return MnistModels.mse().evaluate(new ai.djl.ndarray.NDList(MnistModels.oneHot(s, d, all, 0, d.size)), new ai.djl.ndarray.NDList(pred)).getFloat();
    }
  }

  /** DJL's Accuracy against one-hot labels: arg-max of both. */
  static final class OneHotAccuracy extends Accuracy {
    @Override protected ai.djl.util.Pair<Long, ai.djl.ndarray.NDArray> accuracyHelper(ai.djl.ndarray.NDList labels, ai.djl.ndarray.NDList predictions) {
      ai.djl.ndarray.NDArray label = labels.head().argMax(1), pred = predictions.head().argMax(1);
      return new ai.djl.util.Pair<>(label.size(), label.toType(DataType.INT64, false).eq(pred.toType(DataType.INT64, false)).countNonzero());
    }
  }
}
