package dev.egd.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Spark's overhead inside one JVM (no JVM start in either figure): the same sweep with the local
 * engine (egd sweep --parallel 2) and with egd-spark --master local[2], alternating.
 * {@code java -cp <test class path> dev.egd.spark.SweepOverheadBench SPEC REPEATS DIR} (spark/bench/measure.sh prints the class path).
 */
public final class SweepOverheadBench {
  public static void main(String[] args) throws Exception {
    Path spec = Path.of(args[0]);
    int reps = Integer.parseInt(args[1]);
    Path dir = Path.of(args[2]);
    SparkLogging.toFile(dir.resolve("spark-driver.log"));
    List<String> lines = new ArrayList<>();
    for (int r = 1; r <= reps; r++) {
      for (String engine : List.of("pool", "local2")) {
        Path out = dir.resolve(engine + "-" + r);
        String load = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        long t0 = System.nanoTime();
        int rc = engine.equals("pool")
            ? dev.egd.cli.Main.commandLine().execute("sweep", spec.toString(), "--out", out.toString(), "--parallel", "2", "--quiet")
            : SparkSweepMain.commandLine().execute(spec.toString(), "--out", out.toString(), "--master", "local[2]", "--quiet", "--spark-log", "console");
        double s = (System.nanoTime() - t0) / 1e9;
        String line = String.format(Locale.ROOT, "%s\t%d\t%.1f\t%s\trc=%d", engine, r, s, load, rc);
        System.out.println(line);
        lines.add(line);
      }
    }
    Files.write(dir.resolve("in-jvm.tsv"), lines);
  }
}
