package dev.egd.spark;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * One run of a sweep as a Spark task carries it: a name for the status lines, the run's {@code train}
 * flags (without --out, --resume, --quiet: the task adds them) and its directory, a path every
 * executor sees (a shared file system). The directory is a String because java.nio.file.Path is not
 * Serializable; core's SweepRun will need the same (or a URI) to travel in a Spark task.
 */
public record SparkRun(String id, List<String> trainArgs, String dir) implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final List<String> SET_BY_TASK = List.of("--out", "--resume", "--quiet", "-q");

  public SparkRun {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(dir, "dir");
    trainArgs = List.copyOf(trainArgs);
    for (String a : trainArgs) {
      String flag = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
      if (SET_BY_TASK.contains(flag)) throw new IllegalArgumentException("run " + id + ": " + flag + " is set by the engine, not the run's flags");
    }
  }

  /** The run's --threads (what a Spark task must reserve as spark.task.cpus), or 0 when it does not set it. */
  public int threads() {
    int t = 0;
    for (int i = 0; i < trainArgs.size(); i++) {
      String a = trainArgs.get(i);
      String v = a.startsWith("--threads=") ? a.substring("--threads=".length()) : a.equals("--threads") && i + 1 < trainArgs.size() ? trainArgs.get(i + 1) : null;
      if (v != null) {
        try {
          t = Integer.parseInt(v.trim()); // the last occurrence wins, as in train
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("run " + id + ": --threads must be an integer: " + v);
        }
      }
    }
    return t;
  }
}
