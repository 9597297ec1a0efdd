package dev.egd.cli;

import dev.egd.train.RunResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The table of a comparison: milestones per method and speed-ups over the baseline. */
final class Comparison {
  record Row(String method, RunResult result) {}

  final List<Row> rows;
  final String baseline;
  /** Count in optimizer steps rather than epochs (runs evaluated every N steps: MNIST, --eval-every). */
  final boolean steps;

  Comparison(List<Row> rows, String baseline) {
    this(rows, baseline, false);
  }

  Comparison(List<Row> rows, String baseline, boolean steps) {
    this.rows = rows;
    this.baseline = baseline;
    this.steps = steps;
  }

  private Long toTarget(RunResult x) { return steps ? x.stepsToTarget() : x.epochsToTarget(); }

  private long run(RunResult x) { return steps ? x.stepsRun() : x.epochsRun(); }

  private String unit() { return steps ? "steps" : "epochs"; }

  Row baselineRow() {
    for (Row r : rows) if (r.method.equals(baseline)) return r;
    return null;
  }

  /**
   * Speed-up of a row over the baseline as text: "49.1x"; "> 12.0x" when the baseline never reached
   * the target (its epochs run are a lower bound); "-" when the row itself did not reach it.
   */
  static String speedup(Double base, boolean baseReached, Double mine) {
    if (mine == null || base == null || mine <= 0) return "-";
    return String.format(Locale.ROOT, baseReached ? "%.1fx" : "> %.1fx", base / mine);
  }

  List<String[]> table() {
    Row base = baselineRow();
    List<String[]> t = new ArrayList<>();
    t.add(new String[] {"method", unit() + " to target", "seconds to target", "speed-up (" + unit() + ")", "speed-up (seconds)",
        "final train acc", "final test acc", "ms/epoch"});
    for (Row r : rows) {
      RunResult x = r.result;
      boolean baseReached = base != null && toTarget(base.result) != null;
      Double baseCount = base == null ? null : baseReached ? Double.valueOf(toTarget(base.result)) : Double.valueOf(run(base.result));
      Double baseSeconds = base == null ? null : baseReached ? base.result.secondsToTarget() : Double.valueOf(base.result.secondsTotal());
      Double mine = toTarget(x) == null ? null : Double.valueOf(toTarget(x));
      t.add(new String[] {
          r.method,
          toTarget(x) == null ? "> " + run(x) : String.valueOf(toTarget(x)),
          x.secondsToTarget() == null ? "> " + fmt(x.secondsTotal()) : fmt(x.secondsToTarget()),
          r.method.equals(baseline) ? "1.0x" : speedup(baseCount, baseReached, mine),
          r.method.equals(baseline) ? "1.0x" : speedup(baseSeconds, baseReached, x.secondsToTarget()),
          x.last() == null ? "-" : String.format(Locale.ROOT, "%.4f", x.last().trainAcc()),
          x.last() == null ? "-" : String.format(Locale.ROOT, "%.4f", x.last().testAcc()),
          String.format(Locale.ROOT, "%.1f", 1000 * x.secondsPerEpoch())});
    }
    return t;
  }

  private static String fmt(double s) {
    return String.format(Locale.ROOT, "%.2f", s);
  }

  /** Aligned plain text. */
  String text() {
    List<String[]> t = table();
    int[] w = new int[t.get(0).length];
    for (String[] row : t) for (int i = 0; i < row.length; i++) w[i] = Math.max(w[i], row[i].length());
    StringBuilder sb = new StringBuilder();
    for (int r = 0; r < t.size(); r++) {
      String[] row = t.get(r);
      for (int i = 0; i < row.length; i++) {
        String cell = row[i];
        sb.append(i == 0 ? String.format("%-" + w[i] + "s", cell) : String.format("%" + w[i] + "s", cell));
        sb.append(i + 1 < row.length ? "  " : "\n");
      }
      if (r == 0) {
        for (int i = 0; i < row.length; i++) sb.append("-".repeat(w[i])).append(i + 1 < row.length ? "  " : "\n");
      }
    }
    return sb.toString();
  }

