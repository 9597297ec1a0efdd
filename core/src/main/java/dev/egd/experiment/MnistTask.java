package dev.egd.experiment;

import dev.egd.Check;
import dev.egd.data.Mnist;
import dev.egd.data.Split;
import dev.egd.nn.CrossEntropy;
import dev.egd.nn.Mlp;
import dev.egd.nn.MseOneHot;
import dev.egd.util.Rng;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The Omnigrok/Grokfast MNIST setting as the EGD paper's comparison runs it: the first 1,000 images
 * train, an MLP 784-200-200-10 with PyTorch's default initialisation times 8, MSE against one-hot
 * targets, AdamW (lr 1e-3), batch 200, a 100,000-step budget evaluated every 100 steps, target 85%;
 * EGD on all three weight matrices; grokfast-ema alpha 0.8, lambda 0.1; egd-rsvd rank 4; weight decay
 * 0.01 for vanilla (Omnigrok's baseline) and 2.0 for every method, as the papers' scripts run them.
 */
final class MnistTask implements Task {
  @Override public String name() { return "mnist"; }

  @Override public Set<Setting<?>> settings() {
    return Set.of(RunConfig.DATA, RunConfig.TRAIN_POINTS, RunConfig.INIT_SCALE, RunConfig.DEPTH, RunConfig.ACTIVATION);
  }

  @Override public RunConfig presets(RunConfig c, String method) {
    c = c.preset(RunConfig.TRAIN_POINTS, 1000).preset(RunConfig.INIT_SCALE, 8.0).preset(RunConfig.DEPTH, 2)
        .preset(RunConfig.WIDTH, 200).preset(RunConfig.LR, 1e-3).preset(RunConfig.WD, method.equals("vanilla") ? 0.01 : 2.0)
        .preset(RunConfig.BATCH, 200).preset(RunConfig.OPTIMIZER, "adamw").preset(RunConfig.EVAL_EVERY, 100L)
        .preset(RunConfig.TARGET, 0.85).preset(RunConfig.EGD_LAYERS, "all").preset(RunConfig.EMA_ALPHA, 0.8)
        .preset(RunConfig.EMA_LAMBDA, 0.1).preset(RunConfig.LOSS, "mse").preset(RunConfig.ACTIVATION, "relu");
    // a 100,000-step budget
    c = c.preset(RunConfig.EPOCHS, (long) Math.ceil(100_000.0 / Math.max(1, c.get(RunConfig.TRAIN_POINTS) / Math.max(1, c.get(RunConfig.BATCH)))));
    if (method.contains("egd-rsvd")) c = c.preset(RunConfig.RANK, 4);
    return c;
  }

  @Override public Problem build(RunConfig c) {
    String loss = c.require(RunConfig.LOSS);
    if (!loss.equals("mse") && !loss.equals("cross-entropy"))
      throw new dev.egd.ValidationException("loss", "for the mnist task must be mse or cross-entropy", loss);
    int depth = c.require(RunConfig.DEPTH);
    if (depth < 1) throw new dev.egd.ValidationException("depth", "must be >= 1 hidden layer", depth);
    double initScale = Check.positive("init_scale", c.require(RunConfig.INIT_SCALE));
    Split split;
    try {
      String data = c.get(RunConfig.DATA);
      split = Mnist.load(data == null ? null : Path.of(data), c.require(RunConfig.TRAIN_POINTS));
    } catch (IOException e) {
      throw dev.egd.ValidationException.of("data", c.get(RunConfig.DATA) + " cannot be read: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
    }
    int[] sizes = new int[depth + 2];
    sizes[0] = 784;
    for (int i = 1; i <= depth; i++) sizes[i] = c.require(RunConfig.WIDTH);
    sizes[depth + 1] = 10;
    Mlp m = new Mlp(sizes, true, true, Mlp.Activation.parse(c.require(RunConfig.ACTIVATION)));
    m.initUniformFanIn(new Rng(c.require(RunConfig.SEED), Experiments.STREAM_INIT), initScale);
    return new Problem(split, m, loss.equals("mse") ? new MseOneHot() : new CrossEntropy());
  }

  @Override public String label(RunConfig c) { return "mnist-" + c.require(RunConfig.TRAIN_POINTS); }

  @Override public void record(RunConfig c, Map<String, Object> out) {
    out.put("data", c.get(RunConfig.DATA) == null ? "bundled mnist-10k" : c.get(RunConfig.DATA));
    out.put("train_points", c.get(RunConfig.TRAIN_POINTS));
    out.put("hidden_layers", c.get(RunConfig.DEPTH));
    out.put("init_scale", c.get(RunConfig.INIT_SCALE));
  }

  @Override public double parameterCount(RunConfig c) {
    double w = c.require(RunConfig.WIDTH), depth = Math.max(1, c.require(RunConfig.DEPTH));
    return 784 * w + w + (depth - 1) * (w * w + w) + 10 * w + 10;
  }

  @Override public Map<Setting<?>, Double> memory(RunConfig c) {
    long w = c.require(RunConfig.WIDTH), depth = Math.max(1, c.require(RunConfig.DEPTH)), threads = c.require(RunConfig.THREADS);
    long rows = Math.max(c.require(RunConfig.BATCH), 512);
    Map<Setting<?>, Double> m = new LinkedHashMap<>();
    m.put(RunConfig.DATA, 1.0 * 4L * 70_000 * 785 * 2); // at most the full MNIST, read and split
    m.put(RunConfig.WIDTH, 1.0 * 4 * parameterCount(c) * (2 + threads));
    m.put(RunConfig.BATCH, 1.0 * 4 * threads * rows * (784 + 3 * depth * w + 30));
    return m;
  }
}
