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
  /** How the training loss and accuracy of an evaluation are measured. */
  public enum TrainMetrics {
    /** The whole training set is evaluated at every evaluation. */
    FULL,
    /** The training batches since the last evaluation are averaged (as the Grokfast code reports them). */
    RUNNING
  }

  /**
   * Checks the settings.
   *
   * @param epochs at least 1
   * @param batch at least 1
   * @param target in (0, 1]
   * @param stopAfter negative to run to the cap
   * @param threads in [1, 256]
   * @param seed any value
   * @param dropLast whether to drop the last partial batch
   * @param trainMetrics how training metrics are measured
   * @param evalEvery &gt;= 0
   * @throws ValidationException ({@code epochs}, {@code batch}, {@code target}, {@code threads}, {@code eval_every})
   *     if a value is out of range
   */
  public TrainSettings {
    Check.atLeast("epochs", epochs, 1);
    Check.atLeast("batch", batch, 1);
    Check.fraction("target", target);
    Check.inRange("threads", threads, 1, 256);
    if (evalEvery < 0) throw new ValidationException("eval_every", "must be >= 0 (0: every epoch)", evalEvery);
  }

  /**
   * The EGD paper's loop: last partial batch dropped, full train evaluation after every epoch.
   *
   * @param epochs epoch cap, at least 1
   * @param batch minibatch size, at least 1
   * @param target test accuracy to exceed, in (0, 1]
   * @param stopAfter stop this many epochs after the target is first reached; negative: run to the cap
   * @param threads Java threads, in [1, 256]
   * @param seed seed for initialisation, shuffling and random sketches
   * @throws ValidationException if a value is out of range
   */
  public TrainSettings(long epochs, int batch, double target, long stopAfter, int threads, long seed) {
    this(epochs, batch, target, stopAfter, threads, seed, true, TrainMetrics.FULL, 0);
  }
}
