package dev.egd.cli;

import dev.egd.experiment.TrainingRun;
import dev.egd.experiment.Experiments;
import dev.egd.experiment.OutputDirectory;
import dev.egd.experiment.RunConfig;
import dev.egd.experiment.RunDirectory;
import dev.egd.train.EpochRecord;
import dev.egd.train.RunResult;
import dev.egd.train.TrainListener;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "compare", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, sortOptions = false,
    description = {"Run several methods on the same task, split and seed; print one table and draw one chart.",
        "Each method gets its own run directory under --out; comparison.{md,csv,json,png} sit beside them."})
final class CompareCommand implements Callable<Integer> {
  static final String DEFAULT_METHODS = "vanilla,egd,egd-rsvd,colnorm,grokfast-ema";

  @Option(names = "--methods", defaultValue = DEFAULT_METHODS, split = ",",
      description = "Comma-separated methods; each may combine several with + (default: ${DEFAULT-VALUE}).")
  List<String> methods;

  @Option(names = "--baseline", defaultValue = "vanilla", description = "Method the speed-ups are measured against (default: ${DEFAULT-VALUE}).")
  String baseline;

  @Option(names = "--parallel", description = "Runs at a time (default: min(methods, cores)); each run gets cores / parallel threads unless --threads is given.")
  Integer parallel;

  @Mixin RunOptions options;

  @Option(names = "--out", description = "Directory for the runs (default: runs/compare-<task>-seed<seed>).")
  Path out;

  @Option(names = {"-q", "--quiet"}, description = "Only the final table.")
  boolean quiet;

  @Option(names = "--resume", description = "Continue the comparison in --out: finished methods are kept, interrupted ones resume from "
      + "their checkpoints, the rest start; the same flags are required.")
  boolean resume;

  @Option(names = "--force", description = "Use --out even though it holds a comparison: its runs are cleared first.")
  boolean force;

  @Override public Integer call() throws Exception {
    return run(methods, options.toConfig(), baseline, parallel, out, quiet, resume, force, System.out, null);
  }

  /** Shared with demo. Returns the exit code; prints the table and the chart's path. */
  static int run(List<String> rawMethods, RunConfig given, String baseline, Integer parallel, Path out, boolean quiet, boolean resume,
      boolean force, PrintStream console, java.util.function.Consumer<Comparison> after) throws Exception {
    List<String> methods = new ArrayList<>();
    for (String m : rawMethods) methods.add(m.trim());
    if (methods.isEmpty()) throw new BadInput("--methods must name at least one method");
    if (new java.util.HashSet<>(methods).size() != methods.size()) throw new BadInput("--methods lists a method twice: " + methods);
    if (!methods.contains(baseline)) throw new BadInput("--baseline must be one of the methods " + methods + ": " + baseline);
    if (resume && force) throw new BadInput("--resume and --force exclude each other: continue the comparison, or start it afresh");
    int cores = Runtime.getRuntime().availableProcessors();
    int par = parallel != null ? parallel : Math.min(methods.size(), cores);
    if (par < 1) throw new BadInput("--parallel must be >= 1: " + par);
    RunConfig base = given.has(RunConfig.THREADS) ? given : given.with(RunConfig.THREADS, Math.max(1, cores / par));
    // Build (and so validate) every run before writing anything.
    List<TrainingRun> experiments = new ArrayList<>();
    for (String m : methods) experiments.add(Experiments.prepare(base.with(RunConfig.METHOD, m), methods));
    TrainingRun first = experiments.get(0);
    Path dir = out != null ? out : Path.of("runs", String.format(Locale.ROOT, "compare-%s-seed%d", first.label(), first.seed()));
    OutputDirectory.checkUsable(dir, "out");
    checkFree(dir, OutputDirectory.inspect(dir), resume, force);
    try (OutputDirectory.Lock lock = OutputDirectory.lock(dir, "out", "egd compare --out " + dir)) {
      checkFree(dir, OutputDirectory.inspect(dir), resume, force);
      return compare(experiments, methods, baseline, par, dir, quiet, resume, console, after);
    }
  }

