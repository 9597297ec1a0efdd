package dev.egd.cli;

import dev.egd.train.EpochRecord;
import dev.egd.train.RunResult;
import dev.egd.train.TrainListener;
import java.io.PrintStream;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows a run's progress: a progress bar on a terminal, or a plain line every so often when the
 * output is a file or a pipe (so logs stay readable).
 */
final class ProgressDisplay implements TrainListener {
  enum Mode { BAR, LINES, QUIET }

  private final String name;
  private final long max;
  private final Mode mode;
  private final PrintStream out;
  private ProgressBar bar;
  private long nextLine;
  private boolean announcedTarget;
  private final double target;

  ProgressDisplay(String name, long maxEpochs, double target, Mode mode, PrintStream out) {
    this.name = name;
    this.max = maxEpochs;
    this.mode = mode;
    this.out = out;
    this.target = target;
  }

  static Mode auto(boolean quiet) {
    if (quiet) return Mode.QUIET;
    return System.console() != null ? Mode.BAR : Mode.LINES;
  }

  @Override public void onEpoch(EpochRecord r) {
    String msg = String.format(Locale.ROOT, "train %.3f  test %.3f  loss %.3g", r.trainAcc(), r.testAcc(), r.trainLoss());
    switch (mode) {
      case BAR:
        if (bar == null) {
          // A plain console consumer with a fixed width: the default one asks JLine for the terminal's width, and JLine's
          // terminal takes over SIGINT, so Ctrl-C would no longer stop the run (and checkpoint it).
          bar = new ProgressBarBuilder().setTaskName(name).setInitialMax(max).setStyle(ProgressBarStyle.ASCII)
              .setUnit(" ep", 1).showSpeed().setUpdateIntervalMillis(250)
              .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(out, 120)).build();
        }
        bar.stepTo(r.epoch());
        bar.setExtraMessage(" | " + msg);
        break;
      case LINES:
        boolean hit = !announcedTarget && r.testAcc() > target;
        if (r.epoch() >= nextLine || hit) {
          out.printf(Locale.ROOT, "%s epoch %d  %s  %.1fs%n", name, r.epoch(), msg, r.seconds());
          nextLine = r.epoch() < 100 ? ((r.epoch() / 25) + 1) * 25 : ((r.epoch() / 500) + 1) * 500;
        }
        if (hit) announcedTarget = true;
        break;
      default:
        break;
    }
  }

  @Override public void onFinish(RunResult r) {
    if (bar != null) {
      bar.close();
      bar = null;
    }
  }
}
