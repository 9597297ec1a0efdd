package dev.egd.cli;

import dev.egd.train.EpochRecord;
import dev.egd.train.RunResult;
import dev.egd.train.SpectrumLogger;
import dev.egd.train.TrainListener;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a run directory as the run goes: metrics.csv and timing.csv row by row, summary.json at the
 * end. metrics.csv holds only what the seed determines, so the same seed and thread count give a
 * byte-identical file; wall-clock time goes to timing.csv.
 */
final class RunRecorder implements TrainListener, AutoCloseable {
  static final String CSV_HEADER = "epoch,step,train_loss,train_acc,test_loss,test_acc,weight_norm,transform_active";
  static final String TIMING_HEADER = "epoch,seconds";
  static final String SPECTRUM_HEADER =
      "epoch,step,layer,rows,cols,stage,source,s_max,s_min,condition_number,effective_rank,stable_rank,frobenius,top_sv,bottom_sv";

  private final Path dir;
  private final Experiment experiment;
  private final BufferedWriter csv, timing;
  private final BufferedWriter spectrumCsv; // null unless --log-spectrum
  private final List<SpectrumLogger.Record> spectrum = new java.util.ArrayList<>();
  private final TrainListener display;
  private RunResult result;

  private List<String> earlierSpectrumRows = List.of(); // a resumed run's spectrum.csv rows, rewritten on resume

  RunRecorder(Path dir, Experiment experiment, TrainListener display) throws IOException {
    this(dir, experiment, display, false);
  }

