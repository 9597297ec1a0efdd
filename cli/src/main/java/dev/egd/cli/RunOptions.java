package dev.egd.cli;

import dev.egd.linalg.ExactEgd;
import dev.egd.linalg.RandomizedEgd;
import dev.egd.optim.SwitchOff;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Every training setting, shared by the commands that run experiments. Defaults are the EGD paper's. */
public final class RunOptions {
  @Option(names = "--task", defaultValue = "modular", description = "Task: modular (default: ${DEFAULT-VALUE}).")
  String task;

  @Option(names = "--op", defaultValue = "add", description = "Modular operation: add, sub, mul, div (default: ${DEFAULT-VALUE}).")
  String op;

  @Option(names = "--p", defaultValue = "97", description = "Modulus p >= 2; prime for div (default: ${DEFAULT-VALUE}).")
  int p;

  @Option(names = "--train-fraction", defaultValue = "0.5", description = "Fraction of all pairs used for training, in (0, 1) (default: ${DEFAULT-VALUE}).")
  double trainFraction;

  @Option(names = "--split-seed", defaultValue = "0", description = "Seed of the train/test split (default: ${DEFAULT-VALUE}).")
  long splitSeed;

  @Option(names = "--seed", defaultValue = "0", description = "Seed of initialisation, shuffling and random sketches (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--width", defaultValue = "512", description = "Hidden width (default: ${DEFAULT-VALUE}).")
  int width;

  @Option(names = "--lr", defaultValue = "0.7", description = "Learning rate > 0 (default: ${DEFAULT-VALUE}).")
  double lr;

  @Option(names = "--wd", defaultValue = "1e-4", description = "Weight decay >= 0, as 0.5*wd*||W||^2 in the loss (default: ${DEFAULT-VALUE}).")
  double wd;

  @Option(names = "--batch", defaultValue = "512", description = "Minibatch size; the last partial batch is dropped (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--epochs", defaultValue = "15000", description = "Epoch cap (default: ${DEFAULT-VALUE}).")
  long epochs;

  @Option(names = "--target", defaultValue = "0.95", description = "Test accuracy to reach, in (0, 1] (default: ${DEFAULT-VALUE}).")
  double target;

  @Option(names = "--stop-after", defaultValue = "100",
      description = "Stop this many epochs after the target is reached; -1 runs to the cap (default: ${DEFAULT-VALUE}).")
  long stopAfter;

  @Option(names = "--egd-layers", defaultValue = "first",
      description = "Gradients EGD and colnorm act on: first, all, or a regex over parameter names such as W1 (default: ${DEFAULT-VALUE}).")
  String egdLayers;

  @Option(names = "--egd-route", defaultValue = "auto",
      description = "Exact EGD algorithm: auto, gram32, gram64, svd (default: ${DEFAULT-VALUE}).")
  ExactEgd.Route egdRoute;

  @Option(names = "--rank", defaultValue = "64", description = "Rank of egd-rsvd (default: ${DEFAULT-VALUE}).")
  int rank;

  @Option(names = "--power-iters", defaultValue = "2", description = "Power iterations of egd-rsvd (default: ${DEFAULT-VALUE}).")
  int powerIters;

  @Option(names = "--oversample", defaultValue = "0", description = "Extra sketch columns for egd-rsvd (default: ${DEFAULT-VALUE}).")
  int oversample;

  @Option(names = "--rsvd-residual", defaultValue = "drop",
      description = "egd-rsvd: drop the gradient outside the top-r subspace (the paper), or keep it scaled by 1/s_r (default: ${DEFAULT-VALUE}).")
  RandomizedEgd.Residual rsvdResidual;

  @Option(names = "--colnorm-min", defaultValue = "0.01", description = "colnorm: floor of a column's norm (default: ${DEFAULT-VALUE}).")
  double colnormMin;

  @Option(names = "--switch-off", defaultValue = "0.95",
      description = "Stop the preconditioner once test accuracy exceeds this, in (0, 1]; 1 never switches off (default: ${DEFAULT-VALUE}).")
  double switchOff;

  @Option(names = "--switch-off-mode", defaultValue = "sticky",
      description = "sticky: off for good; recheck: the paper's rule, on again whenever test accuracy falls back (default: ${DEFAULT-VALUE}).")
  SwitchOff.Mode switchOffMode;

  @Option(names = "--threads", description = "Java threads for one run (default: min(2, cores)).")
  Integer threads;

  int threads() {
    return threads != null ? threads : Math.min(2, Runtime.getRuntime().availableProcessors());
  }

  /** The resolved configuration, as recorded in summary.json. */
  Map<String, Object> toMap(String method) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("task", task);
    m.put("op", op);
    m.put("p", p);
    m.put("train_fraction", trainFraction);
    m.put("split_seed", splitSeed);
    m.put("method", method);
    m.put("seed", seed);
    m.put("width", width);
    m.put("lr", lr);
    m.put("wd", wd);
    m.put("batch", batch);
    m.put("epochs", epochs);
    m.put("target", target);
    m.put("stop_after", stopAfter);
    m.put("egd_layers", egdLayers);
    m.put("egd_route", egdRoute.name().toLowerCase());
    m.put("rank", rank);
    m.put("power_iters", powerIters);
    m.put("oversample", oversample);
    m.put("rsvd_residual", rsvdResidual.name().toLowerCase());
    m.put("colnorm_min", colnormMin);
    m.put("switch_off", switchOff);
    m.put("switch_off_mode", switchOffMode.name().toLowerCase());
    m.put("threads", threads());
    return m;
  }
}
