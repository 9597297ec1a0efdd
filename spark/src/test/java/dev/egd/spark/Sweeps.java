package dev.egd.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.egd.cli.SparkSweepBridge;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The tests' small sweep, its local-engine reference and the byte comparison. */
final class Sweeps {
  private Sweeps() {}

  static {
    // Spark's driver log for every test goes to one file (the console stays readable)
    SparkLogging.toFile(Path.of("target", "spark-test-driver.log"));
  }

  static void init() {}

  /** 8 runs: mod-23 addition, vanilla and egd, seeds 0..3, 30 epochs, batch 64, one thread each. */
  static Path spec(Path dir, int epochs) throws IOException {
    Path spec = dir.resolve("small.yaml");
    Files.writeString(spec, "name: small\nmethods: [vanilla, egd]\nseeds: 4\nflags: {p: 23, epochs: " + epochs
        + ", batch: 64, stop-after: -1}\nthreads: 1\ncheckpoint_every: 5\n");
    return spec;
  }

  /** The same sweep with the local engine, in this JVM: what Spark must reproduce byte for byte. */
  static Path reference(Path spec, Path out) {
    int rc = dev.egd.cli.Main.commandLine().execute("sweep", spec.toString(), "--out", out.toString(), "--parallel", "2", "--quiet");
    assertEquals(0, rc, "local sweep");
    return out;
  }

  static List<SparkRun> runs(Path spec, Path out) throws IOException {
    List<SparkRun> runs = new ArrayList<>();
    for (SparkSweepBridge.PlannedRun r : SparkSweepBridge.plan(spec, out, false).todo())
      runs.add(new SparkRun(r.name(), r.trainArgs(), r.dir().toAbsolutePath().toString()));
    return runs;
  }

  /** Every run's metrics.csv under a and b, byte for byte; returns how many were compared. */
  static int assertSameMetrics(Path a, Path b) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.walk(a.resolve("runs"))) {
      files = s.filter(p -> p.getFileName().toString().equals("metrics.csv")).sorted().toList();
    }
    for (Path f : files) {
      Path g = b.resolve(a.relativize(f));
      assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(g), "metrics.csv differs: " + a.relativize(f));
    }
    try (Stream<Path> s = Files.walk(b.resolve("runs"))) {
      assertEquals(files.size(), s.filter(p -> p.getFileName().toString().equals("metrics.csv")).count(), "run count");
    }
    return files.size();
  }
}
