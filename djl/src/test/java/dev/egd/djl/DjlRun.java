package dev.egd.djl;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.util.Pair;
import dev.egd.data.Dataset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/** A DJL model and trainer driven one batch at a time, as the tests need it (no shuffling of DJL's own). */
final class DjlRun implements AutoCloseable {
  final Model model;
  final Block block;
  final Trainer trainer;
  final Optimizer optimizer;
  final Loss loss;
  final boolean image;

  /** optimizer: built from the block, before the trainer exists (as a user would). */
  DjlRun(Block block, Shape input, Loss loss, Function<Block, Optimizer> optimizer) {
    this.block = block;
    this.loss = loss;
    this.image = input.dimension() == 4;
    model = Model.newInstance("egd-djl-test");
    model.setBlock(block);
    this.optimizer = optimizer.apply(block);
    trainer = model.newTrainer(new DefaultTrainingConfig(loss).optOptimizer(this.optimizer));
    trainer.initialize(input);
  }

  /** One step on examples idx[off .. off+n) of d: forward, loss, backward, update; returns the loss. */
  float step(Dataset d, int[] idx, int off, int n) {
    try (NDManager m = model.getNDManager().newSubManager()) {
      NDArray x = MnistModels.images(m, d, idx, off, n, image);
      NDArray y = MnistModels.oneHot(m, d, idx, off, n);
      float value;
      try (GradientCollector gc = trainer.newGradientCollector()) {
        NDArray pred = trainer.forward(new NDList(x)).singletonOrThrow();
        NDArray l = loss.evaluate(new NDList(y), new NDList(pred));
        value = l.getFloat();
        gc.backward(l);
      }
      trainer.step();
      return value;
    }
  }

  /** The loss of examples idx[off .. off+n) of d, without training. */
  float evaluate(Dataset d, int[] idx, int off, int n) {
    try (NDManager m = model.getNDManager().newSubManager()) {
      NDArray x = MnistModels.images(m, d, idx, off, n, image);
      NDArray y = MnistModels.oneHot(m, d, idx, off, n);
      NDArray pred = trainer.evaluate(new NDList(x)).singletonOrThrow();
      return loss.evaluate(new NDList(y), new NDList(pred)).getFloat();
    }
  }

  /** Every parameter's values, by name. */
  Map<String, float[]> values() {
    Map<String, float[]> out = new LinkedHashMap<>();
    for (Pair<String, Parameter> p : block.getParameters()) out.put(p.getKey(), p.getValue().getArray().toFloatArray());
    return out;
  }

  int managedArrays() { return model.getNDManager().getManagedArrays().size(); }

  @Override public void close() {
    trainer.close();
    model.close();
    if (optimizer instanceof AutoCloseable) {
      try {
        ((AutoCloseable) optimizer).close();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
