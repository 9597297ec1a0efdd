package dev.egd.experiment;

import dev.egd.data.ModularArithmetic;
import dev.egd.data.Split;
import dev.egd.nn.CrossEntropy;
import dev.egd.nn.Mlp;
import dev.egd.util.Rng;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The EGD paper's main experiment: a 2-layer MLP learns {@code a op b mod p} from one-hot inputs of a
 * and b, half of all pairs for training; SGD at lr 0.7 with L2 weight decay 1e-4, batch 512, the last
 * partial batch dropped, cross-entropy; He-normal initialisation.
 */
final class ModularTask implements Task {
  @Override public String name() { return "modular"; }

  @Override public Set<Setting<?>> settings() {
    return Set.of(RunConfig.OP, RunConfig.P, RunConfig.TRAIN_FRACTION, RunConfig.ACTIVATION);
  }

  @Override public RunConfig presets(RunConfig c, String method) {
    return c.preset(RunConfig.OP, "add").preset(RunConfig.P, 97).preset(RunConfig.TRAIN_FRACTION, 0.5)
        .preset(RunConfig.WIDTH, 512).preset(RunConfig.LR, 0.7).preset(RunConfig.WD, 1e-4).preset(RunConfig.BATCH, 512)
        .preset(RunConfig.EPOCHS, 15000L).preset(RunConfig.LOSS, "cross-entropy").preset(RunConfig.ACTIVATION, "relu");
  }

  @Override public Problem build(RunConfig c) {
    if (!c.require(RunConfig.LOSS).equals("cross-entropy"))
      throw new dev.egd.ValidationException("loss", "for the modular task must be cross-entropy", c.require(RunConfig.LOSS));
    int p = c.require(RunConfig.P);
    Split split = ModularArithmetic.split(ModularArithmetic.Op.parse(c.require(RunConfig.OP)), p, c.require(RunConfig.TRAIN_FRACTION),
        c.require(RunConfig.SPLIT_SEED));
    Mlp m = new Mlp(new int[] {2 * p, c.require(RunConfig.WIDTH), p}, true, false, Mlp.Activation.parse(c.require(RunConfig.ACTIVATION)));
    m.initHeNormal(new Rng(c.require(RunConfig.SEED), Experiments.STREAM_INIT), 0);
    return new Problem(split, m, new CrossEntropy());
  }

  @Override public String label(RunConfig c) { return "modular-" + c.require(RunConfig.OP) + "-p" + c.require(RunConfig.P); }

  @Override public void record(RunConfig c, Map<String, Object> out) {
    out.put("op", c.get(RunConfig.OP));
    out.put("p", c.get(RunConfig.P));
    out.put("train_fraction", c.get(RunConfig.TRAIN_FRACTION));
  }

  @Override public double parameterCount(RunConfig c) {
    double p = c.require(RunConfig.P), w = c.require(RunConfig.WIDTH);
    return 2 * p * w + w + w * p;
  }

  @Override public Map<Setting<?>, Double> memory(RunConfig c) {
    long p = c.require(RunConfig.P), w = c.require(RunConfig.WIDTH), threads = c.require(RunConfig.THREADS);
    long rows = Math.max(c.require(RunConfig.BATCH), 512);
    Map<Setting<?>, Double> m = new LinkedHashMap<>();
    m.put(RunConfig.P, 1.0 * 4 * p * p * 6); // every pair: two inputs and a label, in the full set and its split
    m.put(RunConfig.WIDTH, 1.0 * 4 * parameterCount(c) * (2 + threads));
    m.put(RunConfig.BATCH, 1.0 * 4 * threads * rows * (3 * w + 3 * p));
    return m;
  }
}
