package dev.egd.cli;

import dev.egd.train.EpochRecord;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
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
  static {
    // In memory: ImageIO's file cache registers a shutdown hook, which fails while a stopped run
    // writes its charts from the JVM's own shutdown (Ctrl-C).
    javax.imageio.ImageIO.setUseCache(false);
  }

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

  /** A median curve across seeds with its band (quartiles), for the sweep report. */
  record Band(String name, double[] x, double[] median, double[] low, double[] high) {}

  static byte[] bands(String title, String xTitle, List<Band> bands) throws IOException {
    XYChart c = base(title, "test accuracy", false);
    c.setXAxisTitle(xTitle);
    for (int i = 0; i < bands.size(); i++) {
      Band b = bands.get(i);
      if (b.x().length == 0) continue;
      Color col = PALETTE[i % PALETTE.length];
      int n = b.x().length;
      double[] px = new double[2 * n], py = new double[2 * n];
      for (int j = 0; j < n; j++) {
        px[j] = b.x()[j];
        py[j] = b.high()[j];
        px[2 * n - 1 - j] = b.x()[j];
        py[2 * n - 1 - j] = b.low()[j];
      }
      XYSeries area = c.addSeries(b.name() + " quartiles", px, py);
      area.setXYSeriesRenderStyle(org.knowm.xchart.XYSeries.XYSeriesRenderStyle.PolygonArea);
      area.setFillColor(new Color(col.getRed(), col.getGreen(), col.getBlue(), 50));
      area.setLineColor(new Color(col.getRed(), col.getGreen(), col.getBlue(), 0));
      area.setMarker(SeriesMarkers.NONE);
      area.setShowInLegend(false);
      XYSeries m = c.addSeries(b.name() + " median", b.x(), b.median());
      m.setMarker(SeriesMarkers.NONE);
      m.setLineColor(col);
      m.setLineStyle(new BasicStroke(2f));
    }
    c.getStyler().setYAxisMin(0.0);
    c.getStyler().setYAxisMax(1.0);
    return c.getSeriesMap().isEmpty() ? null : BitmapEncoder.getBitmapBytes(c, BitmapEncoder.BitmapFormat.PNG);
  }

  /**
   * Medians with 95% intervals: one column per group, one colour per method (log scale). Infinite
   * values (never reached) are left out.
   */
  static byte[] intervals(String title, String yTitle, List<String> groups, List<String> methods, double[][] med, double[][] lo,
      double[][] hi) throws IOException {
    XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle("configuration (see the table)").yAxisTitle(yTitle).build();
    double min = Double.POSITIVE_INFINITY, max = 0;
    for (double[][] a : new double[][][] {med, lo, hi}) for (double[] row : a) for (double v : row) {
      if (v > 0 && Double.isFinite(v)) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
    }
    c.getStyler().setYAxisLogarithmic(max > 20 * min); // log only when the values span decades
    c.getStyler().setYAxisDecimalPattern("#,###.#");
    if (max <= 20 * min) c.getStyler().setYAxisMin(0.0);
    c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    c.getStyler().setChartBackgroundColor(Color.WHITE);
    c.getStyler().setPlotGridLinesColor(new Color(0xdddddd));
    c.getStyler().setXAxisDecimalPattern("#");
    c.getStyler().setXAxisMin(0.5);
    c.getStyler().setXAxisMax(groups.size() + 0.5);
    for (int mi = 0; mi < methods.size(); mi++) {
      Color col = PALETTE[mi % PALETTE.length];
      double off = methods.size() == 1 ? 0 : -0.25 + 0.5 * mi / (methods.size() - 1);
      List<Double> xs = new ArrayList<>(), ys = new ArrayList<>();
      for (int g = 0; g < groups.size(); g++) {
        double y = med[g][mi];
        if (!(y > 0) || Double.isInfinite(y)) continue;
        xs.add(g + 1 + off);
        ys.add(y);
        double a = lo[g][mi], b = Double.isFinite(hi[g][mi]) ? hi[g][mi] : y;
        if (a > 0 && Double.isFinite(a) && b > a) {
          XYSeries bar = c.addSeries(methods.get(mi) + " ci " + g, new double[] {g + 1 + off, g + 1 + off}, new double[] {a, b});
          bar.setMarker(SeriesMarkers.NONE);
          bar.setLineColor(col);
          bar.setShowInLegend(false);
        }
      }
      if (xs.isEmpty()) continue;
      XYSeries pts = c.addSeries(methods.get(mi), xs.stream().mapToDouble(Double::doubleValue).toArray(), ys.stream().mapToDouble(Double::doubleValue).toArray());
      pts.setXYSeriesRenderStyle(org.knowm.xchart.XYSeries.XYSeriesRenderStyle.Scatter);
      pts.setMarkerColor(col);
      pts.setMarker(SeriesMarkers.CIRCLE);
    }
    return c.getSeriesMap().isEmpty() ? null : BitmapEncoder.getBitmapBytes(c, BitmapEncoder.BitmapFormat.PNG);
  }
}
