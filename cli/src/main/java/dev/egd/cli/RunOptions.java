package dev.egd.cli;

import dev.egd.linalg.ExactEgd;
import dev.egd.linalg.RandomizedEgd;
import dev.egd.optim.SwitchOffMode;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Every training setting, shared by the commands that run experiments. Settings left unset take the
 * task's defaults: the EGD paper's (see {@link #resolve}).
 */
public final class RunOptions {
  @Option(names = "--task", defaultValue = "modular", description = "Task: modular, parity or mnist (default: ${DEFAULT-VALUE}).")
  String task;

  // MNIST
  @Option(names = "--data", description = "MNIST: directory with the standard IDX files (train-*, optionally t10k-*; plain or .gz) (default: the bundled 10,000 digits).")
  java.nio.file.Path data;

  @Option(names = "--train-points", defaultValue = "1000", description = "MNIST: training images, the first ones of the data (default: ${DEFAULT-VALUE}).")
  int trainPoints;

  @Option(names = "--init-scale", defaultValue = "8.0", description = "MNIST: multiplies PyTorch's default initialisation (default: ${DEFAULT-VALUE}).")
  double initScale;

  @Option(names = "--model", defaultValue = "mlp",
      description = "mlp (2-layer ReLU MLP on one-hot inputs) or transformer (decoder reading 'a op b =', modular task) (default: ${DEFAULT-VALUE}).")
  String model;

  @Option(names = "--activation",
      description = "MLP hidden activation: relu, tanh, sigmoid or gelu (default: relu; the transformer's MLP is GELU).")
  String activation;

  @Option(names = "--depth", defaultValue = "2", description = "Transformer: blocks; MNIST: hidden layers (default: ${DEFAULT-VALUE}).")
  int depth;

  @Option(names = "--heads", defaultValue = "4", description = "Transformer: attention heads; must divide --width (default: ${DEFAULT-VALUE}).")
  int heads;

  @Option(names = "--optimizer", description = "sgd, adam (L2 weight decay, as torch.optim.Adam) or adamw (decoupled) (default: sgd; transformer: adam).")
  String optimizer;

  @Option(names = "--beta1", defaultValue = "0.9", description = "Adam beta1 in [0, 1) (default: ${DEFAULT-VALUE}).")
  double beta1;

  @Option(names = "--beta2", description = "Adam beta2 in [0, 1) (default: 0.999 as PyTorch; transformer: 0.98 as the Grokfast code).")
  Double beta2;

  @Option(names = "--eps", defaultValue = "1e-8", description = "Adam epsilon > 0 (default: ${DEFAULT-VALUE}).")
  double eps;

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
  @Option(names = "--op", defaultValue = "add", description = "Modular operation: add, sub, mul, div (default: ${DEFAULT-VALUE}).")
  String op;

  @Option(names = "--p", defaultValue = "97", description = "Modulus p >= 2; prime for div (default: ${DEFAULT-VALUE}).")
  int p;

  @Option(names = "--train-fraction", defaultValue = "0.5", description = "Modular: fraction of all pairs used for training, in (0, 1) (default: ${DEFAULT-VALUE}).")
  double trainFraction;

  // sparse parity
  @Option(names = "--n", defaultValue = "100", description = "Parity: input bits n >= 1 (default: ${DEFAULT-VALUE}).")
  int n;

  @Option(names = "--k", defaultValue = "3", description = "Parity: secret bits k in [1, n] (default: ${DEFAULT-VALUE}).")
  int k;

  @Option(names = "--secret", defaultValue = "first", description = "Parity: secret bits, first (the first k) or random (drawn from --split-seed) (default: ${DEFAULT-VALUE}).")
  String secret;

  @Option(names = "--train-size", defaultValue = "2000", description = "Parity: training examples (default: ${DEFAULT-VALUE}).")
  int trainSize;

  @Option(names = "--test-size", defaultValue = "10000", description = "Parity: test examples (default: ${DEFAULT-VALUE}).")
  int testSize;

  @Option(names = "--loss", description = "Parity: squared (the paper's, default) or hinge.")
  String loss;

  @Option(names = "--split-seed", defaultValue = "0", description = "Seed of the data and the train/test split (default: ${DEFAULT-VALUE}).")
  long splitSeed;

  @Option(names = "--seed", defaultValue = "0", description = "Seed of initialisation, shuffling and random sketches (default: ${DEFAULT-VALUE}).")
  long seed;

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

  @Option(names = "--stop-after", defaultValue = "100",
      description = "Stop this many epochs after the target is reached; -1 runs to the cap (default: ${DEFAULT-VALUE}).")
  long stopAfter;

  // EGD and friends
  @Option(names = "--egd-layers",
      description = "Gradients EGD and colnorm act on: first, all, or a regex over parameter names such as W1 (default: first; transformer: every block's MLP weights).")
  String egdLayers;

  @Option(names = "--egd-route", defaultValue = "auto",
      description = "Exact EGD algorithm: auto, gram64, gram32, svd (default: ${DEFAULT-VALUE}).")
  ExactEgd.Route egdRoute;

  @Option(names = "--egd-floor", defaultValue = "1e-6", description = "Exact EGD: absolute floor of singular values, > 0 (default: ${DEFAULT-VALUE}).")
  float egdFloor;

  @Option(names = "--egd-rcond", description = "Exact EGD: relative rank cut-off in [0, 1); 0 moves every direction, rounding noise included, as the paper's formula (default: max(m, n) * 2^-23).")
  Double egdRcond;

  @Option(names = "--rank", description = "Rank of egd-rsvd, 1 to min(rows, cols) (default: 64, or the matrix's limit if smaller; transformer: 36).")
  Integer rank;

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
      description = "Stop egd/egd-rsvd/colnorm once test accuracy exceeds this, in (0, 1]; 1 never switches off (default: ${DEFAULT-VALUE}).")
  double switchOff;

  @Option(names = "--switch-off-mode", defaultValue = "sticky",
      description = "sticky: off for good; recheck: the paper's rule, on again whenever test accuracy falls back (default: ${DEFAULT-VALUE}).")
  SwitchOffMode switchOffMode;

  // Grokfast
  @Option(names = "--ema-alpha", description = "grokfast-ema: alpha in [0, 1) (default: 0.98; mnist: 0.8).")
  Double emaAlpha;

  @Option(names = "--ema-lambda", description = "grokfast-ema: lambda >= 0 (default: 2.0; mnist: 0.1).")
  Double emaLambda;

  @Option(names = "--ma-window", defaultValue = "100", description = "grokfast-ma: window >= 1 (default: ${DEFAULT-VALUE}).")
  int maWindow;

  @Option(names = "--ma-lambda", defaultValue = "5.0", description = "grokfast-ma: lambda >= 0 (default: ${DEFAULT-VALUE}).")
  double maLambda;

  @Option(names = "--checkpoint-every", defaultValue = "0",
      description = "Save checkpoint.bin in the run directory after every this many evaluations (epochs, or --eval-every steps); "
          + "0: only when stopped early (Ctrl-C). --resume continues from it, bit-identical (default: ${DEFAULT-VALUE}).")
  long checkpointEvery;

  // gradient-spectrum diagnostics
  @Option(names = "--log-spectrum",
      description = "Record the singular values of the chosen weight gradients before and after the transforms into spectrum.csv, and chart them.")
  boolean logSpectrum;

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

  /** The EGD paper's parity settings: (n, k) -> width, lr, wd, epochs; batch 32 for all. */
  record ParityPreset(int n, int k, int width, double lr, double wd, long epochs) {}

  static final ParityPreset[] PARITY_PRESETS = {
      new ParityPreset(400, 2, 50, 0.01, 1e-3, 10100),
      new ParityPreset(100, 3, 100, 0.0416239, 1e-2, 2000),
      new ParityPreset(50, 4, 100, 0.0230841, 1e-2, 6000),
  };

  static ParityPreset parityPreset(int n, int k) {
    for (ParityPreset pp : PARITY_PRESETS) if (pp.n == n && pp.k == k) return pp;
    return null;
  }

  /**
   * Fills every unset setting with the default of the task, model and method (the papers' settings);
   * call before building.
   */
  RunOptions resolve(String method) {
    if (!model.equals("mlp") && !model.equals("transformer")) throw new BadInput("--model must be mlp or transformer: " + model);
    if (model.equals("transformer")) {
      if (!task.equals("modular")) throw new BadInput("--model transformer works on --task modular only: " + task);
      // Grokfast's transformer runs (Power et al. setting) and the per-method presets of the papers
      if (width == null) width = 128;
      if (lr == null) lr = 1e-3;
      if (batch == null) batch = 512;
      if (epochs == null) epochs = 30000L;
      if (optimizer == null) optimizer = "adam";
      if (warmup == null) warmup = 10;
      if (trainMetrics == null) trainMetrics = "running";
      if (dropLast == null) dropLast = false;
      if (egdLayers == null) egdLayers = dev.egd.nn.Transformer.MLP_WEIGHTS;
      if (beta2 == null) beta2 = 0.98;
      if (rank == null && method.contains("egd-rsvd")) rank = 36;
      if (wd == null) wd = method.contains("grokfast-ma") ? 0.01 : method.equals("vanilla") ? 0.0 : 0.005;
      if (loss == null) loss = "cross-entropy";
    }
    if (task.equals("mnist")) {
      if (model.equals("transformer")) throw new BadInput("--model transformer works on --task modular only: " + task);
      // The Omnigrok/Grokfast MNIST setting as the EGD paper's comparison runs it
      if (width == null) width = 200;
      if (lr == null) lr = 1e-3;
      // AdamW's 0.01 for vanilla (Omnigrok's baseline, ~43k steps); 2.0 for every method, as the
      // Grokfast and EGD comparison scripts run them. Pass --wd to compare at equal weight decay.
      if (wd == null) wd = method.equals("vanilla") ? 0.01 : 2.0;
      if (batch == null) batch = 200;
      if (optimizer == null) optimizer = "adamw";
      if (epochs == null) epochs = (long) Math.ceil(100_000.0 / Math.max(1, trainPoints / batch)); // a 100,000-step budget
      if (evalEvery == null) evalEvery = 100L;
      if (target == null) target = 0.85;
      if (egdLayers == null) egdLayers = "all";
      if (emaAlpha == null) emaAlpha = 0.8;
      if (emaLambda == null) emaLambda = 0.1;
      if (rank == null && method.contains("egd-rsvd")) rank = 4;
      if (loss == null) loss = "mse";
    }
    if (!logSpectrum) {
      if (spectrumEvery != null) throw new BadInput("--spectrum-every needs --log-spectrum");
      if (spectrumLayers != null) throw new BadInput("--spectrum-layers needs --log-spectrum");
      if (spectrumK != null) throw new BadInput("--spectrum-k needs --log-spectrum");
    } else {
      if (spectrumEvery == null) spectrumEvery = 10L;
      if (spectrumEvery < 1) throw new BadInput("--spectrum-every must be >= 1 (epochs): " + spectrumEvery);
      if (spectrumK == null) spectrumK = "8";
      spectrumKeep(); // validates
    }
    if (target == null) target = 0.95;
    if (beta2 == null) beta2 = 0.999;
    if (evalEvery == null) evalEvery = 0L;
    if (emaAlpha == null) emaAlpha = 0.98;
    if (emaLambda == null) emaLambda = 2.0;
    if (optimizer == null) optimizer = "sgd";
    if (warmup == null) warmup = 0;
    if (trainMetrics == null) trainMetrics = "full";
    if (dropLast == null) dropLast = true;
    if (egdLayers == null) egdLayers = "first";
    if (!java.util.List.of("sgd", "adam", "adamw").contains(optimizer))
      throw new BadInput("--optimizer must be sgd, adam or adamw: " + optimizer);
    if (!trainMetrics.equals("full") && !trainMetrics.equals("running"))
      throw new BadInput("--train-metrics must be full or running: " + trainMetrics);
    if (model.equals("transformer") && activation != null)
      throw new BadInput("--activation applies to --model mlp; the transformer's MLP is GELU: " + activation);
    if (activation == null) activation = "relu";
    if (!model.equals("transformer")) {
      activation = dev.egd.nn.Mlp.Activation.parse(activation).name().toLowerCase(java.util.Locale.ROOT);
    }
    switch (task) {
      case "modular":
        if (width == null) width = 512;
        if (lr == null) lr = 0.7;
        if (wd == null) wd = 1e-4;
        if (batch == null) batch = 512;
        if (epochs == null) epochs = 15000L;
        if (loss == null) loss = "cross-entropy";
        break;
      case "mnist":
        if (!loss.equals("mse") && !loss.equals("cross-entropy"))
          throw new BadInput("--loss for the mnist task must be mse or cross-entropy: " + loss);
        if (depth < 1) throw new BadInput("--depth must be >= 1 hidden layer: " + depth);
        if (!(initScale > 0)) throw new BadInput("--init-scale must be > 0: " + initScale);
        break;
      case "parity":
        ParityPreset pp = parityPreset(n, k);
        if (width == null) width = pp != null ? pp.width : 100;
        if (lr == null) lr = pp != null ? pp.lr : 0.01;
        if (wd == null) wd = pp != null ? pp.wd : 1e-2;
        if (batch == null) batch = 32;
        if (epochs == null) epochs = pp != null ? pp.epochs : 10000L;
        if (loss == null) loss = "squared";
        break;
      case "toy":
        throw new BadInput("--task toy: the paper's two-scale toy model has its own command, 'egd toy --eps 1e-1,1e-2,1e-3' (train takes modular, parity, mnist)");
      default:
        throw new BadInput("--task must be one of: modular, parity, mnist; got '" + task + "'");
    }
    return this;
  }

  /** How many singular values from each end spectrum.csv keeps; 0: all. */
  int spectrumKeep() {
    if (spectrumK.equals("all")) return 0;
    try {
      int k = Integer.parseInt(spectrumK);
      if (k >= 1) return k;
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new BadInput("--spectrum-k must be an integer >= 1 or all: " + spectrumK);
  }

  int threads() {
    return threads != null ? threads : Math.min(2, Runtime.getRuntime().availableProcessors());
  }

  /** A copy, so that commands running several methods can vary one setting. */
  RunOptions copy() {
    RunOptions o = new RunOptions();
    for (java.lang.reflect.Field f : RunOptions.class.getDeclaredFields()) {
      if (java.lang.reflect.Modifier.isStatic(f.getModifiers())) continue;
      try {
        f.set(o, f.get(this));
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      }
    }
    return o;
  }

  /** The resolved configuration, as recorded in summary.json. */
  Map<String, Object> toMap(String method) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("task", task);
    m.put("model", model);
    if (model.equals("transformer")) {
      m.put("depth", depth);
      m.put("heads", heads);
    }
    if (task.equals("mnist")) {
      m.put("data", data == null ? "bundled mnist-10k" : data.toString());
      m.put("train_points", trainPoints);
      m.put("hidden_layers", depth);
      m.put("init_scale", initScale);
    } else if (task.equals("modular")) {
      m.put("op", op);
      m.put("p", p);
      m.put("train_fraction", trainFraction);
    } else {
      m.put("n", n);
      m.put("k", k);
      m.put("secret", secret);
      m.put("train_size", trainSize);
      m.put("test_size", testSize);
    }
    m.put("loss", loss);
    m.put("split_seed", splitSeed);
    m.put("method", method);
    m.put("seed", seed);
    m.put("width", width);
    if (!model.equals("transformer")) m.put("activation", activation);
    m.put("optimizer", optimizer);
    m.put("lr", lr);
    m.put("wd", wd);
    if (!optimizer.equals("sgd")) {
      m.put("beta1", beta1);
      m.put("beta2", beta2);
      m.put("eps", eps);
    }
    m.put("warmup", warmup);
    m.put("train_metrics", trainMetrics);
    m.put("drop_last", dropLast);
    m.put("eval_every", evalEvery);
    m.put("batch", batch);
    m.put("epochs", epochs);
    m.put("target", target);
    m.put("stop_after", stopAfter);
    m.put("egd_layers", egdLayers);
    m.put("egd_route", egdRoute.name().toLowerCase(java.util.Locale.ROOT));
    m.put("egd_floor", egdFloor);
    m.put("egd_rcond", egdRcond);
    m.put("rank", rank);
    m.put("power_iters", powerIters);
    m.put("oversample", oversample);
    m.put("rsvd_residual", rsvdResidual.name().toLowerCase());
    m.put("colnorm_min", colnormMin);
    m.put("switch_off", switchOff);
    m.put("switch_off_mode", switchOffMode.name().toLowerCase());
    m.put("ema_alpha", emaAlpha);
    m.put("ema_lambda", emaLambda);
    m.put("ma_window", maWindow);
    m.put("ma_lambda", maLambda);
    if (logSpectrum) {
      m.put("spectrum_every", spectrumEvery);
      m.put("spectrum_layers", spectrumLayers == null ? egdLayers : spectrumLayers);
      m.put("spectrum_k", spectrumK);
    }
    m.put("threads", threads());
    return m;
  }

  /** A short name for the task, for directories and titles: modular-add-p97, parity-n100-k3. */
  String taskLabel() {
    String t = task.equals("modular") ? "modular-" + op + "-p" + p : task.equals("mnist") ? "mnist-" + trainPoints : "parity-n" + n + "-k" + k;
    return model.equals("transformer") ? t + "-transformer" : t;
  }
}
