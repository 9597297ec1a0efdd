package dev.egd.cli;

import dev.egd.experiment.Experiment;
import dev.egd.experiment.Experiments;
import dev.egd.experiment.RunDirectory;
import dev.egd.train.RunResult;
import dev.egd.train.Trainer;
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

  @Option(names = "--force", description = "Use --out even though it holds a sweep made from another spec.")
  boolean force;

  @Option(names = {"-q", "--quiet"}, description = "Only the final table.")
  boolean quiet;

  @Override public Integer call() throws Exception {
    SweepSpec s = SweepSpec.read(spec);
    Path dir = out != null ? out : Path.of("runs", "sweep-" + s.name);
    return run(s, dir, parallel, force, quiet, System.out);
  }

  /** Runs (or finishes) the sweep in dir and writes its report; shared with reproduce. */
  static int run(SweepSpec raw, Path dir, Integer parallelFlag, boolean force, boolean quiet, PrintStream console) throws Exception {
    RunFiles.checkWritable(dir, "--out");
    Path stamp = dir.resolve(SPEC_FILE);
    if (Files.exists(stamp) && !force) {
      var old = RunFiles.JSON.readTree(stamp.toFile()).get("spec");
      if (old == null || !old.equals(raw.tree))
        throw new BadInput("--out " + dir + " holds a sweep made from another spec; choose another --out, or --force to reuse it");
    }
    if (parallelFlag != null && parallelFlag < 1) throw new BadInput("--parallel must be >= 1: " + parallelFlag);
    SweepSpec s = raw.placeRuns(dir.resolve("runs"));
    int cores = Runtime.getRuntime().availableProcessors();
    int par = parallelFlag != null ? parallelFlag : s.parallel != null ? s.parallel : cores;
    Files.createDirectories(dir);
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
    CompareCommand.StatusLine status = new CompareCommand.StatusLine(console, quiet);
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, par), r -> {
      Thread t = new Thread(r, "egd-sweep");
      t.setDaemon(true);
      return t;
    });
    List<Trainer> trainers = java.util.Collections.synchronizedList(new ArrayList<>());
    java.util.concurrent.atomic.AtomicBoolean stopping = new java.util.concurrent.atomic.AtomicBoolean();
    List<Future<RunResult>> futures = new ArrayList<>();
    for (SweepSpec.Run r : todo) {
      futures.add(pool.submit(() -> {
        if (stopping.get()) return null;
        Experiment ex = Experiments.build(r.settings(), s.methods);
        Trainer trainer = ex.trainer();
        trainers.add(trainer);
        if (stopping.get()) trainer.requestStop();
        String name = r.group() + " " + r.method() + " s" + r.seed();
        status.started(name, ex.settings().epochs());
        return RunDirectory.run(r.dir(), ex, trainer, RunDirectory.hasCheckpoint(r.dir()), status.listener(name), RunCharts.INSTANCE).result();
      }));
    }
    Thread hook = new Thread(() -> {
      stopping.set(true);
      synchronized (trainers) {
        trainers.forEach(Trainer::requestStop);
      }
      for (Trainer t : new ArrayList<>(trainers)) {
        try {
          t.awaitFinish(60_000);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    Runtime.getRuntime().addShutdownHook(hook);
    boolean interrupted = false;
    try {
      for (Future<RunResult> f : futures) {
        RunResult r = f.get();
        if (r == null || r.status().equals("interrupted")) interrupted = true;
      }
    } finally {
      pool.shutdown();
      status.close();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // exiting on an interrupt: runs have checkpointed
      }
    }
    if (interrupted) {
      console.println("sweep interrupted: run the same command again to resume it");
      return Main.EXIT_INTERRUPTED;
    }
    Report report = Report.of(dir);
    report.write();
    console.println();
    console.print(report.table());
    console.println("report: " + dir.resolve("report.html"));
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