  /** A comparison goes into a new or empty directory, or continues (--resume) or replaces (--force) a comparison. */
  private static void checkFree(Path dir, OutputDirectory.Contents c, boolean resume, boolean force) {
    switch (c.kind()) {
      case ABSENT:
      case EMPTY:
        if (resume) throw new BadInput("--resume needs a comparison to continue, and --out " + dir + " holds none");
        return;
      case COMPARISON:
        if (resume || force) return;
        throw new BadInput("--out " + dir + " holds a comparison: --resume continues it (finished methods kept), --force starts afresh");
      case SWEEP:
        throw new BadInput("--out " + dir + " holds a sweep, not a comparison; choose another directory");
      case FINISHED_RUN:
      case INTERRUPTED_RUN:
        throw new BadInput("--out " + dir + " holds a train run, not a comparison; choose another directory");
      default:
        throw new BadInput("--out " + dir + " holds files egd did not write (" + c.example() + "); choose a new or empty directory");
    }
  }

  private static int compare(List<TrainingRun> experiments, List<String> methods, String baseline, int par, Path dir, boolean quiet,
      boolean resume, PrintStream console, java.util.function.Consumer<Comparison> after) throws Exception {
    TrainingRun first = experiments.get(0);
    if (!quiet) {
      console.printf("egd compare: %s, seed %d; %d methods, %d at a time, %d thread(s) each -> %s%n", first.dataDescription(),
          first.seed(), methods.size(), par, first.settings().threads(), dir);
    }

    StatusLine status = new StatusLine(console, quiet);
    ExecutorService pool = Executors.newFixedThreadPool(par, r -> {
      Thread t = new Thread(r, "egd-run");
      t.setDaemon(true);
      return t;
    });
    List<TrainingRun> trainers = new ArrayList<>();
    List<Future<RunResult>> futures = new ArrayList<>();
    List<List<dev.egd.train.SpectrumLogger.Record>> spectra = new ArrayList<>();
    for (TrainingRun ex : experiments) {
      List<dev.egd.train.SpectrumLogger.Record> spectrum = java.util.Collections.synchronizedList(new ArrayList<>());
      spectra.add(spectrum);
      trainers.add(ex);
      String name = ex.method();
      Path runDir = dir.resolve(name);
      OutputDirectory.Contents had = OutputDirectory.inspect(runDir);
      if (resume && had.kind() == OutputDirectory.Kind.FINISHED_RUN) {
        if (!OutputDirectory.sameSettings(had.summary(), ex.settingsRecord()))
          throw new BadInput("--resume: " + runDir + " was run with other settings; give the same flags, or --force to start afresh");
        RunResult done = RunDirectory.load(runDir);
        futures.add(java.util.concurrent.CompletableFuture.completedFuture(done));
        if (!quiet) console.println("  " + name + ": finished before, kept");
        continue;
      }
      boolean resumeRun = resume && RunDirectory.hasCheckpoint(runDir);
      if (resumeRun) RunDirectory.readCheckpoint(runDir, ex.settingsRecord()); // checked before any run starts
      futures.add(pool.submit(() -> {
        status.started(name, ex.settings().epochs());
        try (OutputDirectory.Lock l = OutputDirectory.claimRun(runDir, ex.settingsRecord(), resumeRun, true, "egd compare --out " + dir)) {
          RunDirectory.Outcome o = RunDirectory.run(runDir, ex, resumeRun, status.listener(name), RunCharts.INSTANCE);
          spectrum.addAll(o.spectrum());
          return o.result();
        }
      }));
    }
    try (StopOnSignal signals = new StopOnSignal(() -> trainers)) {
      return finish(experiments, futures, spectra, pool, status, methods, baseline, par, dir, console, after);
    }
  }

