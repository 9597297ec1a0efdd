package dev.egd.train;

/** Called by the trainer on its own thread; keep it cheap. */
public interface TrainListener {
  /**
   * After every evaluation.
   *
   * @param record what the evaluation measured
   */
  default void onEpoch(EpochRecord record) {}

  /**
   * A run continued from a checkpoint: the records it had already made, before any new onEpoch.
   *
   * @param history the earlier evaluations, in order
   */
  default void onResume(java.util.List<EpochRecord> history) {}

  /**
   * Once, when the run ends for whatever reason (not when it throws).
   *
   * @param result how the run ended
   */
  default void onFinish(RunResult result) {}
}