  /** With resuming, spectrum.csv rows written before the checkpoint are kept (see {@link #onResume}). */
  RunRecorder(Path dir, Experiment experiment, TrainListener display, boolean resuming) throws IOException {
    if (resuming && experiment.spectrum != null && java.nio.file.Files.isRegularFile(dir.resolve("spectrum.csv"))) {
      List<String> lines = java.nio.file.Files.readAllLines(dir.resolve("spectrum.csv"));
      earlierSpectrumRows = lines.isEmpty() ? List.of() : lines.subList(1, lines.size());
    }
    this.dir = dir;
    this.experiment = experiment;
    this.display = display;
    java.nio.file.Files.createDirectories(dir);
    this.csv = RunFiles.csv(dir.resolve("metrics.csv"));
    csv.write(CSV_HEADER);
    csv.newLine();
    this.timing = RunFiles.csv(dir.resolve("timing.csv"));
    timing.write(TIMING_HEADER);
    timing.newLine();
    if (experiment.spectrum != null) {
      spectrumCsv = RunFiles.csv(dir.resolve("spectrum.csv"));
      spectrumCsv.write(SPECTRUM_HEADER);
      spectrumCsv.newLine();
      int keep = experiment.options.spectrumKeep();
      experiment.spectrum.sink(r -> {
        spectrum.add(r);
        try {
          spectrumCsv.write(spectrumRow(r, keep));
          spectrumCsv.newLine();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } else {
      spectrumCsv = null;
    }
  }

  /** One spectrum.csv row; top_sv and bottom_sv hold the keep largest and smallest values (all in top_sv when keep is 0 or covers them). */
  static String spectrumRow(SpectrumLogger.Record r, int keep) {
    double[] s = r.singularValues();
    dev.egd.linalg.Spectrum.Stats st = r.stats();
    boolean all = keep == 0 || 2 * keep >= s.length;
    StringBuilder top = new StringBuilder(), bottom = new StringBuilder();
    for (int i = 0; i < (all ? s.length : keep); i++) top.append(i == 0 ? "" : " ").append(RunFiles.fmt(s[i]));
    if (!all) for (int i = s.length - keep; i < s.length; i++) bottom.append(i == s.length - keep ? "" : " ").append(RunFiles.fmt(s[i]));
    return r.epoch() + "," + r.step() + "," + r.layer() + "," + r.rows() + "," + r.cols() + "," + r.stage().label() + "," + r.source() + ","
        + RunFiles.fmt(st.sMax()) + "," + RunFiles.fmt(st.sMin()) + "," + RunFiles.fmt(st.condition()) + "," + RunFiles.fmt(st.effectiveRank()) + ","
        + RunFiles.fmt(st.stableRank()) + "," + RunFiles.fmt(st.frobenius()) + "," + top + "," + bottom;
  }

  /** The spectrum records of this run (empty without --log-spectrum). */
  List<SpectrumLogger.Record> spectrum() { return spectrum; }

  /** Charts of every watched layer: spectrum.png and spectrum-condition.png for the first, suffixed by name for the others. */
  static void spectrumCharts(Path dir, String title, List<SpectrumCharts.Curve> curves, List<String> layers, String prefix) throws IOException {
    for (int i = 0; i < layers.size(); i++) {
      String layer = layers.get(i);
      String suffix = i == 0 ? "" : "-" + layer.replaceAll("[^A-Za-z0-9_.-]", "_");
      if (curves.size() == 1) SpectrumCharts.singularValues(dir.resolve(prefix + suffix + ".png"), title, curves.get(0).records(), layer);
      SpectrumCharts.conditionAndAccuracy(dir.resolve(prefix + "-condition" + suffix + ".png"), title, curves, layer);
    }
  }

  @Override public void onResume(List<EpochRecord> history) {
    for (EpochRecord r : history) row(r);
    if (spectrumCsv != null && !history.isEmpty()) {
      long upTo = history.get(history.size() - 1).step();
      try {
        for (String line : earlierSpectrumRows) {
          String[] f = line.split(",", 3);
          if (f.length == 3 && f[1].matches("\\d+") && Long.parseLong(f[1]) <= upTo) {
            spectrumCsv.write(line);
            spectrumCsv.newLine();
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    display.onResume(history);
  }

  @Override public void onEpoch(EpochRecord r) {
    row(r);
    display.onEpoch(r);
  }

  private void row(EpochRecord r) {
    try {
      csv.write(r.epoch() + "," + r.step() + "," + RunFiles.fmt(r.trainLoss()) + "," + RunFiles.fmt(r.trainAcc()) + ","
          + RunFiles.fmt(r.testLoss()) + "," + RunFiles.fmt(r.testAcc()) + "," + RunFiles.fmt(r.weightNorm()) + ","
          + (r.transformActive() ? 1 : 0));
      csv.newLine();
      timing.write(r.epoch() + "," + String.format(java.util.Locale.ROOT, "%.4f", r.seconds()));
      timing.newLine();
      if (r.epoch() % 50 == 0) {
        csv.flush();
        timing.flush();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override public void onFinish(RunResult r) {
    this.result = r;
    display.onFinish(r);
    try {
      csv.flush();
      timing.flush();
      RunFiles.writeJson(dir.resolve("summary.json"), summary(r)); // first: the measurement matters most
      String title = experiment.options.taskLabel() + ", " + experiment.method + ", seed " + experiment.options.seed;
      List<Charts.Curve> curves = List.of(new Charts.Curve(experiment.method, r.history()));
      Charts.accuracy(dir.resolve("accuracy.png"), title, curves);
      Charts.loss(dir.resolve("loss.png"), title, curves);
      if (spectrumCsv != null) {
        spectrumCsv.flush();
        spectrumCharts(dir, title, List.of(new SpectrumCharts.Curve(experiment.method, spectrum, r.history())),
            experiment.spectrum.layerNames(), "spectrum");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Map<String, Object> summary(RunResult r) {
    Map<String, Object> cfg = experiment.config();
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("task", cfg.get("task"));
    for (String key : new String[] {"op", "p", "n", "k"}) if (cfg.containsKey(key)) s.put(key, cfg.get(key));
    s.put("method", experiment.method);
    s.put("seed", cfg.get("seed"));
    s.put("status", r.status());
    if (r.message() != null) s.put("message", r.message());
    s.put("target", r.target());
    s.put("epochs_run", r.epochsRun());
    s.put("steps_run", r.stepsRun());
    s.put("epochs_to_target", r.epochsToTarget());
    s.put("steps_to_target", r.stepsToTarget());
    s.put("seconds_to_target", r.secondsToTarget());
    s.put("final_train_acc", r.last() == null ? null : r.last().trainAcc());
    s.put("final_test_acc", r.last() == null ? null : r.last().testAcc());
    s.put("final_train_loss", r.last() == null ? null : finite(r.last().trainLoss()));
    s.put("final_test_loss", r.last() == null ? null : finite(r.last().testLoss()));
    s.put("best_test_acc", r.history().stream().mapToDouble(EpochRecord::testAcc).max().orElse(Double.NaN));
    s.put("seconds_per_epoch", finite(r.secondsPerEpoch()));
    s.put("seconds_total", r.secondsTotal());
    s.put("setup_seconds", r.setupSeconds());
    s.put("phase_seconds", r.phaseSeconds());
    s.put("transform_stats", r.transformStats());
    s.put("config", cfg);
    s.put("versions", Versions.all());
    return s;
  }

  private static Double finite(double v) { return Double.isFinite(v) ? v : null; }

  RunResult result() { return result; }

  @Override public void close() throws IOException {
    csv.close();
    timing.close();
    if (spectrumCsv != null) spectrumCsv.close();
  }
}
