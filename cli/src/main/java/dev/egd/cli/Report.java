package dev.egd.cli;

import dev.egd.experiment.Stats;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The report of a sweep directory: statistics per configuration and method (runs that reached the
 * target, median and quartiles and a bootstrap 95% interval of the time to target in epochs or steps
 * and in seconds, the speed-up over the baseline with its interval, the paper's figure where given),
 * the best setting of every method when there is a grid, the per-run table, curves and provenance.
 * Writes stats.json, report.md (charts beside it in report/) and a self-contained report.html.
 */
final class Report {
  /** One finished run as read back from its directory. */
  record RunRow(SweepSpec.Run run, JsonNode summary, String unit, double toTarget, double seconds, double cap, double finalTest,
      List<double[]> curve) {
    boolean reached() { return Double.isFinite(toTarget); }
  }

  /** Statistics of one method in one group. */
  record Cell(String group, String config, String grid, String method, List<RunRow> rows, Stats.Summary time, Stats.Summary seconds,
      double[] speedup, String speedupBound, Double paper) {}

  final Path dir;
  final SweepSpec spec;
  final List<String> groups = new ArrayList<>();
  final Map<String, Map<String, Cell>> cells = new LinkedHashMap<>(); // group -> method -> cell
  final List<RunRow> missing = new ArrayList<>();
  /** Runs whose summary could not be used, with the reason: listed, never counted. */
  final Map<SweepSpec.Run, String> unusable = new LinkedHashMap<>();
  final Map<String, Object> provenance;
  String unit = "epochs";

  private Report(Path dir, SweepSpec spec, Map<String, Object> provenance) {
    this.dir = dir;
    this.spec = spec;
    this.provenance = provenance;
  }

  static Report of(Path dir) throws IOException {
    Path stamp = dir.resolve(SweepCommand.SPEC_FILE);
    if (!Files.isRegularFile(stamp)) throw new BadInput("report: " + dir + " is not a sweep directory (no " + SweepCommand.SPEC_FILE + ")");
    JsonNode meta;
    try {
      meta = RunFiles.JSON.readTree(stamp.toFile());
    } catch (IOException e) {
      throw new BadInput("report: " + stamp + " is damaged: " + Main.oneLine(e.getMessage()));
    }
    if (meta == null || !meta.isObject() || !meta.path("spec").isObject())
      throw new BadInput("report: " + stamp + " is damaged: it holds no sweep spec");
    SweepSpec spec = new SweepSpec(meta.path("source").asText(stamp.toString()), meta.get("spec"), dir.resolve("runs"));
    @SuppressWarnings("unchecked")
    Map<String, Object> prov = RunFiles.JSON.convertValue(meta.get("versions"), Map.class);
    Report r = new Report(dir, spec, prov);
    r.load();
    return r;
  }

  private void load() throws IOException {
    Map<String, Map<String, List<RunRow>>> byGroup = new LinkedHashMap<>();
    for (SweepSpec.Run run : spec.runs) {
      byGroup.computeIfAbsent(run.group(), g -> new LinkedHashMap<>()).computeIfAbsent(run.method(), m -> new ArrayList<>());
      if (!SweepCommand.complete(run.dir())) {
        missing.add(new RunRow(run, null, null, Double.NaN, Double.NaN, Double.NaN, Double.NaN, List.of()));
        continue;
      }
      JsonNode s;
      try {
        s = RunFiles.JSON.readTree(run.dir().resolve("summary.json").toFile());
      } catch (IOException e) {
        unusable.put(run, "summary.json cannot be read: " + Main.oneLine(e.getMessage()));
        continue;
      }
      String bad = problem(s);
      if (bad != null) {
        unusable.put(run, "summary.json " + bad);
        continue;
      }
      boolean steps = s.path("config").path("eval_every").asLong(0) > 0;
      String u = steps ? "steps" : "epochs";
      unit = u;
      double to = s.path(u + "_to_target").isNumber() ? s.path(u + "_to_target").asDouble() : Double.POSITIVE_INFINITY;
      double sec = s.path("seconds_to_target").isNumber() ? s.path("seconds_to_target").asDouble() : Double.POSITIVE_INFINITY;
      double cap = s.path(u + "_run").asDouble();
      byGroup.get(run.group()).get(run.method()).add(new RunRow(run, s, u, to, sec, cap, s.path("final_test_acc").asDouble(Double.NaN),
          curve(run.dir().resolve("metrics.csv"), steps)));
    }
    for (var g : byGroup.entrySet()) {
      groups.add(g.getKey());
      Map<String, Cell> row = new LinkedHashMap<>();
      List<RunRow> base = g.getValue().get(spec.baseline);
      for (var m : g.getValue().entrySet()) {
        List<RunRow> rows = m.getValue();
        if (rows.isEmpty()) continue;
        SweepSpec.Run any = rows.get(0).run();
        double[] speed = null;
        String bound = "";
        if (base != null && !base.isEmpty() && !m.getKey().equals(spec.baseline)) {
          speed = Stats.speedup(capped(base), capped(rows));
          boolean baseOpen = Double.isInfinite(Stats.median(values(base, true)));
          boolean methodOpen = Double.isInfinite(Stats.median(values(rows, true)));
          bound = baseOpen && methodOpen ? "n/a" : baseOpen ? ">=" : methodOpen ? "<=" : "";
        }
        Double paper = spec.paper.getOrDefault(any.config(), Map.of()).get(m.getKey());
        row.put(m.getKey(), new Cell(g.getKey(), any.config(), any.grid(), m.getKey(), rows, Stats.summarize(values(rows, true)),
            Stats.summarize(values(rows, false)), speed, bound, paper));
      }
      cells.put(g.getKey(), row);
    }
  }

  /** What makes a summary unusable for statistics (wrong types, impossible values), or null. */
  static String problem(JsonNode s) {
    if (s == null || !s.isObject()) return "is not a JSON object";
    if (!s.path("status").isTextual() || !List.of("completed", "stopped-after-target", "diverged").contains(s.path("status").asText()))
      return "has no valid status (completed, stopped-after-target or diverged): " + s.path("status");
    for (String f : new String[] {"epochs_run", "steps_run"})
      if (!s.path(f).isIntegralNumber() || s.path(f).asLong() < 0) return "has an invalid " + f + ": " + s.path(f);
    for (String f : new String[] {"epochs_to_target", "steps_to_target"}) {
      JsonNode v = s.path(f);
      if (v.isNull() || v.isMissingNode()) continue;
      String run = f.startsWith("epochs") ? "epochs_run" : "steps_run";
      if (!v.isIntegralNumber() || v.asLong() < 0 || v.asLong() > s.path(run).asLong()) return "has an invalid " + f + ": " + v;
    }
    JsonNode sec = s.path("seconds_to_target");
    if (!(sec.isNull() || sec.isMissingNode()) && (!sec.isNumber() || !(sec.asDouble() >= 0))) return "has an invalid seconds_to_target: " + sec;
    if (!s.path("target").isNumber() || !(s.path("target").asDouble() > 0 && s.path("target").asDouble() <= 1)) return "has an invalid target: " + s.path("target");
    JsonNode acc = s.path("final_test_acc");
    if (!(acc.isNull() || acc.isMissingNode()) && (!acc.isNumber() || !(acc.asDouble() >= 0 && acc.asDouble() <= 1)))
      return "has an invalid final_test_acc: " + acc;
    if (!s.path("config").isObject()) return "has no config";
    return null;
  }

  private static double[] values(List<RunRow> rows, boolean time) {
    return rows.stream().mapToDouble(r -> time ? r.toTarget() : r.seconds()).toArray();
  }

  /** Times to target with runs that never arrived counted at their cap: speed-ups become bounds. */
  private static double[] capped(List<RunRow> rows) {
    return rows.stream().mapToDouble(r -> r.reached() ? r.toTarget() : r.cap()).toArray();
  }

  private static List<double[]> curve(Path metrics, boolean steps) throws IOException {
    List<double[]> out = new ArrayList<>();
    if (!Files.exists(metrics)) return out;
    List<String> lines = Files.readAllLines(metrics);
    for (int i = 1; i < lines.size(); i++) {
      String[] f = lines.get(i).split(",");
      if (f.length < 6) continue;
      try {
        out.add(new double[] {Double.parseDouble(steps ? f[1] : f[0]), Double.parseDouble(f[5])});
      } catch (NumberFormatException e) {
        // a partial last line of a killed run
      }
    }
    return out;
  }

  // ---- text ----

  static String num(double v) {
    if (Double.isNaN(v)) return "-";
    if (Double.isInfinite(v)) return "never";
    if (Math.abs(v) >= 100 || v == Math.rint(v)) return String.format(Locale.ROOT, "%,.0f", v);
    return String.format(Locale.ROOT, "%.3g", v);
  }

  static String secs(double v) {
    if (Double.isNaN(v)) return "-";
    if (Double.isInfinite(v)) return "never";
    return String.format(Locale.ROOT, "%.1f", v);
  }

  private static String interval(double lo, double hi, boolean seconds) {
    if (Double.isNaN(lo)) return "-";
    return "[" + (seconds ? secs(lo) : num(lo)) + ", " + (seconds ? secs(hi) : num(hi)) + "]";
  }

  private String median(Cell c) {
    Stats.Summary t = c.time();
    if (Double.isInfinite(t.median())) {
      // unknown, but at least the median with every unfinished run counted at its cap
      return "> " + num(Stats.median(capped(c.rows())));
    }
    return num(t.median());
  }

  private static String speedup(Cell c) {
    if (c.speedup() == null) return c.method().equals("-") ? "-" : "baseline";
    if (c.speedupBound().equals("n/a")) return "n/a (neither arrived)";
    double[] s = c.speedup();
    return c.speedupBound() + (c.speedupBound().isEmpty() ? "" : " ") + String.format(Locale.ROOT, "%.1fx [%.1f, %.1f]", s[0], s[1], s[2]);
  }

  /** The statistics table, as Markdown. */
  String table() {
    StringBuilder sb = new StringBuilder();
    boolean paper = !spec.paper.isEmpty();
    sb.append("| configuration | method | reached | median ").append(unit).append(" [IQR] | 95% CI | median seconds [95% CI] | speed-up vs ")
        .append(spec.baseline).append(" [95% CI] |").append(paper ? " paper |" : "").append('\n');
    sb.append("|---|---|---|---|---|---|---|").append(paper ? "---|" : "").append('\n');
    for (String g : groups) {
      for (Cell c : cells.get(g).values()) {
        Stats.Summary t = c.time(), s = c.seconds();
        sb.append("| ").append(g).append(" | ").append(c.method()).append(" | ").append(t.reached()).append('/').append(t.n())
            .append(" | ").append(median(c)).append(" [").append(num(t.q1())).append(", ").append(num(t.q3())).append("] | ")
            .append(interval(t.ciLow(), t.ciHigh(), false)).append(" | ").append(secs(s.median())).append(' ')
            .append(interval(s.ciLow(), s.ciHigh(), true)).append(" | ").append(speedup(c)).append(" |");
        if (paper) sb.append(' ').append(c.paper() == null ? "-" : num(c.paper())).append(" |");
        sb.append('\n');
      }
    }
    return sb.toString();
  }

  /** With a grid: each method at its best setting (fewest median epochs/steps, then most seeds arrived). */
  String bestTable() {
    if (spec.gridKeys.isEmpty()) return "";
    Map<String, Map<String, Cell>> best = new TreeMap<>(); // config -> method -> best cell
    for (String g : groups) for (Cell c : cells.get(g).values()) {
      Map<String, Cell> m = best.computeIfAbsent(c.config(), k -> new LinkedHashMap<>());
      Cell cur = m.get(c.method());
      if (cur == null || better(c, cur)) m.put(c.method(), c);
    }
    StringBuilder sb = new StringBuilder("| configuration | method | best setting | reached | median ").append(unit)
        .append(" [95% CI] | speed-up vs ").append(spec.baseline).append(" at its best [95% CI] |\n|---|---|---|---|---|---|\n");
    for (var e : best.entrySet()) {
      Cell base = e.getValue().get(spec.baseline);
      for (Cell c : e.getValue().values()) {
        String sp = "baseline";
        if (base != null && c != base) {
          double[] s = Stats.speedup(capped(base.rows()), capped(c.rows()));
          boolean open = Double.isInfinite(base.time().median()), methodOpen = Double.isInfinite(c.time().median());
          sp = open && methodOpen ? "n/a (neither arrived)"
              : (open ? ">= " : methodOpen ? "<= " : "") + String.format(Locale.ROOT, "%.1fx [%.1f, %.1f]", s[0], s[1], s[2]);
        }
        sb.append("| ").append(e.getKey()).append(" | ").append(c.method()).append(" | ").append(c.grid()).append(" | ")
            .append(c.time().reached()).append('/').append(c.time().n()).append(" | ").append(median(c)).append(' ')
            .append(interval(c.time().ciLow(), c.time().ciHigh(), false)).append(" | ").append(sp).append(" |\n");
      }
    }
    return sb.toString();
  }

  private static boolean better(Cell a, Cell b) {
    int cmp = Double.compare(a.time().median(), b.time().median());
    if (cmp != 0) return cmp < 0;
    return a.time().reached() > b.time().reached();
  }

  String runTable() {
    StringBuilder sb = new StringBuilder("| configuration | method | seed | status | ").append(unit)
        .append(" to target | seconds to target | final test acc | run |\n|---|---|---|---|---|---|---|---|\n");
    for (String g : groups) for (Cell c : cells.get(g).values()) for (RunRow r : c.rows()) {
      sb.append("| ").append(g).append(" | ").append(c.method()).append(" | ").append(r.run().seed()).append(" | ")
          .append(r.summary().path("status").asText()).append(" | ")
          .append(r.reached() ? num(r.toTarget()) : "> " + num(r.cap())).append(" | ").append(secs(r.seconds())).append(" | ")
          .append(String.format(Locale.ROOT, "%.4f", r.finalTest())).append(" | ").append(dir.relativize(r.run().dir())).append(" |\n");
    }
    for (RunRow r : missing) {
      sb.append("| ").append(r.run().group()).append(" | ").append(r.run().method()).append(" | ").append(r.run().seed())
          .append(" | not finished | - | - | - | ").append(dir.relativize(r.run().dir())).append(" |\n");
    }
    for (var e : unusable.entrySet()) {
      SweepSpec.Run r = e.getKey();
      sb.append("| ").append(r.group()).append(" | ").append(r.method()).append(" | ").append(r.seed())
          .append(" | not used: ").append(e.getValue().replace("|", "/")).append(" | - | - | - | ").append(dir.relativize(r.dir())).append(" |\n");
    }
    return sb.toString();
  }

  // ---- charts ----

  /** Median test accuracy across seeds with its quartile band, per method, for one group. */
  byte[] curves(String group) throws IOException {
    List<Charts.Band> bands = new ArrayList<>();
    for (Cell c : cells.get(group).values()) {
      TreeMap<Double, List<Double>> at = new TreeMap<>();
      for (RunRow r : c.rows()) for (double[] p : r.curve()) at.computeIfAbsent(p[0], k -> new ArrayList<>()).add(p[1]);
      double[] x = new double[at.size()], m = new double[at.size()], lo = new double[at.size()], hi = new double[at.size()];
      int i = 0;
      for (var e : at.entrySet()) {
        double[] v = e.getValue().stream().mapToDouble(Double::doubleValue).sorted().toArray();
        x[i] = Math.max(e.getKey(), 1);
        m[i] = Stats.quantile(v, 0.5);
        lo[i] = Stats.quantile(v, 0.25);
        hi[i] = Stats.quantile(v, 0.75);
        i++;
      }
      bands.add(new Charts.Band(c.method(), x, m, lo, hi));
    }
    return Charts.bands(group + ": test accuracy, median across seeds (band: quartiles)", unit, bands);
  }

  byte[] timeChart() throws IOException {
    List<String> methods = spec.methods;
    double[][] med = new double[groups.size()][methods.size()], lo = new double[groups.size()][methods.size()],
        hi = new double[groups.size()][methods.size()];
    for (int g = 0; g < groups.size(); g++) for (int m = 0; m < methods.size(); m++) {
      Cell c = cells.get(groups.get(g)).get(methods.get(m));
      med[g][m] = c == null ? Double.NaN : c.time().median();
      lo[g][m] = c == null ? Double.NaN : c.time().ciLow();
      hi[g][m] = c == null ? Double.NaN : c.time().ciHigh();
    }
    return Charts.intervals(unit + " to target: median and 95% bootstrap interval", unit + " to target", groups, methods, med, lo, hi);
  }

  // ---- files ----

  Map<String, Object> statsJson() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("sweep", spec.name);
    out.put("baseline", spec.baseline);
    out.put("unit", unit);
    out.put("bootstrap_resamples", Stats.BOOTSTRAP);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (String g : groups) for (Cell c : cells.get(g).values()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("configuration", c.config());
      m.put("grid", c.grid());
      m.put("method", c.method());
      m.put("runs", c.time().n());
      m.put("reached", c.time().reached());
      m.put("median", finite(c.time().median()));
      m.put("q1", finite(c.time().q1()));
      m.put("q3", finite(c.time().q3()));
      m.put("ci95", List.of(String.valueOf(c.time().ciLow()), String.valueOf(c.time().ciHigh())));
      m.put("median_seconds", finite(c.seconds().median()));
      m.put("ci95_seconds", List.of(String.valueOf(c.seconds().ciLow()), String.valueOf(c.seconds().ciHigh())));
      if (c.speedup() != null) {
        m.put("speedup", finite(c.speedup()[0]));
        m.put("speedup_ci95", List.of(String.valueOf(c.speedup()[1]), String.valueOf(c.speedup()[2])));
        m.put("speedup_bound", c.speedupBound().isEmpty() ? "exact" : c.speedupBound());
      }
      if (c.paper() != null) m.put("paper", c.paper());
      rows.add(m);
    }
    out.put("rows", rows);
    out.put("unfinished_runs", missing.size());
    Map<String, String> notUsed = new LinkedHashMap<>();
    for (var e : unusable.entrySet()) notUsed.put(dir.relativize(e.getKey().dir()).toString(), e.getValue());
    out.put("unusable_runs", notUsed);
    return out;
  }

  private static Double finite(double v) { return Double.isFinite(v) ? v : null; }

  void write() throws IOException {
    Path charts = dir.resolve("report");
    Files.createDirectories(charts);
    Map<String, byte[]> images = new LinkedHashMap<>();
    byte[] t = timeChart();
    if (t != null) images.put("to-target.png", t);
    for (int i = 0; i < groups.size(); i++) {
      byte[] c = curves(groups.get(i));
      if (c != null) images.put("curves-" + (i + 1) + ".png", c);
    }
    for (var e : images.entrySet()) RunFiles.writeAtomically(charts.resolve(e.getKey()), e.getValue());
    RunFiles.writeJson(dir.resolve("stats.json"), statsJson());

    StringBuilder md = new StringBuilder();
    md.append("# ").append(spec.name).append(": ").append(unit).append(" to target\n\n");
    md.append(intro());
    md.append("\n## Statistics\n\n").append(table());
    if (!spec.gridKeys.isEmpty()) md.append("\n## Each method at its best setting\n\n").append(bestTable());
    md.append("\n## Charts\n\n");
    for (String name : images.keySet()) md.append("![").append(name).append("](report/").append(name).append(")\n\n");
    md.append("Curves: ");
    for (int i = 0; i < groups.size(); i++) md.append(i == 0 ? "" : "; ").append("curves-").append(i + 1).append(" = ").append(groups.get(i));
    md.append("\n\n## Runs\n\n").append(runTable());
    md.append("\n## Provenance\n\n").append(provenanceText());
    RunFiles.writeAtomically(dir.resolve("report.md"), md.toString().getBytes(StandardCharsets.UTF_8));

    StringBuilder html = new StringBuilder("<!doctype html><html><head><meta charset=\"utf-8\"><title>")
        .append(esc(spec.name)).append(" - egd report</title><style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;}"
            + "table{border-collapse:collapse;font-size:13px;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 7px;text-align:left}"
            + "th{background:#f4f4f4}img{max-width:100%}pre{background:#f8f8f8;padding:1em;overflow:auto}</style></head><body>");
    html.append("<h1>").append(esc(spec.name)).append(": ").append(unit).append(" to target</h1><p>").append(esc(intro())).append("</p>");
    html.append("<h2>Statistics</h2>").append(htmlTable(table()));
    if (!spec.gridKeys.isEmpty()) html.append("<h2>Each method at its best setting</h2>").append(htmlTable(bestTable()));
    html.append("<h2>Charts</h2>");
    int i = 0;
    for (var e : images.entrySet()) {
      String caption = e.getKey().startsWith("curves-") ? groups.get(Integer.parseInt(e.getKey().replaceAll("\\D", "")) - 1) : "time to target";
      html.append("<figure><img alt=\"").append(esc(caption)).append("\" src=\"data:image/png;base64,")
          .append(Base64.getEncoder().encodeToString(e.getValue())).append("\"><figcaption>").append(esc(caption)).append("</figcaption></figure>");
      i++;
    }
    html.append("<h2>Runs</h2>").append(htmlTable(runTable()));
    html.append("<h2>Provenance</h2><pre>").append(esc(provenanceText())).append("</pre></body></html>");
    RunFiles.writeAtomically(dir.resolve("report.html"), html.toString().getBytes(StandardCharsets.UTF_8));
  }

  private String intro() {
    int finished = spec.runs.size() - missing.size() - unusable.size();
    return (unusable.isEmpty() ? "" : unusable.size() + " run(s) could not be used (listed under Runs, with the reason) and are not counted. ")
        + String.format(Locale.ROOT, "%d of %d runs finished (%d methods x %d seeds x %d settings). Median and interquartile range "
        + "across seeds; 95%% intervals are percentile bootstraps (%,d resamples) of the median; a run that never reached the target "
        + "counts as never, and speed-ups against it are lower bounds (>=) computed at its cap.%n",
        finished, spec.runs.size(), spec.methods.size(), spec.seeds.size(), groups.size(), Stats.BOOTSTRAP);
  }

  private String provenanceText() {
    StringBuilder sb = new StringBuilder();
    try {
      sb.append("spec (").append(spec.source).append("):\n").append(RunFiles.JSON.writeValueAsString(spec.tree)).append("\n\n");
      sb.append("seeds: ").append(spec.seeds).append("; threads per run: ").append(spec.threads).append('\n');
      sb.append("versions: ").append(RunFiles.JSON.writeValueAsString(provenance)).append('\n');
      JsonNode anyConfig = cells.values().stream().flatMap(m -> m.values().stream()).flatMap(c -> c.rows().stream())
          .map(r -> r.summary().get("config")).findFirst().orElse(null);
      if (anyConfig != null) sb.append("resolved configuration of the first run: ").append(RunFiles.JSON.writeValueAsString(anyConfig)).append('\n');
    } catch (IOException e) {
      sb.append("(unavailable: ").append(e.getMessage()).append(")");
    }
    return sb.toString();
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  /** A Markdown table as an HTML table. */
  private static String htmlTable(String md) {
    StringBuilder sb = new StringBuilder("<table>");
    String[] lines = md.split("\n");
    for (int i = 0; i < lines.length; i++) {
      if (i == 1 || lines[i].isBlank()) continue;
      String[] cells = lines[i].substring(1, lines[i].length() - 1).split("\\|");
      sb.append("<tr>");
      for (String c : cells) sb.append(i == 0 ? "<th>" : "<td>").append(esc(c.trim())).append(i == 0 ? "</th>" : "</td>");
      sb.append("</tr>");
    }
    return sb.append("</table>").toString();
  }
}
