package dev.egd.train;

import java.io.IOException;

/**
 * Where and when a run saves its state. The trainer asks at every evaluation (the only points where
 * its state is complete) and hands over the bytes; the implementation stores them atomically.
 */
public interface Checkpoints {
  /**
   * Whether to save after this many evaluations (1-based count since the run began).
   *
   * @param evaluations evaluations so far, from 1
   * @return whether to save now
   */
  boolean due(long evaluations);

  /**
   * Stores a checkpoint, replacing the previous one atomically.
   * A failure here ends the run with the exception (wrapped unchecked by {@link Trainer#run}).
   *
   * @param state the trainer's state, for {@link Trainer#resumeFrom}; the implementation may keep the array
   * @throws IOException if the checkpoint cannot be stored
   */
  void save(byte[] state) throws IOException;
}
