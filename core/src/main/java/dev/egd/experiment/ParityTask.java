package dev.egd.experiment;

import dev.egd.data.SparseParity;
import dev.egd.data.Split;
import dev.egd.nn.Hinge;
import dev.egd.nn.Loss;
import dev.egd.nn.Mlp;
import dev.egd.nn.SquaredError;
import dev.egd.util.Rng;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Sparse parity (n, k) as the EGD paper runs it: a 2-layer ReLU MLP of the preset width on 2,000
 * inputs in {-1, +1}^n, the label the product of k secret bits; squared error, SGD with L2 weight
 * decay, batch 32, He-normal initialisation with first-layer biases of the same scale.
 */
final class ParityTask implements Task {
  /** The EGD paper's settings for an (n, k): width, lr, wd, epoch cap (batch 32 for all). */
  record Preset(int n, int k, int width, double lr, double wd, long epochs) {}

  static final List<Preset> PRESETS = List.of(
      new Preset(400, 2, 50, 0.01, 1e-3, 10100),
      new Preset(100, 3, 100, 0.0416239, 1e-2, 2000),
      new Preset(50, 4, 100, 0.0230841, 1e-2, 6000));

  static Preset preset(int n, int k) {
    for (Preset p : PRESETS) if (p.n() == n && p.k() == k) return p;
    return null;
  }

  @Override public String name() { return "parity"; }

  @Override public Set<Setting<?>> settings() {
    return Set.of(RunConfig.N, RunConfig.K, RunConfig.SECRET, RunConfig.TRAIN_SIZE, RunConfig.TEST_SIZE, RunConfig.ACTIVATION);
  }

  @Override public RunConfig presets(RunConfig c, String method) {
    c = c.preset(RunConfig.N, 100).preset(RunConfig.K, 3).preset(RunConfig.SECRET, "first").preset(RunConfig.TRAIN_SIZE, 2000)
        .preset(RunConfig.TEST_SIZE, 10000).preset(RunConfig.ACTIVATION, "relu");
    Preset pp = preset(c.get(RunConfig.N), c.get(RunConfig.K));
    return c.preset(RunConfig.WIDTH, pp != null ? pp.width() : 100).preset(RunConfig.LR, pp != null ? pp.lr() : 0.01)
        .preset(RunConfig.WD, pp != null ? pp.wd() : 1e-2).preset(RunConfig.BATCH, 32)
        .preset(RunConfig.EPOCHS, pp != null ? pp.epochs() : 10000L).preset(RunConfig.LOSS, "squared");
  }

  @Override public Problem build(RunConfig c) {
    Loss loss;
    switch (c.require(RunConfig.LOSS)) {
      case "squared": loss = new SquaredError(); break;
      case "hinge": loss = new Hinge(); break;
      default: throw new dev.egd.ValidationException("loss", "for the parity task must be squared or hinge", c.require(RunConfig.LOSS));
    }
    int n = c.require(RunConfig.N);
    Split split = SparseParity.split(n, c.require(RunConfig.K), c.require(RunConfig.TRAIN_SIZE), c.require(RunConfig.TEST_SIZE),
        c.require(RunConfig.SECRET).equals("random"), c.require(RunConfig.SPLIT_SEED));
    Mlp m = new Mlp(new int[] {n, c.require(RunConfig.WIDTH), 1}, true, false, Mlp.Activation.parse(c.require(RunConfig.ACTIVATION)));
    m.initHeNormal(new Rng(c.require(RunConfig.SEED), Experiments.STREAM_INIT), Math.sqrt(2.0 / n));
    return new Problem(split, m, loss);
  }

  @Override public String label(RunConfig c) { return "parity-n" + c.require(RunConfig.N) + "-k" + c.require(RunConfig.K); }

  @Override public void record(RunConfig c, Map<String, Object> out) {
    out.put("n", c.get(RunConfig.N));
    out.put("k", c.get(RunConfig.K));
    out.put("secret", c.get(RunConfig.SECRET));
    out.put("train_size", c.get(RunConfig.TRAIN_SIZE));
    out.put("test_size", c.get(RunConfig.TEST_SIZE));
  }

  @Override public double parameterCount(RunConfig c) {
    double n = c.require(RunConfig.N), w = c.require(RunConfig.WIDTH);
    return n * w + w + w;
  }

  @Override public Map<Setting<?>, Double> memory(RunConfig c) {
    long n = c.require(RunConfig.N), w = c.require(RunConfig.WIDTH), threads = c.require(RunConfig.THREADS);
    long rows = Math.max(c.require(RunConfig.BATCH), 512);
    Map<Setting<?>, Double> m = new LinkedHashMap<>();
    m.put(RunConfig.TRAIN_SIZE, 1.0 * 4L * c.require(RunConfig.TRAIN_SIZE) * (n + 1));
    m.put(RunConfig.TEST_SIZE, 1.0 * 4L * c.require(RunConfig.TEST_SIZE) * (n + 1));
    m.put(RunConfig.WIDTH, 1.0 * 4 * parameterCount(c) * (2 + threads));
    m.put(RunConfig.BATCH, 1.0 * 4 * threads * rows * (n + 3 * w + 2));
    return m;
  }
}
