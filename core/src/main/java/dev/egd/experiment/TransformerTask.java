package dev.egd.experiment;

import dev.egd.data.ModularArithmetic;
import dev.egd.data.Split;
import dev.egd.nn.CrossEntropy;
import dev.egd.nn.Transformer;
import dev.egd.util.Rng;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The grokking setup of Power et al. (2022) as Grokfast runs it: a decoder reads {@code a op b =} and
 * predicts c. Two blocks of width 128 with 4 heads; Adam (betas 0.9, 0.98) at lr 1e-3 with 10 warm-up
 * steps, batch 512 with the last partial batch kept, running train metrics; per method the papers'
 * weight decay (vanilla 0, grokfast-ma 0.01, the others 0.005) and egd-rsvd rank 36; EGD on every
 * block's MLP weights.
 */
final class TransformerTask implements Task {
  @Override public String name() { return "modular/transformer"; }

  @Override public Set<Setting<?>> settings() {
    return Set.of(RunConfig.OP, RunConfig.P, RunConfig.TRAIN_FRACTION, RunConfig.DEPTH, RunConfig.HEADS);
  }

  @Override public RunConfig presets(RunConfig c, String method) {
    c = c.preset(RunConfig.OP, "add").preset(RunConfig.P, 97).preset(RunConfig.TRAIN_FRACTION, 0.5).preset(RunConfig.DEPTH, 2)
        .preset(RunConfig.HEADS, 4).preset(RunConfig.WIDTH, 128).preset(RunConfig.LR, 1e-3).preset(RunConfig.BATCH, 512)
        .preset(RunConfig.EPOCHS, 30000L).preset(RunConfig.OPTIMIZER, "adam").preset(RunConfig.WARMUP, 10)
        .preset(RunConfig.TRAIN_METRICS, "running").preset(RunConfig.DROP_LAST, false).preset(RunConfig.EGD_LAYERS, Transformer.MLP_WEIGHTS)
        .preset(RunConfig.BETA2, 0.98).preset(RunConfig.LOSS, "cross-entropy")
        .preset(RunConfig.WD, method.contains("grokfast-ma") ? 0.01 : method.equals("vanilla") ? 0.0 : 0.005);
    if (method.contains("egd-rsvd")) c = c.preset(RunConfig.RANK, 36);
    return c;
  }

  @Override public Problem build(RunConfig c) {
    if (!c.require(RunConfig.LOSS).equals("cross-entropy"))
      throw new dev.egd.ValidationException("loss", "for the transformer must be cross-entropy", c.require(RunConfig.LOSS));
    int p = c.require(RunConfig.P);
    Split split = ModularArithmetic.sequences(ModularArithmetic.Op.parse(c.require(RunConfig.OP)), p, c.require(RunConfig.TRAIN_FRACTION),
        c.require(RunConfig.SPLIT_SEED));
    Transformer tf = new Transformer(p + 2, 4, c.require(RunConfig.WIDTH), c.require(RunConfig.HEADS), c.require(RunConfig.DEPTH));
    tf.initTorchDefault(new Rng(c.require(RunConfig.SEED), Experiments.STREAM_INIT));
    return new Problem(split, tf, new CrossEntropy());
  }

  @Override public String label(RunConfig c) { return "modular-" + c.require(RunConfig.OP) + "-p" + c.require(RunConfig.P) + "-transformer"; }

  @Override public void record(RunConfig c, Map<String, Object> out) {
    out.put("depth", c.get(RunConfig.DEPTH));
    out.put("heads", c.get(RunConfig.HEADS));
    out.put("op", c.get(RunConfig.OP));
    out.put("p", c.get(RunConfig.P));
    out.put("train_fraction", c.get(RunConfig.TRAIN_FRACTION));
  }

  @Override public double parameterCount(RunConfig c) {
    double v = c.require(RunConfig.P) + 2.0, d = c.require(RunConfig.WIDTH), depth = c.require(RunConfig.DEPTH);
    return v * d + 4 * d + depth * (12 * d * d + 13 * d) + 2 * d + d * v;
  }

  @Override public Map<Setting<?>, Double> memory(RunConfig c) {
    long p = c.require(RunConfig.P), d = c.require(RunConfig.WIDTH), depth = c.require(RunConfig.DEPTH), heads = c.require(RunConfig.HEADS);
    long threads = c.require(RunConfig.THREADS), rows = Math.max(c.require(RunConfig.BATCH), 512);
    Map<Setting<?>, Double> m = new LinkedHashMap<>();
    m.put(RunConfig.P, 1.0 * 4 * p * p * 10);
    m.put(RunConfig.WIDTH, 1.0 * 4 * parameterCount(c) * (2 + threads));
    m.put(RunConfig.BATCH, 1.0 * 4 * threads * 2 * rows * 4 * (depth * (24 * d + heads * 4) + 2 * (p + 2) + 10 * d));
    return m;
  }
}
