package dev.egd.train;

import java.io.IOException;

/**
 * Where and when a run saves its state. The trainer asks at every evaluation (the only points where
 * its state is complete) and hands over the bytes; the implementation stores them atomically.
 */
public interface Checkpoints {
  /** Whether to save after this many evaluations (1-based count since the run began). */
  boolean due(long evaluations);

  /** Stores a checkpoint, replacing the previous one atomically. */
  void save(byte[] state) throws IOException;
}
