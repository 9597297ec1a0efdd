package dev.egd.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sweep command's planning and reporting, opened to the Spark driver (egd-spark) until core
 * has the sweep-engine seam. Lives in the cli's package because SweepSpec, SweepCommand and Report
 * are package-private; it does exactly what {@code egd sweep} does before and after running the
 * runs, so a sweep directory made on Spark is the same as one made locally (and either command can
 * finish what the other started). Replaced by core's SweepEngine/SweepRun once they exist.
 */
public final class SparkSweepBridge {
  private SparkSweepBridge() {}

  /** One run of the planned sweep: its status-line name, train flags (no --out/--resume/--quiet) and directory. */
  public record PlannedRun(String name, List<String> trainArgs, Path dir, boolean done, boolean resumable) {}

  /** A sweep ready to run: every run, the spec's threads per run, and its name. */
  public record Plan(String name, Path dir, int threads, List<PlannedRun> runs) {
    public List<PlannedRun> todo() {
      List<PlannedRun> t = new ArrayList<>();
      for (PlannedRun r : runs) if (!r.done()) t.add(r);
      return t;
    }
  }

  /**
   * Reads and checks the spec (every run's flags validated), checks dir is writable and not another
   * spec's sweep (unless force), writes sweep.json, and says which runs are done or resumable.
   * Throws BadInput (one line) for any problem, before anything runs.
   */
  public static Plan plan(Path specFile, Path out, boolean force) throws IOException {
    SweepSpec raw = SweepSpec.read(specFile);
    Path dir = out != null ? out : Path.of("runs", "sweep-" + raw.name);
    RunFiles.checkWritable(dir, "--out");
    Path stamp = dir.resolve(SweepCommand.SPEC_FILE);
    if (Files.exists(stamp) && !force) {
      var old = RunFiles.JSON.readTree(stamp.toFile()).get("spec");
      if (old == null || !old.equals(raw.tree))
        throw new BadInput("--out " + dir + " holds a sweep made from another spec; choose another --out, or --force to reuse it");
    }
    SweepSpec s = raw.placeRuns(dir.resolve("runs"));
    Files.createDirectories(dir);
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("spec", s.tree);
    meta.put("source", s.source);
    meta.put("versions", Versions.all());
    RunFiles.writeJson(stamp, meta);
    List<PlannedRun> runs = new ArrayList<>();
    for (SweepSpec.Run r : s.runs) {
      List<String> args = new ArrayList<>(r.args());
      args.add("--method");
      args.add(r.method());
      runs.add(new PlannedRun(r.group() + " " + r.method() + " s" + r.seed(), List.copyOf(args), r.dir(),
          SweepCommand.complete(r.dir()), CheckpointFile.exists(r.dir())));
    }
    return new Plan(s.name, dir, s.threads, List.copyOf(runs));
  }

  /** Writes stats.json, report.html and report.md into the sweep directory; returns the console table. */
  public static String report(Path dir) throws IOException {
    Report report = Report.of(dir);
    report.write();
    return report.table();
  }

  /** True when the run directory holds a finished run (a summary and no checkpoint left). */
  public static boolean complete(Path runDir) {
    return SweepCommand.complete(runDir);
  }
}
