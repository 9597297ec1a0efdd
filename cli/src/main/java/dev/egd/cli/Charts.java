package dev.egd.cli;

import dev.egd.train.EpochRecord;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** PNG charts of runs: accuracy and loss against epoch on a log-scale axis, as the papers draw them. */
final class Charts {
  static final int WIDTH = 960, HEIGHT = 560;
  static final Color[] PALETTE = {
      new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e), new Color(0x9467bd),
      new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)};

  static {
    System.setProperty("java.awt.headless", "true");
  }

  private Charts() {}

  /** One run's curves. */
  record Curve(String name, List<EpochRecord> history) {}

  static XYChart base(String title, String yTitle, boolean logY) {
    XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle("epoch").yAxisTitle(yTitle).build();
    Styler s = c.getStyler();
    c.getStyler().setXAxisLogarithmic(true);
    c.getStyler().setYAxisLogarithmic(logY);
    s.setLegendPosition(Styler.LegendPosition.OutsideE);
    s.setChartBackgroundColor(Color.WHITE);
    c.getStyler().setPlotGridLinesColor(new Color(0xdddddd));
    c.getStyler().setXAxisDecimalPattern("#,###");
    return c;
  }

  private static void add(XYChart c, String name, List<EpochRecord> h, ToDoubleFunction<EpochRecord> y, Color color, boolean dashed) {
    double[] xs = new double[h.size()], ys = new double[h.size()];
    int n = 0;
    for (EpochRecord r : h) {
      double v = y.applyAsDouble(r);
      if (!Double.isFinite(v)) continue;
      xs[n] = r.epoch();
      ys[n] = v;
      n++;
    }
    if (n == 0) return;
    XYSeries s = c.addSeries(name, java.util.Arrays.copyOf(xs, n), java.util.Arrays.copyOf(ys, n));
    s.setMarker(SeriesMarkers.NONE);
    s.setLineColor(color);
    s.setLineStyle(dashed ? new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {6f, 4f}, 0f)
        : new BasicStroke(2f));
  }

  /** Train (dashed) and test (solid) accuracy of every curve. */
  static void accuracy(Path file, String title, List<Curve> curves) throws IOException {
    XYChart c = base(title, "accuracy", false);
    for (int i = 0; i < curves.size(); i++) {
      Curve cv = curves.get(i);
      Color col = PALETTE[i % PALETTE.length];
      add(c, cv.name() + " test", cv.history(), EpochRecord::testAcc, col, false);
      add(c, cv.name() + " train", cv.history(), EpochRecord::trainAcc, col, true);
    }
    c.getStyler().setYAxisMin(0.0);
    c.getStyler().setYAxisMax(1.0);
    save(file, c);
  }

  /** Train (dashed) and test (solid) loss of every curve, log scale. */
  static void loss(Path file, String title, List<Curve> curves) throws IOException {
    XYChart c = base(title, "loss", true);
    for (int i = 0; i < curves.size(); i++) {
      Curve cv = curves.get(i);
      Color col = PALETTE[i % PALETTE.length];
      add(c, cv.name() + " test", cv.history(), r -> r.testLoss() > 0 ? r.testLoss() : Double.NaN, col, false);
      add(c, cv.name() + " train", cv.history(), r -> r.trainLoss() > 0 ? r.trainLoss() : Double.NaN, col, true);
    }
    save(file, c);
  }

  static void save(Path file, XYChart c) throws IOException {
    if (c.getSeriesMap().isEmpty()) return;
    RunFiles.writeAtomically(file, BitmapEncoder.getBitmapBytes(c, BitmapEncoder.BitmapFormat.PNG));
  }
}
