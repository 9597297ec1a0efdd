package dev.egd.optim;

import dev.egd.util.Workers;

/**
 * What {@link GradientTransform#init} receives besides the parameters: the seed of random sketches,
 * the threads a transform may use, and the test-accuracy signal that switch-offs read.
 *
 * <p>Random streams are handed out in the order transforms ask for them ({@link #nextStreamSeed}),
 * so a transform that draws no random numbers (weight decay, a filter) does not change the sketches
 * of those after it.
 */
public final class InitContext {
  private final long seed;
  private final Workers workers;
  private final TestAccuracy testAccuracy;
  private int streams;

  private InitContext(long seed, Workers workers, TestAccuracy testAccuracy) {
    this.seed = seed;
    this.workers = workers;
    this.testAccuracy = testAccuracy;
  }

  /**
   * One thread, the given seed, a fresh signal.
   *
   * @param seed the seed of random sketches
   * @return a context on the calling thread alone
   */
  public static InitContext of(long seed) {
    return new InitContext(seed, Workers.single(), new TestAccuracy());
  }

  /**
   * A context with the caller's threads and signal.
   *
   * @param seed the seed of random sketches
   * @param workers threads transforms may use (the caller closes them)
   * @param testAccuracy the signal the caller writes after each evaluation; switch-offs read it
   * @return the context
   * @throws NullPointerException if {@code workers} or {@code testAccuracy} is null
   */
  public static InitContext of(long seed, Workers workers, TestAccuracy testAccuracy) {
    if (workers == null || testAccuracy == null) throw new NullPointerException("workers and testAccuracy are required");
    return new InitContext(seed, workers, testAccuracy);
  }

  /** @return the seed this context was created with */
  public long seed() { return seed; }

  /**
   * The seed of the next random stream: a transform that samples calls this once per stream it needs, in init.
   *
   * @return a new seed, different on each call; the sequence depends only on the seed
   */
  public long nextStreamSeed() { return seed * 31 + streams++; }

  /**
   * Threads a transform may spread independent work over; results must not depend on their number.
   *
   * @return the caller's thread group (one thread for {@link #of(long)})
   */
  public Workers workers() { return workers; }

  /**
   * The latest test accuracy, as the training loop reports it.
   *
   * @return the signal, shared with the training loop
   */
  public TestAccuracy testAccuracy() { return testAccuracy; }
}
