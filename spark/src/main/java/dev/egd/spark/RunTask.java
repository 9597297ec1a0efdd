package dev.egd.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The body of one Spark task: runs one run into its directory, exactly as {@code egd train} (and so
 * the local sweep engine) would, continuing from the directory's checkpoint.bin when an earlier
 * attempt left one. This is the one function to swap for core's {@code RunDirectory.execute(run)}.
 *
 * <p>Failures: a run that train refuses (exit 2: bad flags, a directory it cannot write) returns a
 * "bad-input" outcome, since a retry would fail the same way; a run that was interrupted (exit 130:
 * its JVM is shutting down, it has saved a checkpoint) or crashed throws, so Spark retries the task,
 * and the retry resumes.
 */
public final class RunTask {
  /** How long a retry waits for an earlier attempt's process to let go of the directory. */
  static final Duration LOCK_WAIT = Duration.ofSeconds(120);
  static final String CHECKPOINT = "checkpoint.bin";
  private static final ObjectMapper JSON = new ObjectMapper();

  private RunTask() {}

  /** As {@link #execute(SparkRun, int, long)} for a first attempt. */
  public static RunOutcome execute(SparkRun run) throws Exception {
    return execute(run, 0, Long.MAX_VALUE);
  }

  /**
   * Runs (or resumes) run in its directory. attempt is Spark's attempt number; a retry (attempt > 0)
   * whose directory already holds a finished run written since sweepStart (epoch ms) returns that run
   * instead of training it again: the earlier attempt finished, but its executor died before the
   * result reached the driver.
   */
  public static RunOutcome execute(SparkRun run, int attempt, long sweepStart) throws Exception {
    Path dir = Path.of(run.dir());
    long t0 = System.nanoTime();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      return refused(run, attempt, "cannot create the run directory " + dir + " on " + host() + ": " + e, t0);
    }
    if (!Files.isWritable(dir)) return refused(run, attempt, "the run directory " + dir + " is not writable on " + host(), t0);
    try (RunLock lock = RunLock.acquire(dir, LOCK_WAIT)) {
      if (attempt > 0 && finishedSince(dir, sweepStart))
        return fromSummary(run, 0, false, attempt, (System.nanoTime() - t0) / 1e9, "finished by an earlier attempt");
      boolean resume = Files.isRegularFile(dir.resolve(CHECKPOINT));
      List<String> args = new ArrayList<>();
      args.add("train");
      args.addAll(run.trainArgs());
      args.add("--out");
      args.add(dir.toString());
      args.add("--quiet");
      if (resume) args.add("--resume");
      StringWriter err = new StringWriter();
      int code = train(args, new PrintWriter(err, true));
      double seconds = (System.nanoTime() - t0) / 1e9;
      String message = firstLines(err.toString());
      switch (code) {
        case 0:
        case 3: // diverged: a result like any other
          return fromSummary(run, code, resume, attempt, seconds, message);
        case 2:
          return new RunOutcome(run.id(), code, "bad-input", message, resume, attempt, 0, null, null, seconds);
        case 130:
          throw new RunFailed("run " + run.id() + " was interrupted (its executor is stopping); it left a checkpoint to resume from");
        default:
          throw new RunFailed("run " + run.id() + " failed (exit " + code + ")" + (message.isEmpty() ? "" : ": " + message));
      }
    }
  }

  /** egd train in this JVM, errors to err: the same bytes the local engine writes. Later: core's RunDirectory.execute. */
  static int train(List<String> args, PrintWriter err) {
    picocli.CommandLine cl = dev.egd.cli.Main.commandLine();
    cl.setErr(err);
    return cl.execute(args.toArray(new String[0]));
  }

  private static RunOutcome fromSummary(SparkRun run, int code, boolean resumed, int attempt, double seconds, String message) throws IOException {
    JsonNode s = JSON.readTree(Path.of(run.dir()).resolve("summary.json").toFile());
    return new RunOutcome(run.id(), code, s.path("status").asText("unknown"), message, resumed, attempt, s.path("epochs_run").asLong(),
        s.path("epochs_to_target").isNumber() ? s.path("epochs_to_target").asLong() : null,
        s.path("seconds_to_target").isNumber() ? s.path("seconds_to_target").asDouble() : null, seconds);
  }

  /** A summary that is not "interrupted", no checkpoint left, written at or after since. */
  static boolean finishedSince(Path dir, long since) {
    Path summary = dir.resolve("summary.json");
    try {
      if (Files.isRegularFile(dir.resolve(CHECKPOINT)) || !Files.isRegularFile(summary)) return false;
      if (Files.getLastModifiedTime(summary).toMillis() < since) return false;
      return !JSON.readTree(summary.toFile()).path("status").asText().equals("interrupted");
    } catch (IOException e) {
      return false;
    }
  }

  private static RunOutcome refused(SparkRun run, int attempt, String why, long t0) {
    return new RunOutcome(run.id(), 2, "bad-input", why, false, attempt, 0, null, null, (System.nanoTime() - t0) / 1e9);
  }

  private static String firstLines(String s) {
    String t = s.strip();
    if (t.isEmpty()) return "";
    String[] lines = t.split("\\R");
    return lines.length <= 2 ? String.join(" ", lines) : lines[0] + " " + lines[1] + " ...";
  }

  static String host() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "this host";
    }
  }

  /** A failed attempt that Spark should retry; its message is what the driver prints. */
  public static final class RunFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RunFailed(String message) { super(message, null, false, false); }
  }
}
