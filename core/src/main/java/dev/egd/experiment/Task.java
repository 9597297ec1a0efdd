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
  /** The task's name as the {@code task} setting gives it ({@code modular}); with the model, e.g. {@code modular/transformer}. */
  String name();

  /** The settings this task reads beyond the general ones (a run of another task refuses them). */
  Set<Setting<?>> settings();

  /** {@code config} with every unset setting this task reads filled with its preset for {@code method}. */
  RunConfig presets(RunConfig config, String method);

  /** The data, the initialised model and the loss of a resolved configuration. */
  Problem build(RunConfig resolved);

  /** A short label for directories and titles: {@code modular-add-p97}, {@code parity-n100-k3}. */
  String label(RunConfig resolved);

  /** Adds the task's own settings to a run's recorded configuration, in the order a reader expects them. */
  void record(RunConfig resolved, Map<String, Object> out);

  /**
   * An estimate, before anything is allocated, of the memory the run's data, model and per-thread
   * buffers take, in bytes (as doubles: an absurd setting must not overflow), split by the setting that drives each part (so an error can name it).
   */
  Map<Setting<?>, Double> memory(RunConfig resolved);

  /** The number of parameters the model will have (float32 each), from the resolved settings alone. */
  double parameterCount(RunConfig resolved);

  /** What a task builds. */
  record Problem(Split split, Model model, Loss loss) {}
}
