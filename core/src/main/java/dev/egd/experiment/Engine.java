package dev.egd.experiment;

import java.util.List;

/**
 * What computes a run, named by the {@code engine} setting: {@code egd} (egd's own engine, always
 * there) or another found on the class path through {@link java.util.ServiceLoader} (a line with the
 * implementing class in {@code META-INF/services/dev.egd.experiment.Engine}), such as egd-djl's
 * {@code djl}.
 */
public interface Engine {
  /**
   * The engine's name, as the {@code engine} setting gives it.
   *
   * @return the name, e.g. {@code egd} or {@code djl}
   */
  String name();

  /**
   * Builds and validates a run of {@code given} (whose engine is this one); throws a
   * {@link dev.egd.ValidationException} naming the setting at fault.
   *
   * @param methods the methods of the command the run belongs to (settings need only apply to one of them)
   * @param given the run's settings as given (presets not yet applied)
   * @return a run, built and validated, ready to train
   * @throws dev.egd.ValidationException naming the setting at fault
   */
  TrainingRun build(RunConfig given, List<String> methods);
}
