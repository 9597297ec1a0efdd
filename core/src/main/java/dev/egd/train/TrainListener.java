package dev.egd.train;

/** Called by the trainer on its own thread; keep it cheap. */
public interface TrainListener {
  default void onEpoch(EpochRecord record) {}

  default void onFinish(RunResult result) {}
}
