package dev.egd.experiment;

import dev.egd.train.Checkpoints;
import dev.egd.train.RunResult;
import dev.egd.train.SpectrumLogger;
import dev.egd.train.TrainListener;
import dev.egd.train.TrainSettings;
import java.util.Map;

/**
 * One run ready to train, whatever computes it: egd's own engine ({@link Experiment}) or another
 * {@link Engine} (DJL's). {@link RunDirectory#run} writes any of them into the same run directory, so
 * comparisons, sweeps and reports treat them alike. A run is used once.
 */
public interface TrainingRun {
  /**
   * The resolved configuration: every setting the run reads.
   *
   * @return the configuration, presets filled in
   */
  RunConfig config();

  /** @return the method spec, e.g. {@code egd} */
  default String method() { return config().get(RunConfig.METHOD); }

  /** @return the seed of initialisation, shuffling and random sketches */
  default long seed() { return config().get(RunConfig.SEED); }

  /**
   * A short label of the task ({@code modular-add-p97}), for directories and titles.
   *
   * @return the label, safe as a file name
   */
  String label();

  /**
   * The loop's settings (epochs, batch, target...).
   *
   * @return the loop's settings
   */
  TrainSettings settings();

  /**
   * The settings that decide the results, by name: what a checkpoint must agree with to be resumed.
   *
   * @return the settings, by snake-case name, in a fixed order
   */
  Map<String, Object> settingsRecord();

  /**
   * {@link #settingsRecord} with what was built described (model, loss, transform chain, data), as the summary records it.
   *
   * @return a new map: the settings record, then the descriptions
   */
  Map<String, Object> description();

  /**
   * A one-line description of the data, for what a command prints first.
   *
   * @return the description, e.g. the task and the train/test sizes
   */
  default String dataDescription() { return String.valueOf(description().get("data")); }

  /**
   * The spectrum logger, or null when the spectrum is not logged.
   *
   * @return the logger, or null
   */
  default SpectrumLogger spectrum() { return null; }

  /**
   * Makes the next {@link #run} continue from a checkpoint this run's configuration wrote.
   *
   * @param checkpoint the bytes {@link Checkpoints#save} received; copied
   */
  void resumeFrom(byte[] checkpoint);

  /**
   * Trains, checkpointing at evaluations when due and whenever a stop was requested.
   * Blocks until the run ends.
   *
   * @param listener told of every evaluation and of the end
   * @param checkpoints where checkpoints go, or null for none
   * @return how the run ended
   */
  RunResult run(TrainListener listener, Checkpoints checkpoints);

  /** Asks a running {@link #run} to stop at its next evaluation (it checkpoints and returns interrupted). */
  void requestStop();
}
