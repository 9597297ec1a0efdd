package dev.egd.train;

/** Called by the trainer on its own thread; keep it cheap. */
public interface TrainListener {
  default void onEpoch(EpochRecord record) {}

  /** A run continued from a checkpoint: the records it had already made, before any new onEpoch. */
  default void onResume(java.util.List<EpochRecord> history) {}

  default void onFinish(RunResult result) {}
}
