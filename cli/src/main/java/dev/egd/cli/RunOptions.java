package dev.egd.cli;

import dev.egd.experiment.RunConfig;
import dev.egd.experiment.Setting;
import picocli.CommandLine.Option;

/**
 * Every training setting as a flag, shared by the commands that run experiments. A flag is the
 * library's setting of the same name ({@code --train-points} is {@code train_points}, see
 * {@link RunConfig}); flags left unset take the task's presets for the method (the papers' settings),
 * which core fills in ({@link dev.egd.experiment.Experiments#resolve}).
 */
public final class RunOptions {
  @Option(names = "--engine", description = "What computes the run: egd (its own engine) or djl (Deep Java Library with PyTorch; ./egd fetches it on first use) (default: egd).")
  String engine;

  @Option(names = "--task", description = "Task: modular, parity or mnist (default: modular).")
  String task;

  // MNIST
  @Option(names = "--data", description = "MNIST: directory with the standard IDX files (train-*, optionally t10k-*; plain or .gz) (default: the bundled 10,000 digits).")
  java.nio.file.Path data;

  @Option(names = "--train-points", description = "MNIST: training images, the first ones of the data (default: 1000).")
  Integer trainPoints;

  @Option(names = "--init-scale", description = "MNIST: multiplies PyTorch's default initialisation (default: 8.0).")
  Double initScale;

  @Option(names = "--model", description = "mlp (2-layer ReLU MLP on one-hot inputs), transformer (decoder reading 'a op b =', modular task) or cnn (LeNet-like, mnist task, --engine djl) (default: mlp).")
  String model;

  @Option(names = "--activation",
      description = "MLP hidden activation: relu, tanh, sigmoid or gelu (default: relu; the transformer's MLP is GELU).")
  String activation;

  @Option(names = "--depth", description = "Transformer: blocks; MNIST: hidden layers (default: 2).")
  Integer depth;

  @Option(names = "--heads", description = "Transformer: attention heads; must divide --width (default: 4).")
  Integer heads;

  @Option(names = "--optimizer", description = "sgd, adam (L2 weight decay, as torch.optim.Adam) or adamw (decoupled) (default: sgd; transformer: adam).")
  String optimizer;

  @Option(names = "--beta1", description = "Adam beta1 in [0, 1) (default: 0.9).")
  Double beta1;

  @Option(names = "--beta2", description = "Adam beta2 in [0, 1) (default: 0.999 as PyTorch; transformer: 0.98 as the Grokfast code).")
  Double beta2;

  @Option(names = "--eps", description = "Adam epsilon > 0 (default: 1e-8).")
  Double eps;

  @Option(names = "--warmup", description = "Linear learning-rate warm-up steps (default: 0; transformer: 10).")
  Integer warmup;

  @Option(names = "--train-metrics", description = "full: evaluate the whole training set after each epoch; running: average over the epoch's batches (default: full; transformer: running, as the Grokfast code).")
  String trainMetrics;

  @Option(names = "--eval-every",
      description = "Evaluate after every this many steps; 0 evaluates after every epoch (default: 0; mnist: 100).")
  Long evalEvery;

  @Option(names = "--drop-last", arity = "1", description = "Drop the last partial batch of an epoch (default: true; transformer: false, as the Grokfast code).")
  Boolean dropLast;

  // modular arithmetic
  @Option(names = "--op", description = "Modular operation: add, sub, mul, div (default: add).")
  String op;

  @Option(names = "--p", description = "Modulus p >= 2; prime for div (default: 97).")
  Integer p;

  @Option(names = "--train-fraction", description = "Modular: fraction of all pairs used for training, in (0, 1) (default: 0.5).")
  Double trainFraction;

  // sparse parity
  @Option(names = "--n", description = "Parity: input bits n >= 1 (default: 100).")
  Integer n;

  @Option(names = "--k", description = "Parity: secret bits k in [1, n] (default: 3).")
  Integer k;

  @Option(names = "--secret", description = "Parity: secret bits, first (the first k) or random (drawn from --split-seed) (default: first).")
  String secret;

  @Option(names = "--train-size", description = "Parity: training examples (default: 2000).")
  Integer trainSize;

  @Option(names = "--test-size", description = "Parity: test examples (default: 10000).")
  Integer testSize;

  @Option(names = "--loss", description = "Parity: squared (the paper's, default) or hinge.")
  String loss;

  @Option(names = "--split-seed", description = "Seed of the data and the train/test split (default: 0).")
  Long splitSeed;

  @Option(names = "--seed", description = "Seed of initialisation, shuffling and random sketches (default: 0).")
  Long seed;

  // training; null means the task preset
  @Option(names = "--width", description = "Hidden width (default: 512; parity: the (n, k) preset).")
  Integer width;

  @Option(names = "--lr", description = "Learning rate > 0 (default: 0.7; parity: the (n, k) preset).")
  Double lr;

  @Option(names = "--wd", description = "Weight decay >= 0, as 0.5*wd*||W||^2 in the loss (default: 1e-4; parity: the (n, k) preset).")
  Double wd;

  @Option(names = "--batch", description = "Minibatch size; the last partial batch is dropped (default: 512; parity: 32).")
  Integer batch;

