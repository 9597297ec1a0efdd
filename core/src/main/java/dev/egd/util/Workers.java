package dev.egd.util;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * A fixed group of threads that run one task per shard, {@code task(0..n-1)}, and wait for all of
 * them. The calling thread runs shard 0. Threads park while idle (no spin-waiting: the machine's
 * cores may be shared) and nothing is allocated per call.
 */
public final class Workers implements AutoCloseable {
  private final int n;
  private final Thread[] threads;
  private final AtomicInteger pending = new AtomicInteger();
  private volatile IntConsumer task;
  private volatile int generation;
  private volatile boolean closed;
  private volatile Thread caller;
  private volatile Throwable failure;

  /** @param n threads in the group, the caller's included (1: the caller alone, no thread started) */
  public Workers(int n) {
    dev.egd.Check.atLeast("threads", n, 1);
    this.n = n;
    threads = new Thread[n - 1];
    for (int i = 1; i < n; i++) {
      int id = i;
      Thread t = new Thread(() -> loop(id), "egd-worker-" + i);
      t.setDaemon(true);
      threads[i - 1] = t;
      t.start();
    }
  }

  /**
   * A group of one: the caller runs every task itself.
   *
   * @return a group of size 1, which starts no thread
   */
  public static Workers single() { return new Workers(1); }

  /** @return the number of shards each {@link #run} calls the task for, the caller's included */
  public int size() { return n; }

  /**
   * Runs task(i) for every shard i in [0, n) and returns when all are done. The calling thread runs shard 0, the
   * group's threads the others. One caller at a time: the group is not reentrant and not for concurrent callers, and
   * it must not be used after {@link #close()}.
   *
   * @param task what each shard does, given its index; it must be safe to call from n threads at once
   * @throws RuntimeException the caller's own failure first, else one of the other shards' (an Error is rethrown as
   *     it is, a checked exception wrapped); all shards have finished either way
   */
  public void run(IntConsumer task) {
    if (n == 1) {
      task.accept(0);
      return;
    }
    this.task = task;
    this.caller = Thread.currentThread();
    pending.set(n - 1);
    generation++;
    for (Thread t : threads) LockSupport.unpark(t);
    Throwable own = null;
    try {
      task.accept(0);
    } catch (Throwable e) {
      own = e;
    }
    while (pending.get() > 0) LockSupport.park(this);
    Throwable f = failure;
    failure = null;
    if (own == null) own = f;
    if (own instanceof RuntimeException) throw (RuntimeException) own;
    if (own instanceof Error) throw (Error) own;
    if (own != null) throw new RuntimeException(own);
  }

  private void loop(int id) {
    int seen = 0;
    while (true) {
      while (generation == seen && !closed) LockSupport.park(this);
      if (closed) return;
      seen = generation;
      try {
        task.accept(id);
      } catch (Throwable e) {
        failure = e;
      }
      if (pending.decrementAndGet() == 0) LockSupport.unpark(caller);
    }
  }

  /** Stops the group's threads (they are daemons, so a group never closed does not keep the JVM alive). Idempotent. */
  @Override public void close() {
    closed = true;
    for (Thread t : threads) LockSupport.unpark(t);
  }
}
