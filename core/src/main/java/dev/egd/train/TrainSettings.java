package dev.egd.train;

/**
 * Loop settings.
 *
 * @param epochs epoch cap
 * @param batch minibatch size
 * @param target test accuracy to reach (strictly exceed)
 * @param stopAfter stop this many epochs after the target is first reached; negative: run to the cap
 * @param l2 weight decay as 0.5 * l2 * ||W||^2 added to the loss, for weight matrices (optimizers with
 *     their own weight decay take 0 here)
 * @param threads Java threads for one run (OpenBLAS itself stays on one thread)
 * @param seed seed for initialisation, shuffling and random sketches
 * @param dropLast drop the last partial batch of an epoch (the EGD paper) or train on it (Grokfast's code)
 * @param trainMetrics FULL: evaluate the whole training set at every evaluation; RUNNING: average the
 *     loss and accuracy of the training batches since the last evaluation (as the Grokfast code reports
 *     them; cheaper)
 * @param evalEvery evaluate after every this many steps; 0: after every epoch
 */
public record TrainSettings(long epochs, int batch, double target, long stopAfter, double l2, int threads, long seed,
    boolean dropLast, TrainMetrics trainMetrics, long evalEvery) {
  public enum TrainMetrics { FULL, RUNNING }

  public TrainSettings {
    if (epochs < 1) throw new IllegalArgumentException("--epochs must be >= 1: " + epochs);
    if (batch < 1) throw new IllegalArgumentException("--batch must be >= 1: " + batch);
    if (!(target > 0 && target <= 1)) throw new IllegalArgumentException("--target must be in (0, 1]: " + target);
    if (!(l2 >= 0) || !Double.isFinite(l2)) throw new IllegalArgumentException("--wd must be >= 0: " + l2);
    if (threads < 1 || threads > 256) throw new IllegalArgumentException("--threads must be in [1, 256]: " + threads);
    if (evalEvery < 0) throw new IllegalArgumentException("--eval-every must be >= 0 (0: every epoch): " + evalEvery);
  }

  public TrainSettings(long epochs, int batch, double target, long stopAfter, double l2, int threads, long seed,
      boolean dropLast, TrainMetrics trainMetrics) {
    this(epochs, batch, target, stopAfter, l2, threads, seed, dropLast, trainMetrics, 0);
  }

  /** The EGD paper's loop: last partial batch dropped, full train evaluation. */
  public TrainSettings(long epochs, int batch, double target, long stopAfter, double l2, int threads, long seed) {
    this(epochs, batch, target, stopAfter, l2, threads, seed, true, TrainMetrics.FULL, 0);
  }
}
