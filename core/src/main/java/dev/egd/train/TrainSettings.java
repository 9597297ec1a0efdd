package dev.egd.train;

import dev.egd.Check;
import dev.egd.ValidationException;

/**
 * Loop settings.
 *
 * @param epochs epoch cap
 * @param batch minibatch size
 * @param target test accuracy to reach (strictly exceed)
 * @param stopAfter stop this many epochs after the target is first reached; negative: run to the cap
 * @param threads Java threads for one run (OpenBLAS itself stays on one thread)
 * @param seed seed for initialisation, shuffling and random sketches
 * @param dropLast drop the last partial batch of an epoch (the EGD paper) or train on it (Grokfast's code)
 * @param trainMetrics FULL: evaluate the whole training set at every evaluation; RUNNING: average the
 *     loss and accuracy of the training batches since the last evaluation (as the Grokfast code reports
 *     them; cheaper)
 * @param evalEvery evaluate after every this many steps; 0: after every epoch
 */
public record TrainSettings(long epochs, int batch, double target, long stopAfter, int threads, long seed,
    boolean dropLast, TrainMetrics trainMetrics, long evalEvery) {
  public enum TrainMetrics { FULL, RUNNING }

  public TrainSettings {
    Check.atLeast("epochs", epochs, 1);
    Check.atLeast("batch", batch, 1);
    Check.fraction("target", target);
    Check.inRange("threads", threads, 1, 256);
    if (evalEvery < 0) throw new ValidationException("eval_every", "must be >= 0 (0: every epoch)", evalEvery);
  }

  /** The EGD paper's loop: last partial batch dropped, full train evaluation after every epoch. */
  public TrainSettings(long epochs, int batch, double target, long stopAfter, int threads, long seed) {
    this(epochs, batch, target, stopAfter, threads, seed, true, TrainMetrics.FULL, 0);
  }
}
