package dev.egd.cli;

import dev.egd.data.ModularArithmetic;
import dev.egd.data.Split;
import dev.egd.nn.CrossEntropy;
import dev.egd.nn.Loss;
import dev.egd.nn.Mlp;
import dev.egd.nn.Model;
import dev.egd.optim.ColumnNormalize;
import dev.egd.optim.Egd;
import dev.egd.optim.EgdRandomized;
import dev.egd.optim.GradientTransform;
import dev.egd.optim.ParamSelector;
import dev.egd.optim.Sgd;
import dev.egd.optim.SwitchOff;
import dev.egd.train.TrainSettings;
import dev.egd.train.Trainer;
import dev.egd.util.Rng;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One fully assembled run: data, model, loss, transform chain and loop settings, validated as a
 * whole before anything is written.
 */
final class Experiment {
  static final List<String> METHODS = List.of("vanilla", "egd", "egd-rsvd", "colnorm");
  static final long STREAM_INIT = 0x1A17L;

  final String method;
  final RunOptions options;
  final Split split;
  final Model model;
  final Loss loss;
  final GradientTransform transform;
  final TrainSettings settings;

  private Experiment(String method, RunOptions o, Split split, Model model, Loss loss, GradientTransform transform, TrainSettings settings) {
    this.method = method;
    this.options = o;
    this.split = split;
    this.model = model;
    this.loss = loss;
    this.transform = transform;
    this.settings = settings;
  }

  /** Builds and validates; every problem becomes a BadInput naming the flag. */
  static Experiment build(RunOptions o, String method) {
    try {
      if (!o.task.equals("modular")) throw new BadInput("--task must be one of: modular; got '" + o.task + "'");
      ModularArithmetic.Op op = ModularArithmetic.Op.parse(o.op);
      if (o.width < 1) throw new BadInput("--width must be >= 1: " + o.width);
      TrainSettings settings = new TrainSettings(o.epochs, o.batch, o.target, o.stopAfter, o.wd, o.threads(), o.seed);
      Split split = ModularArithmetic.split(op, o.p, o.trainFraction, o.splitSeed);
      if (o.batch > split.train().size)
        throw new BadInput("--batch must be in [1, " + split.train().size + "] (the training set size): " + o.batch);
      Mlp mlp = new Mlp(new int[] {2 * o.p, o.width, o.p}, true, false);
      mlp.initHeNormal(new Rng(o.seed, STREAM_INIT), 0);
      GradientTransform chain = buildChain(o, method);
      // init validates selections and ranks against the real shapes now, before any file is written.
      chain.init(mlp.params(), o.seed);
      return new Experiment(method, o, split, mlp, new CrossEntropy(), chain, settings);
    } catch (IllegalArgumentException e) {
      throw new BadInput(e.getMessage());
    }
  }

  static GradientTransform buildChain(RunOptions o, String method) {
    List<GradientTransform> links = new ArrayList<>();
    ParamSelector sel = ParamSelector.parse(o.egdLayers);
    GradientTransform pre;
    switch (method) {
      case "vanilla":
        pre = null;
        break;
      case "egd":
        pre = new Egd(sel, o.egdRoute, dev.egd.linalg.ExactEgd.DEFAULT_FLOOR);
        break;
      case "egd-rsvd":
        pre = new EgdRandomized(sel, o.rank, o.powerIters, o.oversample, o.rsvdResidual);
        break;
      case "colnorm":
        pre = new ColumnNormalize(sel, o.colnormMin);
        break;
      default:
        throw new BadInput("--method must be one of " + METHODS + "; got '" + method + "'");
    }
    if (pre != null) {
      if (!(o.switchOff > 0 && o.switchOff <= 1)) throw new BadInput("--switch-off must be in (0, 1]: " + o.switchOff);
      links.add(o.switchOff < 1 ? new SwitchOff(pre, o.switchOff, o.switchOffMode) : pre);
    }
    links.add(new Sgd(o.lr));
    return new dev.egd.optim.Chain(links);
  }

  Trainer trainer() {
    return new Trainer(model, loss, split, transform, settings);
  }

  Map<String, Object> config() {
    Map<String, Object> m = options.toMap(method);
    m.put("model", model.describe());
    m.put("loss", loss.id());
    m.put("transform", transform.describe());
    m.put("data", split.description());
    return m;
  }
}
