package dev.egd.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.loss.L2Loss;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import dev.egd.data.Dataset;
import dev.egd.nn.Mlp;
import dev.egd.nn.ParamSet;
import dev.egd.nn.Tensor;
import dev.egd.util.Rng;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The MNIST grokking setting of the EGD paper (after Omnigrok and Grokfast) in DJL: the models, their
 * large initialisation, the loss, the optimizer, and egd's {@link Dataset}s as NDArrays.
 *
 * <p>Parameter names, as {@link EgdOptimizer}'s patterns see them: the MLP has
 * {@code 01Linear_weight}, {@code 01Linear_bias}, {@code 03Linear_*}, {@code 05Linear_*} (the odd
 * children are the ReLUs); LeNet has {@code 01Conv2d_*}, {@code 04Conv2d_*}, {@code 08Linear_*},
 * {@code 10Linear_*}. {@link #WEIGHTS} selects every weight matrix of either.
 */
public final class MnistModels {
  private MnistModels() {}

  /** A pattern matching the weight of every Linear and Conv2d layer. */
  public static final String WEIGHTS = ".*(Linear|Conv2d)_weight";

  /**
   * The paper's MLP: 784 -> 200 -> 200 -> 10 with ReLU, on flat [batch, 784] inputs.
   *
   * @return a new, uninitialised block
   */
  public static SequentialBlock mlp() { return mlp(784, 200, 2, 10); }

  /**
   * An MLP input -> width (depth times, ReLU after each) -> classes.
   *
   * @param input input features (784 for MNIST)
   * @param width hidden width
   * @param depth hidden layers
   * @param classes outputs
   * @return a new, uninitialised block
   */
  public static SequentialBlock mlp(int input, int width, int depth, int classes) { return mlp(input, width, depth, classes, "relu"); }

  /**
   * An MLP input -> width (depth times, the activation after each: relu, tanh, sigmoid or gelu) -> classes.
   *
   * @param input input features (784 for MNIST)
   * @param width hidden width
   * @param depth hidden layers
   * @param classes outputs
   * @param activation relu, tanh, sigmoid or gelu
   * @return a new, uninitialised block
   * @throws dev.egd.ValidationException ({@code activation}) if the activation is none of these
   */
  public static SequentialBlock mlp(int input, int width, int depth, int classes, String activation) {
    if (input < 1 || width < 1 || depth < 0 || classes < 1) throw new IllegalArgumentException("bad MLP sizes");
    SequentialBlock b = new SequentialBlock();
    for (int i = 0; i < depth; i++) b.add(Linear.builder().setUnits(width).build()).add(activation(activation));
    return b.add(Linear.builder().setUnits(classes).build());
  }

  /**
   * DJL's block of an activation egd names: relu, tanh, sigmoid, gelu (PyTorch's exact, erf-based GELU).
   *
   * @param name relu, tanh, sigmoid or gelu
   * @return a new block
   * @throws dev.egd.ValidationException ({@code activation}) if the name is none of these
   */
  public static Block activation(String name) {
    switch (name) {
      case "relu": return Activation.reluBlock();
      case "tanh": return Activation.tanhBlock();
      case "sigmoid": return Activation.sigmoidBlock();
      case "gelu": return Activation.geluBlock();
      default: throw new dev.egd.ValidationException("activation", "must be one of: relu, tanh, sigmoid, gelu", "'" + name + "'");
    }
  }

  /**
   * A LeNet-like CNN on [batch, 1, 28, 28]: 6 filters 5x5, ReLU, 2x2 max pool (12x12), 16 filters
   * 5x5, ReLU, 2x2 max pool (4x4), flatten (256), Linear 120 with ReLU, Linear 10.
   *
   * @return a new, uninitialised block
   */
  public static SequentialBlock lenet() { return lenet("relu"); }

  /**
   * {@link #lenet()} with another activation after the convolutions and the hidden layer.
   *
   * @param activation relu, tanh, sigmoid or gelu
   * @return a new, uninitialised block
   * @throws dev.egd.ValidationException ({@code activation}) if the activation is none of these
   */
  public static SequentialBlock lenet(String activation) {
    return new SequentialBlock()
        .add(Conv2d.builder().setKernelShape(new Shape(5, 5)).setFilters(6).build())
        .add(activation(activation))
        .add(Pool.maxPool2dBlock(new Shape(2, 2)))
        .add(Conv2d.builder().setKernelShape(new Shape(5, 5)).setFilters(16).build())
        .add(activation(activation))
        .add(Pool.maxPool2dBlock(new Shape(2, 2)))
        .add(Blocks.batchFlattenBlock())
        .add(Linear.builder().setUnits(120).build())
        .add(activation(activation))
        .add(Linear.builder().setUnits(10).build());
  }

  /** What {@link #lenet()} is, in a line (for run summaries). */
  public static final String LENET = "lenet 1x28x28 -> conv 6@5x5 -> pool 2 -> conv 16@5x5 -> pool 2 -> 256 -> 120 -> 10";

  /**
   * PyTorch's default initialisation of Linear and Conv2d layers, times scale (the paper's large
   * initialisation is 8): weights and biases uniform in +-scale/sqrt(fan_in), fan_in being the
   * product of a weight's dimensions after the first (in, or in*kh*kw); a bias takes the bound of the
   * weight of its layer. Draws from egd's {@link Rng}, parameter after parameter in the block's order,
   * so the same seed gives the same weights on every engine. Call after the block is initialised.
   *
   * @param block an initialised block of Linear and Conv2d layers; its parameters are overwritten
   * @param scale the factor of the bound (1: PyTorch's default)
   * @param seed the seed of the draws
   */
  public static void initFanInUniform(Block block, double scale, long seed) { initFanInUniform(block, scale, new Rng(seed)); }

  /**
   * {@link #initFanInUniform(Block, double, long)} drawing from the given stream.
   *
   * @param block an initialised block of Linear and Conv2d layers; its parameters are overwritten
   * @param scale the factor of the bound (1: PyTorch's default)
   * @param rng the source of the draws, advanced
   */
  public static void initFanInUniform(Block block, double scale, Rng rng) {
    Map<String, Double> bound = new HashMap<>();
    for (Pair<String, Parameter> p : block.getParameters()) {
      if (!p.getValue().isInitialized()) throw new IllegalStateException("initialise the block first (Trainer.initialize): " + p.getKey() + " has no array");
      long[] s = p.getValue().getArray().getShape().getShape();
      if (p.getValue().getType() == Parameter.Type.WEIGHT && s.length >= 2) {
        long fanIn = 1;
        for (int i = 1; i < s.length; i++) fanIn *= s[i];
        bound.put(layerOf(p.getKey()), scale / Math.sqrt(fanIn));
      }
    }
    for (Pair<String, Parameter> p : block.getParameters()) {
      Double b = bound.get(layerOf(p.getKey()));
      if (b == null) continue;
      NDArray a = p.getValue().getArray();
      float[] v = new float[Math.toIntExact(a.size())];
      for (int i = 0; i < v.length; i++) v[i] = (float) ((2 * rng.nextDouble() - 1) * b);
      a.set(v);
    }
  }

  /**
   * Sets the parameters of an {@link #mlp} to those of egd's own {@link Mlp} of the same sizes: egd's
   * W_l ([in, out]) transposed into the l-th Linear weight ([out, in]), b_l into its bias. Runs of the
   * two engines then start from the same weights.
   *
   * @param egd egd's MLP, read
   * @param block an initialised {@link #mlp} of the same sizes; its parameters are overwritten
   * @throws IllegalArgumentException if the block is not an MLP of Linear layers or the shapes differ
   */
  public static void copyFrom(Mlp egd, Block block) {
    List<Parameter> weights = new ArrayList<>(), biases = new ArrayList<>();
    for (Pair<String, Parameter> p : block.getParameters()) {
      if (!p.getKey().contains("Linear_")) throw new IllegalArgumentException("not an MLP of Linear layers: " + p.getKey());
      (p.getKey().endsWith("_weight") ? weights : biases).add(p.getValue());
    }
    ParamSet ps = egd.params();
    for (int l = 1; l <= weights.size(); l++) {
      Tensor w = ps.get("W" + l);
      NDArray a = weights.get(l - 1).getArray();
      if (a.getShape().get(0) != w.cols || a.getShape().get(1) != w.rows)
        throw new IllegalArgumentException("W" + l + " is " + w.shape() + ", DJL's layer " + a.getShape());
      float[] t = new float[w.size()];
      for (int r = 0; r < w.rows; r++) for (int c = 0; c < w.cols; c++) t[c * w.rows + r] = w.data[r * w.cols + c];
      a.set(t);
      if (l <= biases.size()) biases.get(l - 1).getArray().set(ps.get("b" + l).data);
    }
  }

  private static String layerOf(String name) {
    int cut = name.lastIndexOf('_');
    return cut < 0 ? "" : name.substring(0, cut);
  }

  /**
   * Mean squared error over batch and classes, as torch's MSELoss (DJL's L2Loss halves it by default).
   *
   * @return a new loss named {@code MSE}
   */
  public static L2Loss mse() { return Loss.l2Loss("MSE", 1f); }

  /**
   * AdamW as the paper's MNIST runs use it: betas 0.9 / 0.999, eps 1e-8, decoupled weight decay.
   *
   * @param lr the learning rate, fixed
   * @param weightDecay the decoupled decay
   * @return a new DJL optimizer
   */
  public static Optimizer adamW(float lr, float weightDecay) {
    return Optimizer.adamW().optLearningRateTracker(Tracker.fixed(lr)).optBeta1(0.9f).optBeta2(0.999f).optEpsilon(1e-8f)
        .optWeightDecays(weightDecay).build();
  }

  /**
   * The images of examples idx[off .. off+n) as [n, 784] (flat) or [n, 1, 28, 28] (image).
   *
   * @param m the manager that owns the new array
   * @param d a data set of dense 784-pixel rows
   * @param idx example positions
   * @param off the first entry of {@code idx} to use
   * @param n how many examples
   * @param image whether to shape them [n, 1, 28, 28] rather than [n, 784]
   * @return a new float32 array, owned by {@code m}
   * @throws IllegalArgumentException if {@code d} does not hold dense 784-pixel rows
   */
  public static NDArray images(NDManager m, Dataset d, int[] idx, int off, int n, boolean image) {
    if (d.dense == null || d.inputDim != 784) throw new IllegalArgumentException("not an MNIST data set: " + d.inputDim + " dense inputs");
    float[] x = new float[n * 784];
    for (int r = 0; r < n; r++) System.arraycopy(d.dense, idx[off + r] * 784, x, r * 784, 784);
    return m.create(x, image ? new Shape(n, 1, 28, 28) : new Shape(n, 784));
  }

  /**
   * One-hot targets [n, classes] of examples idx[off .. off+n).
   *
   * @param m the manager that owns the new array
   * @param d a data set of class labels
   * @param idx example positions
   * @param off the first entry of {@code idx} to use
   * @param n how many examples
   * @return a new float32 array, owned by {@code m}
   */
  public static NDArray oneHot(NDManager m, Dataset d, int[] idx, int off, int n) {
    float[] y = new float[n * d.numClasses];
    for (int r = 0; r < n; r++) y[r * d.numClasses + d.labels[idx[off + r]]] = 1f;
    return m.create(y, new Shape(n, d.numClasses));
  }

  /**
   * All of d as a DJL data set: images (flat or [1, 28, 28]) and one-hot labels, in batches.
   *
   * @param m the manager that owns the arrays
   * @param d a data set of dense 784-pixel rows with class labels
   * @param image whether to shape the images [1, 28, 28] rather than [784]
   * @param batch the batch size
   * @param shuffle whether DJL samples the examples in a random order each epoch
   * @return the data set
   * @throws IllegalArgumentException if {@code d} does not hold dense 784-pixel rows
   */
  public static ArrayDataset arrayDataset(NDManager m, Dataset d, boolean image, int batch, boolean shuffle) {
    int[] all = new int[d.size];
    for (int i = 0; i < all.length; i++) all[i] = i;
    return new ArrayDataset.Builder().setData(images(m, d, all, 0, d.size, image)).optLabels(oneHot(m, d, all, 0, d.size))
        .setSampling(batch, shuffle).build();
  }

  /**
   * The positions 0 .. n-1.
   *
   * @param n how many
   * @return a new array {0, 1, ..., n - 1}
   */
  public static int[] range(int n) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) a[i] = i;
    return a;
  }
}
