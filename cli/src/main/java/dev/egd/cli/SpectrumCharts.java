package dev.egd.cli;

import dev.egd.train.EpochRecord;
import dev.egd.train.SpectrumLogger;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Charts of gradient spectra: singular values over time (one line per index, log scale), and the
 * condition number and effective rank over time above test accuracy, for one run or a comparison.
 */
final class SpectrumCharts {
  /** Lines drawn from each end of the spectrum in the singular-value chart. */
  static final int LINES_PER_END = 5;
  private static final int PANEL_HEIGHT = 360;

  private SpectrumCharts() {}

  /** One run's spectrum records of one layer, with its accuracy history. */
  record Curve(String name, List<SpectrumLogger.Record> records, List<EpochRecord> history) {}

  /** The records of one layer and stage, in step order. */
  static List<SpectrumLogger.Record> select(List<SpectrumLogger.Record> all, String layer, SpectrumLogger.Stage stage) {
    List<SpectrumLogger.Record> out = new ArrayList<>();
    for (SpectrumLogger.Record r : all) if (r.layer().equals(layer) && r.stage() == stage) out.add(r);
    return out;
  }

  private static XYChart panel(String title, String yTitle, boolean logY) {
    XYChart c = Charts.base(title, yTitle, logY);
    c.getStyler().setPlotMargin(4);
    return c;
  }

  private static void line(XYChart c, String name, double[] xs, double[] ys, Color color, boolean dashed, boolean positiveOnly) {
    double[] x = new double[xs.length], y = new double[ys.length];
    int n = 0;
    for (int i = 0; i < xs.length; i++) {
      if (!Double.isFinite(ys[i]) || (positiveOnly && !(ys[i] > 0)) || !(xs[i] > 0)) continue;
      x[n] = xs[i];
      y[n] = ys[i];
      n++;
    }
    if (n == 0 || c.getSeriesMap().containsKey(name)) return;
    XYSeries s = c.addSeries(name, java.util.Arrays.copyOf(x, n), java.util.Arrays.copyOf(y, n));
    s.setMarker(n == 1 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
    s.setLineColor(color);
    s.setMarkerColor(color);
    s.setLineStyle(dashed ? new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {6f, 4f}, 0f)
        : new BasicStroke(1.8f));
  }

  private static double[] epochs(List<SpectrumLogger.Record> rs) {
    double[] x = new double[rs.size()];
    for (int i = 0; i < x.length; i++) x[i] = rs.get(i).epoch();
    return x;
  }

  /** Indices (0-based) drawn: the largest and the smallest few. */
  static int[] drawnIndices(int k) {
    List<Integer> idx = new ArrayList<>();
    for (int i = 0; i < Math.min(LINES_PER_END, k); i++) idx.add(i);
    for (int i = Math.max(LINES_PER_END, k - LINES_PER_END); i < k; i++) idx.add(i);
    return idx.stream().mapToInt(Integer::intValue).toArray();
  }

  /** Singular values of one layer over time, one line per index: the raw gradient above, after the transforms below. */
  static void singularValues(Path file, String title, List<SpectrumLogger.Record> all, String layer) throws IOException {
    List<XYChart> panels = new ArrayList<>();
    for (SpectrumLogger.Stage stage : SpectrumLogger.Stage.values()) {
      List<SpectrumLogger.Record> rs = select(all, layer, stage);
      if (rs.isEmpty()) return;
      int k = rs.get(0).singularValues().length;
      String what = stage == SpectrumLogger.Stage.BEFORE ? "the raw gradient (before the transforms)" : "what the optimizer receives (after the transforms)";
      XYChart c = panel(title + ": singular values of " + layer + ", " + what, "singular value", true);
      double[] x = epochs(rs);
      int[] drawn = drawnIndices(k);
      for (int j = 0; j < drawn.length; j++) {
        int idx = drawn[j];
        double[] y = new double[rs.size()];
        for (int i = 0; i < y.length; i++) y[i] = rs.get(i).singularValues()[idx];
        // Dark blue for the largest, through to orange for the smallest.
        float f = drawn.length == 1 ? 0f : (float) j / (drawn.length - 1);
        Color col = new Color(Math.round(31 + f * (255 - 31)), Math.round(119 + f * (127 - 119)), Math.round(180 - f * (180 - 14)));
        line(c, "s" + (idx + 1), x, y, col, false, true);
      }
      panels.add(c);
    }
    write(file, panels);
  }

