package dev.egd.spark;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Status lines as the local sweep prints them: one line per finished run, plus what only Spark has
 * (failed attempts and retries, executors lost) and the counts: on a terminal a live line
 * ("3 done, 2 running, 3 to go"), otherwise a line every 30 s.
 */
public final class ConsoleProgress implements SweepProgress {
  private final PrintStream out;
  private final boolean quiet, tty;
  private String line = "";
  private long lastLog = System.nanoTime();

  public ConsoleProgress(PrintStream out, boolean quiet) {
    this.out = out;
    this.quiet = quiet;
    this.tty = System.console() != null;
  }

  @Override public void finished(SparkRun run, RunOutcome o, String executor, String host) {
    if (o == null) {
      print("  " + run.id() + ": done on executor " + executor);
      return;
    }
    String what;
    if (o.failed()) what = "refused: " + o.message();
    else if (o.epochsToTarget() == null) what = String.format(Locale.ROOT, "%s after %d epochs", o.status(), o.epochsRun());
    else what = String.format(Locale.ROOT, "target at epoch %d (%.1f s)", o.epochsToTarget(), o.secondsToTarget());
    String where = o.attempt() > 0 || o.resumed()
        ? " [attempt " + (o.attempt() + 1) + (o.resumed() ? ", resumed from its checkpoint" : "") + ", executor " + executor + "]" : "";
    print("  " + run.id() + ": " + what + where);
  }

  @Override public void failed(SparkRun run, int attempt, String executor, String host, String reason, boolean retry) {
    print("  " + run.id() + ": attempt " + (attempt + 1) + " failed on executor " + executor + " (" + host + "): " + reason
        + (retry ? "; Spark runs it again, from its checkpoint if it left one" : "; no retry"));
  }

  @Override public void executor(String executor, String host, String removedBecause) {
    if (removedBecause != null && !executor.equals("driver")) print("  executor " + executor + " lost: " + removedBecause);
  }

  @Override public synchronized void counts(int done, int running, int toGo, int failedAttempts) {
    line = String.format(Locale.ROOT, "[spark] %d done, %d running, %d to go%s", done, running, toGo,
        failedAttempts == 0 ? "" : ", " + failedAttempts + " failed attempt" + (failedAttempts == 1 ? "" : "s"));
    if (quiet) return;
    if (tty) {
      out.print("\r\033[K" + line);
      out.flush();
    } else if (System.nanoTime() - lastLog > 30_000_000_000L) {
      lastLog = System.nanoTime();
      out.println(line);
    }
  }

  /** The last counts line. */
  public synchronized String lastCounts() { return line; }

  /** Ends a live line. */
  public synchronized void close() {
    if (tty && !quiet) {
      out.print("\r\033[K");
      out.flush();
    }
  }

  private synchronized void print(String s) {
    if (quiet) return;
    if (tty) out.print("\r\033[K");
    out.println(s);
    if (tty && !line.isEmpty()) out.print(line);
  }
}
