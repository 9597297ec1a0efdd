package dev.egd.experiment;

import dev.egd.data.Split;
import dev.egd.nn.Loss;
import dev.egd.nn.Model;
import java.util.Map;
import java.util.Set;

/**
 * One of the papers' experiments: its data, model and loss, and the settings the papers give it per
 * method. {@link Experiments#build} resolves a {@link RunConfig} through its task, then adds the method's
 * transforms and the optimizer.
 *
 * <p>Adding a task: one class implementing this, and a line in {@link Experiments#task}.
 */
public interface Task {
  /**
   * The task's name as the {@code task} setting gives it ({@code modular}); with the model, e.g. {@code modular/transformer}.
   *
   * @return the name, e.g. {@code modular} or {@code modular/transformer}
   */
  String name();

  /**
   * The settings this task reads beyond the general ones (a run of another task refuses them).
   *
   * @return the task's own settings
   */
  Set<Setting<?>> settings();

  /**
   * {@code config} with every unset setting this task reads filled with its preset for {@code method}.
   *
   * @param config the settings given
   * @param method the run's method, whose presets apply (e.g. {@code egd})
   * @return a new configuration; given settings are kept
   */
  RunConfig presets(RunConfig config, String method);

  /**
   * The data, the initialised model and the loss of a resolved configuration.
   *
   * @param resolved a configuration {@link #presets} filled in
   * @return the split, the model with its parameters initialised from the seed, and the loss
   * @throws dev.egd.ValidationException if a setting is out of range
   */
  Problem build(RunConfig resolved);

  /**
   * A short label for directories and titles: {@code modular-add-p97}, {@code parity-n100-k3}.
   *
   * @param resolved a resolved configuration
   * @return the label, safe as a file name
   */
  String label(RunConfig resolved);

  /**
   * Adds the task's own settings to a run's recorded configuration, in the order a reader expects them.
   *
   * @param resolved a resolved configuration
   * @param out the recorded configuration, added to
   */
  void record(RunConfig resolved, Map<String, Object> out);

  /**
   * An estimate, before anything is allocated, of the memory the run's data, model and per-thread
   * buffers take, in bytes (as doubles: an absurd setting must not overflow), split by the setting that drives each part (so an error can name it).
   *
   * @param resolved a resolved configuration
   * @return bytes by setting
   */
  Map<Setting<?>, Double> memory(RunConfig resolved);

  /**
   * The number of parameters the model will have (float32 each), from the resolved settings alone.
   *
   * @param resolved a resolved configuration
   * @return the parameter count, as a double (an absurd setting must not overflow)
   */
  double parameterCount(RunConfig resolved);

  /**
   * What a task builds.
   *
   * @param split the training and test sets
   * @param model the model, initialised
   * @param loss the training loss
   */
  record Problem(Split split, Model model, Loss loss) {}
}