  /** Condition number and effective rank (solid: before, dashed: after) above test accuracy, one colour per curve. */
  static void conditionAndAccuracy(Path file, String title, List<Curve> curves, String layer) throws IOException {
    XYChart cond = panel(title + ": condition number of " + layer + "'s gradient (solid: raw, dashed: after transforms)", "condition number", true);
    XYChart rank = panel(title + ": effective rank exp(entropy of s/sum s) (solid: raw, dashed: after)", "effective rank", false);
    XYChart acc = panel(title + ": test accuracy (solid), train (dashed)", "accuracy", false);
    for (int c = 0; c < curves.size(); c++) {
      Curve cv = curves.get(c);
      Color col = Charts.PALETTE[c % Charts.PALETTE.length];
      for (SpectrumLogger.Stage stage : SpectrumLogger.Stage.values()) {
        List<SpectrumLogger.Record> rs = select(cv.records(), layer, stage);
        double[] x = epochs(rs), yc = new double[rs.size()], yr = new double[rs.size()];
        for (int i = 0; i < x.length; i++) {
          yc[i] = rs.get(i).stats().condition();
          yr[i] = rs.get(i).stats().effectiveRank();
        }
        boolean after = stage == SpectrumLogger.Stage.AFTER;
        line(cond, cv.name() + " " + stage.label(), x, yc, col, after, true);
        line(rank, cv.name() + " " + stage.label(), x, yr, col, after, true);
      }
      List<EpochRecord> h = cv.history();
      double[] x = new double[h.size()], te = new double[h.size()], tr = new double[h.size()];
      for (int i = 0; i < x.length; i++) {
        x[i] = h.get(i).epoch();
        te[i] = h.get(i).testAcc();
        tr[i] = h.get(i).trainAcc();
      }
      line(acc, cv.name() + " test", x, te, col, false, false);
      line(acc, cv.name() + " train", x, tr, col, true, false);
    }
    acc.getStyler().setYAxisMin(0.0);
    acc.getStyler().setYAxisMax(1.0);
    List<XYChart> panels = new ArrayList<>();
    for (XYChart p : List.of(cond, rank, acc)) if (!p.getSeriesMap().isEmpty()) panels.add(p);
    if (!panels.isEmpty()) write(file, panels);
  }

  /** Stacks the panels vertically into one PNG, written atomically. */
  private static void write(Path file, List<XYChart> panels) throws IOException {
    for (XYChart p : panels) {
      p.getStyler().setChartTitleFont(p.getStyler().getChartTitleFont().deriveFont(13f));
    }
    BufferedImage img = new BufferedImage(Charts.WIDTH, PANEL_HEIGHT * panels.size(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, img.getWidth(), img.getHeight());
    for (int i = 0; i < panels.size(); i++) {
      XYChart p = panels.get(i);
      p.getStyler().setChartBackgroundColor(Color.WHITE);
      BufferedImage part = new BufferedImage(Charts.WIDTH, PANEL_HEIGHT, BufferedImage.TYPE_INT_RGB);
      Graphics2D pg = part.createGraphics();
      pg.setRenderingHint(java.awt.RenderingHints.KEY_ANTIALIASING, java.awt.RenderingHints.VALUE_ANTIALIAS_ON);
      p.paint(pg, Charts.WIDTH, PANEL_HEIGHT);
      pg.dispose();
      g.drawImage(part, 0, i * PANEL_HEIGHT, null);
    }
    g.dispose();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ImageIO.write(img, "png", bytes);
    RunFiles.writeAtomically(file, bytes.toByteArray());
  }

}
