package dev.egd.cli;

import dev.egd.experiment.Experiment;
import dev.egd.experiment.Experiments;
import dev.egd.experiment.RunConfig;
import dev.egd.experiment.RunDirectory;
import dev.egd.train.RunResult;
import dev.egd.train.Trainer;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false, versionProvider = Main.Version.class,
    description = {"Train one model with one method and record epochs and seconds to the target accuracy.",
        "Writes summary.json and metrics.csv into the run directory."})
final class TrainCommand implements Callable<Integer> {
  @Option(names = "--method",
      description = "vanilla, egd, egd-rsvd, colnorm, grokfast-ema, grokfast-ma, muon, or several joined with + (egd+grokfast-ema) (default: egd).")
  String method;

  @Mixin RunOptions options;

  @Option(names = "--out", description = "Run directory (default: runs/<task>-<method>-seed<seed>).")
  Path out;

  @Option(names = {"-q", "--quiet"}, description = "No progress output.")
  boolean quiet;

  @Option(names = "--resume", description = "Continue the run in --out from its checkpoint.bin; the same flags are required. "
      + "The finished run is bit-identical to one never interrupted.")
  boolean resume;

  /** Parses train arguments as the command line would; throws picocli's ParameterException. */
  static TrainCommand parse(java.util.List<String> args) {
    TrainCommand cmd = new TrainCommand();
    new picocli.CommandLine(cmd).parseArgs(args.toArray(new String[0]));
    return cmd;
  }

  /** The run's settings: the flags given, the method included. */
  RunConfig config() {
    RunConfig c = options.toConfig();
    return method == null ? c : c.with(RunConfig.METHOD, method);
  }

  @Override public Integer call() throws Exception {
    Experiment ex = Experiments.build(config());
    Path dir = out != null ? out : Path.of("runs", String.format(Locale.ROOT, "%s-%s-seed%d", ex.label(), ex.method(), ex.seed()));
    RunFiles.checkWritable(dir, "--out");
    if (resume) {
      if (out == null) throw new BadInput("--resume needs --out, the run directory to continue");
      RunDirectory.readCheckpoint(dir, ex.settingsRecord()); // checked before anything is written
    }
    if (!quiet) {
      System.out.printf("egd train: %s%n  model %s%n  transform %s%n  -> %s%n", ex.split().description(), ex.model().describe(),
          ex.transform().describe(), dir);
    }
    Trainer trainer = ex.trainer();
    // Ctrl-C: stop at the next evaluation, checkpoint, write the summary, then let the JVM exit.
    Thread hook = new Thread(() -> {
      trainer.requestStop();
      try {
        trainer.awaitFinish(60_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    Runtime.getRuntime().addShutdownHook(hook);
    RunResult r;
    ProgressDisplay display = new ProgressDisplay(ex.method(), ex.settings().epochs(), ex.settings().target(), ProgressDisplay.auto(quiet), System.out);
    try {
      r = RunDirectory.run(dir, ex, trainer, resume, display, RunCharts.INSTANCE).result();
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the JVM is exiting because of the interrupt; the run already stopped and wrote its files
      }
    }
    if (!quiet || r.status().equals("diverged")) printOutcome(ex.method(), r, dir);
    switch (r.status()) {
      case "diverged": return Main.EXIT_DIVERGED;
      case "interrupted": return Main.EXIT_INTERRUPTED;
      default: return 0;
    }
  }

  private static void printOutcome(String method, RunResult r, Path dir) {
    if (r.status().equals("diverged")) System.err.println("egd: run diverged: " + r.message());
    String reached = r.epochsToTarget() == null
        ? String.format(Locale.ROOT, "did not reach %.2f test accuracy in %d epochs", r.target(), r.epochsRun())
        : String.format(Locale.ROOT, "reached %.2f test accuracy after %d epochs, %.2f s", r.target(), r.epochsToTarget(), r.secondsToTarget());
    System.out.printf(Locale.ROOT, "%s: %s; final train %.4f, test %.4f; %.1f ms/epoch%n", method, reached,
        r.last() == null ? Double.NaN : r.last().trainAcc(), r.last() == null ? Double.NaN : r.last().testAcc(),
        1000 * r.secondsPerEpoch());
    System.out.println("results: " + dir.resolve("summary.json"));
    if (r.status().equals("interrupted") && RunDirectory.hasCheckpoint(dir))
      System.out.println("checkpoint saved: run the same command with --resume to continue");
  }
}
