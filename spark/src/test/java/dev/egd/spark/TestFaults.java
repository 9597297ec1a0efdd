package dev.egd.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskStart;

/**
 * Faults for the local-mode tests, put into the sweep's own context with a Spark setting
 * ({@code --engine-conf spark.extraListeners=dev.egd.spark.TestFaults}), as set by the test before
 * the command: kill one attempt of a task once its run has saved a checkpoint (Spark reschedules a
 * killed attempt), or cancel the whole sweep (as a stopping driver does).
 */
public final class TestFaults extends SparkListener {
  /** Kill the first attempt of the task with this index once this file exists. */
  static volatile int killIndex = -1;
  static volatile Path killWhen;
  /** Cancel the sweep's job once this file exists. */
  static volatile Path stopWhen;
  static final List<String> events = new CopyOnWriteArrayList<>();

  static void reset() {
    killIndex = -1;
    killWhen = null;
    stopWhen = null;
    events.clear();
  }

  @Override public void onTaskStart(SparkListenerTaskStart e) {
    long task = e.taskInfo().taskId();
    int index = e.taskInfo().index(), attempt = e.taskInfo().attemptNumber();
    if (index == killIndex && attempt == 0 && killWhen != null) later(killWhen, () -> {
      events.add("killed task " + index + " attempt " + attempt);
      SparkContext.getOrCreate().killTaskAttempt(task, false, "egd test: a fault");
    });
    if (stopWhen != null) {
      Path p = stopWhen;
      stopWhen = null;
      later(p, () -> {
        events.add("cancelled the sweep");
        SparkContext.getOrCreate().cancelJobGroup(SparkSweepEngine.JOB_GROUP);
      });
    }
  }

  private static void later(Path when, Runnable what) {
    Thread t = new Thread(() -> {
      try {
        for (int i = 0; i < 60_000 / 5 && !Files.exists(when); i++) Thread.sleep(5);
        what.run();
      } catch (InterruptedException ignored) {
        // the test ended
      }
    }, "egd-test-fault");
    t.setDaemon(true);
    t.start();
  }
}
