package dev.egd.spark;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * An exclusive lock on a run directory (.egd-run.lock), held while a task runs into it. A retry can
 * be scheduled while the attempt it replaces is still writing: when a worker dies, the master reports
 * its executors lost at once, but an orphaned executor finishes its shutdown hook (stop, checkpoint,
 * summary) before it exits. The retry waits for the lock, so it starts from that checkpoint and no two
 * processes ever write one directory. The operating system drops the lock when a process dies.
 */
final class RunLock implements AutoCloseable {
  static final String NAME = ".egd-run.lock";
  private final FileChannel channel;
  private final FileLock lock;

  private RunLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  static RunLock acquire(Path dir, Duration wait) throws IOException, InterruptedException {
    FileChannel ch = FileChannel.open(dir.resolve(NAME), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    long deadline = System.nanoTime() + wait.toNanos();
    try {
      while (true) {
        FileLock l;
        try {
          l = ch.tryLock();
        } catch (OverlappingFileLockException sameJvm) {
          l = null; // an earlier attempt in this JVM still holds it
        }
        if (l != null) return new RunLock(ch, l);
        if (System.nanoTime() > deadline)
          throw new IOException("run directory " + dir + " is still locked by another process after " + wait.toSeconds()
              + " s (an earlier attempt still running?)");
        Thread.sleep(100);
      }
    } catch (IOException | InterruptedException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  @Override public void close() throws IOException {
    try {
      lock.release();
    } finally {
      channel.close();
    }
  }
}
