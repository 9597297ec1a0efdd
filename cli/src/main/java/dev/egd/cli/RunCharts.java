package dev.egd.cli;

import dev.egd.experiment.TrainingRun;
import dev.egd.experiment.RunDirectory;
import dev.egd.train.RunResult;
import dev.egd.train.SpectrumLogger;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A run directory's charts, drawn once its summary is written: accuracy.png, loss.png and the spectrum
 * charts. Public for the engines that run a sweep's runs elsewhere (egd-spark's executors), so that a
 * run directory looks the same whichever engine ran it.
 */
public final class RunCharts implements RunDirectory.Finished {
  public static final RunCharts INSTANCE = new RunCharts();

  @Override public void accept(Path dir, TrainingRun ex, RunResult r, List<SpectrumLogger.Record> spectrum) throws IOException {
    String title = ex.label() + ", " + ex.method() + ", seed " + ex.seed();
    List<Charts.Curve> curves = List.of(new Charts.Curve(ex.method(), r.history()));
    Charts.accuracy(dir.resolve("accuracy.png"), title, curves);
    Charts.loss(dir.resolve("loss.png"), title, curves);
    if (ex.spectrum() != null) {
      spectrumCharts(dir, title, List.of(new SpectrumCharts.Curve(ex.method(), spectrum, r.history())), ex.spectrum().layerNames(), "spectrum");
    }
  }

  /** Charts of every watched layer: prefix.png and prefix-condition.png for the first, suffixed by name for the others. */
  static void spectrumCharts(Path dir, String title, List<SpectrumCharts.Curve> curves, List<String> layers, String prefix) throws IOException {
    for (int i = 0; i < layers.size(); i++) {
      String layer = layers.get(i);
      String suffix = i == 0 ? "" : "-" + layer.replaceAll("[^A-Za-z0-9_.-]", "_");
      if (curves.size() == 1) SpectrumCharts.singularValues(dir.resolve(prefix + suffix + ".png"), title, curves.get(0).records(), layer);
      SpectrumCharts.conditionAndAccuracy(dir.resolve(prefix + "-condition" + suffix + ".png"), title, curves, layer);
    }
  }
}
