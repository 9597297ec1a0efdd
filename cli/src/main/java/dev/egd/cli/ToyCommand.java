package dev.egd.cli;

import dev.egd.toy.TwoScaleToy;
import java.awt.BasicStroke;
import java.awt.Color;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "toy", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, sortOptions = false,
    description = {"The EGD paper's toy model: a linear model on a quadratic loss whose gradient has two scales, m and eps << m.",
        "Prints the steps GD and EGD need to reach the tolerance for each eps; writes toy.csv and toy.png (steps against 1/eps)."})
final class ToyCommand implements Callable<Integer> {
  @Option(names = "--eps", defaultValue = "1e-1,1e-2,1e-3,1e-4",
      description = "Comma-separated small eigenvalues eps, each in (0, m) (default: ${DEFAULT-VALUE}).")
  String eps;

  @Option(names = "--m", defaultValue = "1.0", description = "The large eigenvalue m > 0 (default: ${DEFAULT-VALUE}).")
  double m;

  @Option(names = "--dim", defaultValue = "4", description = "W is dim x dim, dim even >= 2; half the directions have scale m, half eps (default: ${DEFAULT-VALUE}).")
  int dim;

  @Option(names = "--lr", description = "GD's constant step, in (0, 2/m) (default: 1/m).")
  Double lr;

  @Option(names = "--egd-lr", defaultValue = "0.5", description = "EGD's first step eta0 > 0 (default: ${DEFAULT-VALUE}).")
  double egdLr;

  @Option(names = "--egd-decay", defaultValue = "0.5",
      description = "EGD's step decay gamma in [0.5, 1): eta_t = eta0 * gamma^t; eta0 / (1 - gamma) must be >= 1 (default: ${DEFAULT-VALUE}).")
  double egdDecay;

  @Option(names = "--tol", defaultValue = "1e-3", description = "Converged when ||W - W*|| <= tol * ||W0 - W*||, tol in (0, 1) (default: ${DEFAULT-VALUE}).")
  double tol;

  @Option(names = "--max-steps", defaultValue = "10000000", description = "Give up after this many steps (default: ${DEFAULT-VALUE}).")
  long maxSteps;

  @Option(names = "--seed", defaultValue = "0", description = "Seed of W*, the rotations and the initial error (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--out", defaultValue = "runs/toy", description = "Directory for toy.csv and toy.png (default: ${DEFAULT-VALUE}).")
  Path out;

  static final String CSV_HEADER = "eps,inv_eps,gd_steps,egd_steps,gd_bound,gd_final_error,egd_final_error";

