package dev.egd.cli;

import com.fasterxml.jackson.databind.JsonNode;

import dev.egd.experiment.TrainingRun;
import dev.egd.experiment.Experiments;
import dev.egd.experiment.OutputDirectory;
import dev.egd.experiment.RunDirectory;
import dev.egd.experiment.SweepEngine;
import dev.egd.experiment.SweepRun;
import dev.egd.experiment.SweepRuns;
import dev.egd.train.RunResult;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "sweep", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, sortOptions = false,
    description = {"Run every combination of a sweep spec (YAML: methods, seeds, flags, configs, grid), as many at once as there are cores.",
        "Each run gets its own directory under --out; re-running the same command skips finished runs and resumes interrupted ones.",
        "Ends with stats.json and the report (report.html, report.md)."})
final class SweepCommand implements Callable<Integer> {
  static final String SPEC_FILE = "sweep.json";

  @Parameters(index = "0", paramLabel = "SPEC", description = "The sweep spec (YAML).")
  Path spec;

  @Option(names = "--out", description = "Sweep directory (default: runs/sweep-<name>).")
  Path out;

  @Option(names = "--parallel", description = "Runs at a time (default: the spec's, else the number of cores).")
  Integer parallel;

  @Mixin EngineOptions engine;

  @Option(names = "--force", description = "Use --out even though it holds a sweep made from another spec.")
  boolean force;

  @Option(names = {"-q", "--quiet"}, description = "Only the final table.")
  boolean quiet;

  @Override public Integer call() throws Exception {
    SweepSpec s = SweepSpec.read(spec);
    Path dir = out != null ? out : Path.of("runs", "sweep-" + s.name);
    return run(s, dir, parallel, force, quiet, engine, System.out);
  }

  /** Runs (or finishes) the sweep in dir and writes its report; shared with reproduce. */
  static int run(SweepSpec raw, Path dir, Integer parallelFlag, boolean force, boolean quiet, EngineOptions engine, PrintStream console)
      throws Exception {
    SweepEngine cluster = engine == null ? null : engine.find(); // refused now if it is not on the class path
    OutputDirectory.checkUsable(dir, "out");
    if (parallelFlag != null && (parallelFlag < 1 || parallelFlag > 256)) throw new BadInput("--parallel must be in [1, 256]: " + parallelFlag);
    checkFree(dir, raw, force);
    SweepSpec s = raw.placeRuns(dir.resolve("runs"), quiet ? null : System.err);
    int cores = Runtime.getRuntime().availableProcessors();
    int par = parallelFlag != null ? parallelFlag : s.parallel != null ? s.parallel : cores;
    try (OutputDirectory.Lock lock = OutputDirectory.lock(dir, "out", "egd sweep --out " + dir)) {
      checkFree(dir, raw, force);
      return sweep(s, dir, par, quiet, cluster, engine, console);
    }
  }

  /** A sweep goes into a new or empty directory, or one holding the same sweep (or, with --force, any sweep). */
  private static void checkFree(Path dir, SweepSpec raw, boolean force) {
    OutputDirectory.Contents c = OutputDirectory.inspect(dir);
    switch (c.kind()) {
      case ABSENT:
      case EMPTY:
        return;
      case SWEEP:
        if (force) return;
        JsonNode old;
        try {
          old = RunFiles.JSON.readTree(dir.resolve(SPEC_FILE).toFile()).get("spec");
        } catch (java.io.IOException | RuntimeException e) {
          throw new BadInput("--out " + dir + ": " + SPEC_FILE + " is damaged (" + Main.oneLine(e.getMessage()) + "); --force to reuse the directory");
        }
        if (old == null || !old.equals(raw.tree))
          throw new BadInput("--out " + dir + " holds a sweep made from another spec; choose another --out, or --force to reuse it");
        return;
      case FINISHED_RUN:
      case INTERRUPTED_RUN:
        throw new BadInput("--out " + dir + " holds a train run, not a sweep; choose another directory");
      case COMPARISON:
        throw new BadInput("--out " + dir + " holds a comparison, not a sweep; choose another directory");
      default:
        throw new BadInput("--out " + dir + " holds files egd did not write (" + c.example() + "); choose a new or empty directory");
    }
  }

  /** The runs to do on another engine (a cluster); the report and exit codes as the local engine gives them. */
  private static int onCluster(SweepSpec s, List<SweepSpec.Run> todo, SweepEngine cluster, EngineOptions engine, Path dir, boolean quiet,
      PrintStream console) throws Exception {
    List<SweepRun> runs = new ArrayList<>();
    for (SweepSpec.Run r : todo) runs.add(toRun(r, s));
    java.util.Queue<String> failures = new java.util.concurrent.ConcurrentLinkedQueue<>();
    Map<String, RunResult> results = cluster.run(runs, engine.options(), new SweepEngine.Progress() {
      @Override public void finished(SweepRun run, RunResult result) {
        if (!quiet) console.println("  " + run.id() + ": " + result.status()
            + (result.epochsToTarget() == null ? "" : ", target at epoch " + result.epochsToTarget()));
      }

      @Override public void failed(SweepRun run, String why) { failures.add(run.dir() + ": " + why); }

      @Override public void note(String line) { if (!quiet) console.println("  " + line); }
    });
    List<Future<RunResult>> done = new ArrayList<>();
    for (SweepRun r : runs) {
      RunResult res = results.get(r.id());
      done.add(java.util.concurrent.CompletableFuture.completedFuture(res == null ? FAILED : res));
      if (res == null && failures.stream().noneMatch(f -> f.startsWith(r.dir()))) failures.add(r.dir() + ": no result came back");
    }
    ExecutorService none = Executors.newSingleThreadExecutor();
    return finish(done, failures, none, new CompareCommand.StatusLine(console, true), dir, console);
  }