  String markdown() {
    List<String[]> t = table();
    StringBuilder sb = new StringBuilder();
    for (int r = 0; r < t.size(); r++) {
      sb.append("| ").append(String.join(" | ", t.get(r))).append(" |\n");
      if (r == 0) sb.append("|").append("---|".repeat(t.get(0).length)).append("\n");
    }
    return sb.toString();
  }

  String csv() {
    StringBuilder sb = new StringBuilder("method,status,epochs_to_target,steps_to_target,seconds_to_target,epochs_run,steps_run,seconds_total,final_train_acc,final_test_acc,seconds_per_epoch\n");
    for (Row r : rows) {
      RunResult x = r.result;
      sb.append(String.join(",", r.method, x.status(), x.epochsToTarget() == null ? "" : String.valueOf(x.epochsToTarget()),
          x.stepsToTarget() == null ? "" : String.valueOf(x.stepsToTarget()),
          x.secondsToTarget() == null ? "" : String.format(Locale.ROOT, "%.4f", x.secondsToTarget()), String.valueOf(x.epochsRun()),
          String.valueOf(x.stepsRun()),
          String.format(Locale.ROOT, "%.4f", x.secondsTotal()), x.last() == null ? "" : String.valueOf(x.last().trainAcc()),
          x.last() == null ? "" : String.valueOf(x.last().testAcc()), String.format(Locale.ROOT, "%.6f", x.secondsPerEpoch()))).append('\n');
    }
    return sb.toString();
  }

  /** One sentence on what the result shows, from the measured numbers. */
  String verdict(double target) {
    Row base = baselineRow();
    Row best = null;
    for (Row r : rows) {
      if (r.method.equals(baseline) || toTarget(r.result) == null) continue;
      if (best == null || r.result.secondsToTarget() < best.result.secondsToTarget()) best = r;
    }
    String pct = String.format(Locale.ROOT, "%.0f%%", 100 * target);
    if (best == null) return "No method reached " + pct + " test accuracy within the epoch cap.";
    RunResult b = best.result;
    String u = unit();
    String s = String.format(Locale.ROOT, "%s reached %s test accuracy fastest: %d %s, %.1f s", best.method, pct, toTarget(b), u, b.secondsToTarget());
    if (base == null) return s + ".";
    RunResult v = base.result;
    if (toTarget(v) != null) {
      return s + String.format(Locale.ROOT, ", against %d %s and %.1f s for %s: %.0fx fewer %s and %.1fx less time.",
          toTarget(v), u, v.secondsToTarget(), baseline, (double) toTarget(v) / toTarget(b), u, v.secondsToTarget() / b.secondsToTarget());
    }
    return s + String.format(Locale.ROOT, ", while %s had not reached it after %d %s (%.1f s).", baseline, run(v), u, v.secondsTotal());
  }

  Map<String, Object> json(Map<String, Object> config) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("baseline", baseline);
    List<Map<String, Object>> runs = new ArrayList<>();
    for (Row r : rows) {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("method", r.method);
      x.put("status", r.result.status());
      x.put("epochs_to_target", r.result.epochsToTarget());
      x.put("steps_to_target", r.result.stepsToTarget());
      x.put("seconds_to_target", r.result.secondsToTarget());
      x.put("epochs_run", r.result.epochsRun());
      x.put("steps_run", r.result.stepsRun());
      x.put("final_train_acc", r.result.last() == null ? null : r.result.last().trainAcc());
      x.put("final_test_acc", r.result.last() == null ? null : r.result.last().testAcc());
      x.put("seconds_per_epoch", Double.isFinite(r.result.secondsPerEpoch()) ? r.result.secondsPerEpoch() : null);
      runs.add(x);
    }
    m.put("runs", runs);
    m.put("config", config);
    m.put("versions", dev.egd.experiment.Versions.all());
    return m;
  }
}
