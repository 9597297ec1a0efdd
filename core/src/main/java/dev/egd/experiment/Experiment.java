package dev.egd.experiment;

import dev.egd.data.Split;
import dev.egd.nn.Loss;
import dev.egd.nn.Model;
import dev.egd.optim.GradientTransform;
import dev.egd.train.SpectrumLogger;
import dev.egd.train.TrainSettings;
import dev.egd.train.Trainer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One fully assembled run, validated as a whole: its resolved configuration, task, data, model, loss,
 * transform chain and loop settings. Made by {@link Experiments#build}; {@link #trainer()} runs it.
 */
public final class Experiment {
  private final RunConfig config;
  private final Task task;
  private final Split split;
  private final Model model;
  private final Loss loss;
  private final GradientTransform transform;
  private final TrainSettings settings;
  private final SpectrumLogger spectrum;

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
  public RunConfig config() { return config; }

  public String method() { return config.require(RunConfig.METHOD); }
  public long seed() { return config.require(RunConfig.SEED); }
  public Task task() { return task; }
  public Split split() { return split; }
  public Model model() { return model; }
  public Loss loss() { return loss; }
  public GradientTransform transform() { return transform; }
  public TrainSettings settings() { return settings; }

  /** The spectrum logger observing the method's transforms, or null unless {@code log_spectrum}. */
  public SpectrumLogger spectrum() { return spectrum; }

  /** A short label of the task: {@code modular-add-p97}. */
  public String label() { return task.label(config); }

  /** A trainer for this run (one per run: it holds the run's model and transform). */
  public Trainer trainer() { return new Trainer(model, loss, split, transform, settings); }

  /**
   * The settings that decide the run's results, by name, in a fixed order: what a checkpoint must
   * agree with to be resumed, and the core of the recorded configuration.
   */
  public Map<String, Object> settingsRecord() { return Experiments.record(task, config); }

  /** {@link #settingsRecord} with what was built: the model, loss, transform chain and data described. */
  public Map<String, Object> description() {
    Map<String, Object> m = new LinkedHashMap<>(settingsRecord());
    m.put("model", model.describe());
    m.put("loss", loss.id());
    m.put("transform", transform.describe());
    m.put("data", split.description());
    return m;
  }
}
