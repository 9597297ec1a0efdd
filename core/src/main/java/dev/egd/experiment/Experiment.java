package dev.egd.experiment;

import dev.egd.data.Split;
import dev.egd.nn.Loss;
import dev.egd.nn.Model;
import dev.egd.optim.GradientTransform;
import dev.egd.train.Checkpoints;
import dev.egd.train.RunResult;
import dev.egd.train.SpectrumLogger;
import dev.egd.train.TrainListener;
import dev.egd.train.TrainSettings;
import dev.egd.train.Trainer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One fully assembled run of egd's own engine, validated as a whole: its resolved configuration, task,
 * data, model, loss, transform chain and loop settings. Made by {@link Experiments#build};
 * {@link #trainer()} (or {@link #run} itself) trains it, once.
 */
public final class Experiment implements TrainingRun {
  private final RunConfig config;
  private final Task task;
  private final Split split;
  private final Model model;
  private final Loss loss;
  private final GradientTransform transform;
  private final TrainSettings settings;
  private final SpectrumLogger spectrum;
  private Trainer trainer;

  Experiment(RunConfig config, Task task, Split split, Model model, Loss loss, GradientTransform transform, TrainSettings settings,
      SpectrumLogger spectrum) {
    this.config = config;
    this.task = task;
    this.split = split;
    this.model = model;
    this.loss = loss;
    this.transform = transform;
    this.settings = settings;
    this.spectrum = spectrum;
  }

  /** The resolved configuration: every setting the run reads, presets filled in. */
  @Override public RunConfig config() { return config; }

  /** @return the task the configuration names */
  public Task task() { return task; }
  /** @return the training and test sets */
  public Split split() { return split; }
  /** @return the model, initialised; training updates its parameters in place */
  public Model model() { return model; }
  /** @return the training loss */
  public Loss loss() { return loss; }
  /** @return the whole chain: weight decay, the method's transforms and the optimizer */
  public GradientTransform transform() { return transform; }
  @Override public TrainSettings settings() { return settings; }

  /** The spectrum logger observing the method's transforms, or null unless {@code log_spectrum}. */
  @Override public SpectrumLogger spectrum() { return spectrum; }

  /** A short label of the task: {@code modular-add-p97}. */
  @Override public String label() { return task.label(config); }

  /**
   * The run's trainer (one per run: it holds the run's model and transform).
   *
   * @return the trainer, made on first use
   */
  public synchronized Trainer trainer() {
    if (trainer == null) trainer = new Trainer(model, loss, split, transform, settings);
    return trainer;
  }

  @Override public String dataDescription() { return split.description(); }

  @Override public void resumeFrom(byte[] checkpoint) { trainer().resumeFrom(checkpoint); }

  @Override public RunResult run(TrainListener listener, Checkpoints checkpoints) { return trainer().run(listener, checkpoints); }

  @Override public void requestStop() { trainer().requestStop(); }

  /**
   * The settings that decide the run's results, by name, in a fixed order: what a checkpoint must
   * agree with to be resumed, and the core of the recorded configuration.
   */
  @Override public Map<String, Object> settingsRecord() { return Experiments.record(task, config); }

  /** {@link #settingsRecord} with what was built: the model, loss, transform chain and data described. */
  @Override public Map<String, Object> description() {
    Map<String, Object> m = new LinkedHashMap<>(settingsRecord());
    m.put("model", model.describe());
    m.put("loss", loss.id());
    m.put("transform", transform.describe());
    m.put("data", split.description());
    return m;
  }
}
