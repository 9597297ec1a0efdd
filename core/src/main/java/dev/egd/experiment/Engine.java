package dev.egd.experiment;

import java.util.List;

/**
 * What computes a run, named by the {@code engine} setting: {@code egd} (egd's own engine, always
 * there) or another found on the class path through {@link java.util.ServiceLoader} (a line with the
 * implementing class in {@code META-INF/services/dev.egd.experiment.Engine}), such as egd-djl's
 * {@code djl}.
 */
public interface Engine {
  /** The engine's name, as the {@code engine} setting gives it. */
  String name();

  /**
   * Builds and validates a run of {@code given} (whose engine is this one); throws a
   * {@link dev.egd.ValidationException} naming the setting at fault.
   *
   * @param methods the methods of the command the run belongs to (settings need only apply to one of them)
   */
  TrainingRun build(RunConfig given, List<String> methods);
}