  @Option(names = "--epochs", description = "Epoch cap (default: 15000; parity: the paper's, 2000-10100).")
  Long epochs;

  @Option(names = "--target", description = "Test accuracy to reach, in (0, 1] (default: 0.95; mnist: 0.85).")
  Double target;

  @Option(names = "--stop-after", description = "Stop this many epochs after the target is reached; -1 runs to the cap (default: 100).")
  Long stopAfter;

  // EGD and friends
  @Option(names = "--egd-layers",
      description = "Gradients EGD and colnorm act on: first, all, or a regex over parameter names such as W1 (default: first; transformer: every block's MLP weights).")
  String egdLayers;

  @Option(names = "--egd-route", description = "Exact EGD algorithm: auto, gram64, gram32, svd (default: auto).")
  String egdRoute;

  @Option(names = "--egd-floor", description = "Exact EGD: absolute floor of singular values, > 0 (default: 1e-6).")
  Double egdFloor;

  @Option(names = "--egd-rcond", description = "Exact EGD: relative rank cut-off in [0, 1); 0 moves every direction, rounding noise included, as the paper's formula (default: max(m, n) * 2^-23).")
  Double egdRcond;

  @Option(names = "--rank", description = "Rank of egd-rsvd, 1 to min(rows, cols) (default: 64, or the matrix's limit if smaller; transformer: 36).")
  Integer rank;

  @Option(names = "--power-iters", description = "Power iterations of egd-rsvd (default: 2).")
  Integer powerIters;

  @Option(names = "--oversample", description = "Extra sketch columns for egd-rsvd (default: 0).")
  Integer oversample;

  @Option(names = "--rsvd-residual", description = "egd-rsvd: drop the gradient outside the top-r subspace (the paper), or keep it scaled by 1/s_r (default: drop).")
  String rsvdResidual;

  @Option(names = "--colnorm-min", description = "colnorm: floor of a column's norm (default: 0.01).")
  Double colnormMin;

  @Option(names = "--switch-off", description = "Stop egd/egd-rsvd/colnorm once test accuracy exceeds this, in (0, 1]; 1 never switches off (default: 0.95).")
  Double switchOff;

  @Option(names = "--switch-off-mode", description = "sticky: off for good; recheck: the paper's rule, on again whenever test accuracy falls back (default: sticky).")
  String switchOffMode;

  // Grokfast
  @Option(names = "--ema-alpha", description = "grokfast-ema: alpha in [0, 1) (default: 0.98; mnist: 0.8).")
  Double emaAlpha;

  @Option(names = "--ema-lambda", description = "grokfast-ema: lambda >= 0 (default: 2.0; mnist: 0.1).")
  Double emaLambda;

  @Option(names = "--ma-window", description = "grokfast-ma: window >= 1 (default: 100).")
  Integer maWindow;

  @Option(names = "--ma-lambda", description = "grokfast-ma: lambda >= 0 (default: 5.0).")
  Double maLambda;

  @Option(names = "--checkpoint-every", description = "Save checkpoint.bin in the run directory after every this many evaluations (epochs, or --eval-every steps); "
          + "0: only when stopped early (Ctrl-C). --resume continues from it, bit-identical (default: 0).")
  Long checkpointEvery;

  // gradient-spectrum diagnostics
  @Option(names = "--log-spectrum",
      description = "Record the singular values of the chosen weight gradients before and after the transforms into spectrum.csv, and chart them.")
  Boolean logSpectrum;

  @Option(names = "--spectrum-every", description = "With --log-spectrum: at epoch 1 and every this many epochs, >= 1 (default: 10).")
  Long spectrumEvery;

  @Option(names = "--spectrum-layers",
      description = "With --log-spectrum: first, all, or a regex over parameter names (default: the --egd-layers selection).")
  String spectrumLayers;

  @Option(names = "--spectrum-k",
      description = "With --log-spectrum: spectrum.csv keeps the k largest and k smallest singular values, k >= 1, or all (default: 8).")
  String spectrumK;

  @Option(names = "--threads", description = "Java threads for one run (default: min(2, cores); compare: cores shared among parallel runs).")
  Integer threads;

  /** The settings given on the command line, in the library's terms. */
  RunConfig toConfig() {
    if ("toy".equals(task))
      throw new BadInput("--task toy: the paper's two-scale toy model has its own command, 'egd toy --eps 1e-1,1e-2,1e-3' (train takes modular, parity, mnist)");
    RunConfig c = RunConfig.empty();
    for (java.lang.reflect.Field f : RunOptions.class.getDeclaredFields()) {
      Option o = f.getAnnotation(Option.class);
      if (o == null) continue;
      Object v;
      try {
        v = f.get(this);
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      }
      if (v != null) c = with(c, setting(o.names()[0]), v);
    }
    return c;
  }

  private static <T> RunConfig with(RunConfig c, Setting<T> s, Object v) { return c.with(s, s.coerce(v)); }

  /** The library's setting of a flag: {@code --train-points} is {@code train_points}. */
  static Setting<?> setting(String flag) {
    return RunConfig.setting(flag.replaceFirst("^--", "").replace('-', '_'));
  }
}
