package dev.egd.djl;

import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;

/**
 * Drives an {@link EgdOptimizer}'s switch-off from DJL's own evaluation: after every epoch it reports
 * the epoch's validation value of an evaluator (by name, e.g. {@code "Accuracy"}) to
 * {@link EgdOptimizer#reportTestAccuracy}. It reads {@code Trainer.getTrainingResult()}, which the
 * default listeners' {@code EvaluatorTrainingListener} fills in its own {@code onEpoch}: add this
 * listener after those ({@code config.addTrainingListeners(TrainingListener.Defaults.basic()) } first).
 * An epoch without validation reports nothing. To evaluate on your own schedule, call
 * {@code reportTestAccuracy} yourself instead.
 */
public final class SwitchOffListener extends TrainingListenerAdapter {
  private final EgdOptimizer optimizer;
  private final String evaluator;

  /**
   * A listener reporting one evaluator's validation value to one optimizer.
   *
   * @param optimizer the optimizer whose switch-offs are to judge the accuracy, not null
   * @param evaluatorName the evaluator's name, e.g. {@code "Accuracy"}, not null
   * @throws NullPointerException if either is null
   */
  public SwitchOffListener(EgdOptimizer optimizer, String evaluatorName) {
    this.optimizer = java.util.Objects.requireNonNull(optimizer);
    this.evaluator = java.util.Objects.requireNonNull(evaluatorName);
  }

  @Override public void onEpoch(Trainer trainer) {
    Float value = trainer.getTrainingResult().getValidateEvaluation(evaluator);
    if (value != null && !value.isNaN()) optimizer.reportTestAccuracy(value);
  }
}
