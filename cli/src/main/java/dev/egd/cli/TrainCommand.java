package dev.egd.cli;

import dev.egd.experiment.TrainingRun;
import dev.egd.experiment.Experiments;
import dev.egd.experiment.OutputDirectory;
import dev.egd.experiment.RunConfig;
import dev.egd.experiment.RunDirectory;
import dev.egd.train.RunResult;
import java.nio.file.Path;
import java.util.List;
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
      description = "vanilla, egd, egd-rsvd, colnorm, grokfast-ema, grokfast-ma, or several joined with + (egd+grokfast-ema) (default: egd).")
  String method;

  @Mixin RunOptions options;

  @Option(names = "--out", description = "Run directory (default: runs/<task>-<method>-seed<seed>).")
  Path out;

  @Option(names = {"-q", "--quiet"}, description = "No progress output.")
  boolean quiet;

  @Option(names = "--resume", description = "Continue the run in --out from its checkpoint.bin; the same flags are required. "
      + "The finished run is bit-identical to one never interrupted.")
  boolean resume;

  @Option(names = "--force", description = "Use --out even though it holds a run (finished or interrupted): its files are cleared first.")
  boolean force;

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
    TrainingRun ex = Experiments.prepare(config(), List.of(config().get(RunConfig.METHOD, "egd")));
    Path dir = out != null ? out : Path.of("runs", String.format(Locale.ROOT, "%s-%s-seed%d", ex.label(), ex.method(), ex.seed()));
    if (resume && out == null) throw new BadInput("--resume needs --out, the run directory to continue");
    if (resume && force) throw new BadInput("--resume and --force exclude each other: continue the run, or start it afresh");
    OutputDirectory.checkUsable(dir, "out");
    if (resume) RunDirectory.readCheckpoint(dir, ex.settingsRecord()); // whole and of these settings, before anything is written
    try (OutputDirectory.Lock lock = OutputDirectory.claimRun(dir, ex.settingsRecord(), resume, force, "egd train --out " + dir)) {
      return train(ex, dir);
    }
  }

  private Integer train(TrainingRun ex, Path dir) throws Exception {
    if (!quiet) {
      System.out.printf("egd train: %s%n  model %s%n  transform %s%n  -> %s%n", ex.dataDescription(), ex.description().get("model"),
          ex.description().get("transform"), dir);
    }
    try (StopOnSignal signals = new StopOnSignal(() -> List.of(ex))) {
      ProgressDisplay display = new ProgressDisplay(ex.method(), ex.settings().epochs(), ex.settings().target(), ProgressDisplay.auto(quiet), System.out);
      RunResult r = RunDirectory.run(dir, ex, resume, display, RunCharts.INSTANCE).result();
      if (!quiet || r.status().equals("diverged")) printOutcome(ex.method(), r, dir);
      System.out.flush();
      switch (r.status()) {
        case "diverged": return Main.EXIT_DIVERGED;
        case "interrupted": return Main.EXIT_INTERRUPTED;
        default: return 0;
      }
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