  /** A spec's run as an engine receives it. */
  static SweepRun toRun(SweepSpec.Run r, SweepSpec s) {
    return new SweepRun(r.group() + " " + r.method() + " s" + r.seed(), r.settings(), s.methods, r.dir().toString());
  }

  /** What a run that failed (threw) returns, so the others go on. */
  private static final RunResult FAILED = new RunResult("failed", null, 0, 0, null, null, null, 0, null, 0, 0, 0, List.of(), Map.of(), Map.of());

  private static int sweep(SweepSpec s, Path dir, int par, boolean quiet, SweepEngine cluster, EngineOptions engine, PrintStream console)
      throws Exception {
    java.util.Queue<String> failures = new java.util.concurrent.ConcurrentLinkedQueue<>();
    Path stamp = dir.resolve(SPEC_FILE);
    Map<String, Object> meta = new java.util.LinkedHashMap<>();
    meta.put("spec", s.tree);
    meta.put("source", s.source);
    meta.put("versions", dev.egd.experiment.Versions.all());
    RunFiles.writeJson(stamp, meta);

    int done = 0, resumed = 0;
    List<SweepSpec.Run> todo = new ArrayList<>();
    for (SweepSpec.Run r : s.runs) {
      if (complete(r.dir())) done++;
      else {
        todo.add(r);
        if (RunDirectory.hasCheckpoint(r.dir())) resumed++;
      }
    }
    if (!quiet) {
      console.printf(Locale.ROOT, "egd sweep %s: %d runs (%d done, %d to resume, %d to start), %d at a time, %d thread(s) each -> %s%n",
          s.name, s.runs.size(), done, resumed, todo.size() - resumed, par, s.threads, dir);
    }
    if (cluster != null) return onCluster(s, todo, cluster, engine, dir, quiet, console);
    CompareCommand.StatusLine status = new CompareCommand.StatusLine(console, quiet);
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, par), r -> {
      Thread t = new Thread(r, "egd-sweep");
      t.setDaemon(true);
      return t;
    });
    List<TrainingRun> trainers = java.util.Collections.synchronizedList(new ArrayList<>());
    java.util.concurrent.atomic.AtomicBoolean stopping = new java.util.concurrent.atomic.AtomicBoolean();
    List<Future<RunResult>> futures = new ArrayList<>();
    for (SweepSpec.Run r : todo) {
      futures.add(pool.submit(() -> {
        if (stopping.get()) return null;
        String name = r.group() + " " + r.method() + " s" + r.seed();
        try {
          return SweepRuns.execute(toRun(r, s), status.listener(name), RunCharts.INSTANCE, "egd sweep --out " + dir, ex -> {
            trainers.add(ex);
            if (stopping.get()) ex.requestStop();
            status.started(name, ex.settings().epochs());
          });
        } catch (Exception | OutOfMemoryError e) { // one run's failure is recorded; the others go on
          String why = e instanceof dev.egd.ValidationException ? BadInput.of((dev.egd.ValidationException) e).getMessage()
              : e instanceof java.io.IOException ? Main.describe((java.io.IOException) e) : String.valueOf(e);
          failures.add(r.dir() + ": " + Main.oneLine(why));
          return FAILED;
        }
      }));
    }
    try (StopOnSignal signals = new StopOnSignal(() -> {
      stopping.set(true);
      synchronized (trainers) {
        return new ArrayList<>(trainers);
      }
    })) {
      return finish(futures, failures, pool, status, dir, console);
    }
  }

  private static int finish(List<Future<RunResult>> futures, java.util.Queue<String> failures, ExecutorService pool,
      CompareCommand.StatusLine status, Path dir, PrintStream console) throws Exception {
    boolean interrupted = false, diverged = false;
    try {
      for (Future<RunResult> f : futures) {
        RunResult r = f.get();
        if (r == FAILED) continue;
        if (r == null || r.status().equals("interrupted")) interrupted = true;
        else if (r.status().equals("diverged")) diverged = true;
      }
    } finally {
      pool.shutdown();
      status.close();
    }
    for (String f : failures) console.println("run failed: " + f);
    if (interrupted) {
      console.println("sweep interrupted: run the same command again to resume it");
      return Main.EXIT_INTERRUPTED;
    }
    Report report = Report.of(dir);
    report.write();
    console.println();
    console.print(report.table());
    console.println("report: " + dir.resolve("report.html"));
    if (!failures.isEmpty()) {
      console.println(failures.size() + " run(s) failed (listed above); the others are in the report; run the same command again to retry them");
      return 1;
    }
    if (diverged) {
      console.println("some runs diverged (their summaries say so; they count as not reaching the target)");
      return Main.EXIT_DIVERGED;
    }
    return 0;
  }

  /** A run directory holds a finished run: a summary and no checkpoint left to resume. */
  static boolean complete(Path runDir) {
    if (RunDirectory.hasCheckpoint(runDir) || !Files.isRegularFile(runDir.resolve("summary.json"))) return false;
    try {
      String status = RunFiles.JSON.readTree(runDir.resolve("summary.json").toFile()).path("status").asText();
      return !status.equals("interrupted");
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