  private static int finish(List<TrainingRun> experiments, List<Future<RunResult>> futures, List<List<dev.egd.train.SpectrumLogger.Record>> spectra,
      ExecutorService pool, StatusLine status, List<String> methods, String baseline, int par, Path dir, PrintStream console,
      java.util.function.Consumer<Comparison> after) throws Exception {
    TrainingRun first = experiments.get(0);
    List<Comparison.Row> rows = new ArrayList<>();
    try {
      for (int i = 0; i < experiments.size(); i++) rows.add(new Comparison.Row(experiments.get(i).method(), futures.get(i).get()));
    } finally {
      pool.shutdown();
      status.close();
    }
    Comparison cmp = new Comparison(rows, baseline, first.settings().evalEvery() > 0);
    String label = first.label() + ", seed " + first.seed();
    String title = label + ": accuracy (solid: test, dashed: train)";
    List<Charts.Curve> curves = new ArrayList<>();
    for (Comparison.Row r : rows) curves.add(new Charts.Curve(r.method(), r.result().history()));
    Path chart = dir.resolve("comparison.png");
    Charts.accuracy(chart, title, curves);
    Charts.loss(dir.resolve("comparison-loss.png"), label + ": loss", curves);
    if (first.spectrum() != null) {
      List<SpectrumCharts.Curve> sc = new ArrayList<>();
      for (int i = 0; i < rows.size(); i++) sc.add(new SpectrumCharts.Curve(rows.get(i).method(), spectra.get(i), rows.get(i).result().history()));
      RunCharts.spectrumCharts(dir, label, sc, first.spectrum().layerNames(), "comparison-spectrum");
    }
    RunFiles.writeAtomically(dir.resolve("comparison.md"), cmp.markdown().getBytes(StandardCharsets.UTF_8));
    RunFiles.writeAtomically(dir.resolve("comparison.csv"), cmp.csv().getBytes(StandardCharsets.UTF_8));
    java.util.Map<String, Object> cfg = first.description();
    cfg.put("method", String.join(",", methods));
    cfg.remove("transform");
    cfg.put("parallel", par);
    RunFiles.writeJson(dir.resolve("comparison.json"), cmp.json(cfg));
    console.println();
    console.print(cmp.text());
    console.println();
    console.println("target: test accuracy > " + first.settings().target() + "; chart: " + chart);
    if (after != null) after.accept(cmp);
    for (Comparison.Row r : rows) {
      if (r.result().status().equals("diverged")) {
        console.println(r.method() + " diverged: " + r.result().message());
      }
    }
    boolean interrupted = rows.stream().anyMatch(r -> r.result().status().equals("interrupted"));
    if (interrupted) {
      console.println("comparison interrupted: run the same command with --resume to continue it");
      return Main.EXIT_INTERRUPTED;
    }
    return rows.stream().anyMatch(r -> r.result().status().equals("diverged")) ? Main.EXIT_DIVERGED : 0;
  }

  /**
   * Progress of several concurrent runs: one line redrawn in place on a terminal, otherwise a line
   * when a run reaches the target or ends, and a summary line every 30 seconds.
   */
  static final class StatusLine {
    private final PrintStream out;
    private final boolean quiet, tty;
    private final java.util.Map<String, String> state = new java.util.LinkedHashMap<>();
    private final java.util.Map<String, Long> caps = new java.util.HashMap<>();
    private long lastDraw, lastLog = System.nanoTime();

    StatusLine(PrintStream out, boolean quiet) {
      this.out = out;
      this.quiet = quiet;
      this.tty = System.console() != null;
    }

    synchronized void started(String name, long cap) {
      caps.put(name, cap);
      state.put(name, "starting");
      draw(true);
    }

    TrainListener listener(String name) {
      return new TrainListener() {
        @Override public void onEpoch(EpochRecord r) {
          synchronized (StatusLine.this) {
            state.put(name, String.format(Locale.ROOT, "%d/%d test %.2f", r.epoch(), caps.get(name), r.testAcc()));
            draw(false);
          }
        }

        @Override public void onFinish(RunResult res) {
          synchronized (StatusLine.this) {
            String what = res.epochsToTarget() == null
                ? String.format(Locale.ROOT, "%s after %d epochs", res.status(), res.epochsRun())
                : String.format(Locale.ROOT, "target at epoch %d (%.1f s)", res.epochsToTarget(), res.secondsToTarget());
            state.put(name, "done: " + what);
            if (!quiet) {
              clearLine();
              out.println("  " + name + ": " + what);
            }
            draw(true);
          }
        }
      };
    }

    private void clearLine() {
      if (tty) out.print("\r\033[K");
    }

    private void draw(boolean force) {
      if (quiet) return;
      long now = System.nanoTime();
      if (tty) {
        if (!force && now - lastDraw < 250_000_000L) return;
        lastDraw = now;
        StringBuilder sb = new StringBuilder();
        for (var e : state.entrySet()) {
          if (e.getValue().startsWith("done")) continue;
          sb.append(sb.length() == 0 ? "" : " | ").append(e.getKey()).append(' ').append(e.getValue());
        }
        clearLine();
        String line = sb.toString();
        out.print(line.length() > 150 ? line.substring(0, 150) : line);
        out.flush();
      } else if (now - lastLog > 30_000_000_000L) {
        lastLog = now;
        StringBuilder sb = new StringBuilder("  running:");
        for (var e : state.entrySet()) if (!e.getValue().startsWith("done")) sb.append(' ').append(e.getKey()).append(' ').append(e.getValue()).append(';');
        out.println(sb);
      }
    }

    synchronized void close() {
      if (tty && !quiet) {
        clearLine();
        out.flush();
      }
    }
  }
}