  /** Parses the --eps list; every value must be a number in (0, m). */
  static double[] parseEps(String list, double m) {
    String[] parts = list.split(",", -1);
    double[] out = new double[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        out[i] = Double.parseDouble(parts[i].trim());
      } catch (NumberFormatException e) {
        throw new BadInput("--eps must be a comma-separated list of numbers in (0, m) = (0, " + m + "): '" + list + "'");
      }
      if (!(out[i] > 0 && out[i] < m))
        throw new BadInput("--eps values must be in (0, m) = (0, " + m + "): " + parts[i].trim());
    }
    return out;
  }

  @Override public Integer call() throws Exception {
    if (!(m > 0) || !Double.isFinite(m)) throw new BadInput("--m must be > 0: " + m);
    double[] epsValues = parseEps(eps, m);
    TwoScaleToy.Settings settings = new TwoScaleToy.Settings(dim, m, lr == null ? 1 / m : lr, egdLr, egdDecay, tol, maxSteps, seed);
    RunFiles.checkWritable(out, "--out");
    TwoScaleToy toy = new TwoScaleToy(settings);
    System.out.printf(Locale.ROOT, "egd toy: W %dx%d, loss 0.5*||(W - W*) A||^2, A A^T has eigenvalues m = %s and eps; "
        + "GD step %s; EGD step %s * %s^t; converged at relative error %s%n", dim, dim, m, settings.gdLr(), egdLr, egdDecay, tol);
    List<TwoScaleToy.Result> results = new ArrayList<>();
    StringBuilder csv = new StringBuilder(CSV_HEADER).append('\n');
    System.out.printf(Locale.ROOT, "%10s %10s %10s %10s %10s%n", "eps", "1/eps", "GD steps", "EGD steps", "GD bound");
    for (double e : epsValues) {
      TwoScaleToy.Result r = toy.run(e);
      results.add(r);
      System.out.printf(Locale.ROOT, "%10.3g %10s %10s %10s %10.0f%n", e, plain(1 / e), steps(r.gdSteps()),
          steps(r.egdSteps()), r.gdBound());
      csv.append(RunFiles.fmt(e)).append(',').append(RunFiles.fmt(1 / e)).append(',').append(r.gdSteps()).append(',')
          .append(r.egdSteps()).append(',').append(RunFiles.fmt(r.gdBound())).append(',').append(RunFiles.fmt(r.gdError()))
          .append(',').append(RunFiles.fmt(r.egdError())).append('\n');
    }
    java.nio.file.Files.createDirectories(out);
    RunFiles.writeAtomically(out.resolve("toy.csv"), csv.toString().getBytes(StandardCharsets.UTF_8));
    chart(out.resolve("toy.png"), results, settings);
    System.out.println("GD bound: ln(1/tol)/(-ln(1 - lr*eps)) ~ ln(1/tol)/(lr*eps), linear in 1/eps; EGD's steps do not depend on eps.");
    System.out.println("-> " + out.resolve("toy.csv") + ", " + out.resolve("toy.png"));
    return 0;
  }

  private static String plain(double v) {
    return v >= 1 && v < 1e12 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.4g", v);
  }

  private String steps(long s) { return s < 0 ? "> " + maxSteps : Long.toString(s); }

  private static void chart(Path file, List<TwoScaleToy.Result> results, TwoScaleToy.Settings s) throws java.io.IOException {
    XYChart c = new XYChartBuilder().width(Charts.WIDTH).height(Charts.HEIGHT)
        .title("Two-scale toy model: steps to relative error " + s.tol() + " (m = " + s.m() + ")")
        .xAxisTitle("1/eps").yAxisTitle("steps to converge").build();
    Styler st = c.getStyler();
    c.getStyler().setXAxisLogarithmic(true);
    c.getStyler().setYAxisLogarithmic(true);
    st.setLegendPosition(Styler.LegendPosition.InsideNW);
    st.setChartBackgroundColor(Color.WHITE);
    c.getStyler().setPlotGridLinesColor(new Color(0xdddddd));
    List<TwoScaleToy.Result> sorted = new ArrayList<>(results);
    sorted.sort((a, b) -> Double.compare(b.eps(), a.eps()));
    series(c, "GD", sorted, r -> r.gdSteps() < 0 ? Double.NaN : r.gdSteps(), Charts.PALETTE[0], false);
    series(c, "GD bound ln(1/tol)/(-ln(1 - lr eps))", sorted, TwoScaleToy.Result::gdBound, Charts.PALETTE[0], true);
    series(c, "EGD", sorted, r -> r.egdSteps() < 0 ? Double.NaN : r.egdSteps(), Charts.PALETTE[1], false);
    Charts.save(file, c);
  }

  private static void series(XYChart c, String name, List<TwoScaleToy.Result> rs, java.util.function.ToDoubleFunction<TwoScaleToy.Result> y,
      Color color, boolean dashed) {
    double[] xs = new double[rs.size()], ys = new double[rs.size()];
    int n = 0;
    for (TwoScaleToy.Result r : rs) {
      double v = y.applyAsDouble(r);
      if (!(v > 0)) continue;
      xs[n] = 1 / r.eps();
      ys[n] = v;
      n++;
    }
    if (n == 0) return;
    XYSeries s = c.addSeries(name, java.util.Arrays.copyOf(xs, n), java.util.Arrays.copyOf(ys, n));
    s.setMarker(dashed ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
    s.setMarkerColor(color);
    s.setLineColor(color);
    s.setLineStyle(dashed ? new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {6f, 4f}, 0f) : new BasicStroke(2f));
  }
}
