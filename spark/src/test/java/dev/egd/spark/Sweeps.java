package dev.egd.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/** The tests' small sweeps, the command line in this JVM, and the byte comparison. */
final class Sweeps {
  private Sweeps() {}

  /** Mod-23 addition, one thread per run, a checkpoint every 5 evaluations, no early stop. */
  static Path spec(Path dir, String name, String methods, int seeds, int epochs) throws IOException {
    Path spec = dir.resolve(name + ".yaml");
    Files.writeString(spec, "name: " + name + "\nmethods: [" + methods + "]\nseeds: " + seeds + "\nflags: {p: 23, epochs: " + epochs
        + ", batch: 64, stop-after: -1}\nthreads: 1\ncheckpoint_every: 5\n");
    return spec;
  }

  record Result(int rc, String out, String err) {
    @Override public String toString() { return "exit " + rc + "\n--- stdout\n" + out + "--- stderr\n" + err; }
  }

  private static final Object CONSOLE = new Object();

  /** {@code egd ARGS} in this JVM (Main.commandLine()), its console (System.out) and errors captured. */
  static Result egd(String... args) {
    synchronized (CONSOLE) {
      StringWriter err = new StringWriter();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      PrintStream was = System.out;
      int rc;
      try (PrintStream capture = new PrintStream(out, true, StandardCharsets.UTF_8)) {
        System.setOut(capture);
        var cl = dev.egd.cli.Main.commandLine();
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(capture, true));
        rc = cl.execute(args);
      } finally {
        System.setOut(was);
      }
      Result r = new Result(rc, out.toString(StandardCharsets.UTF_8), err.toString());
      System.out.print(r.out()); // for the test report
      return r;
    }
  }

  /**
   * LocalSparkSweepTest's local-engine sweep (vanilla, egd, grokfast-ema; seeds 0, 1; 20 epochs), kept
   * in target/ so that StandaloneClusterIT, in the same build, compares with it instead of running
   * the same runs again (it runs them itself when the directory is missing).
   */
  static final Path SHARED_REFERENCE = Path.of("target", "spark-test-reference").toAbsolutePath();

  /** The sweep with the local engine, in this JVM, into a fresh out: what Spark must reproduce byte for byte. */
  static Path reference(Path spec, Path out) throws IOException {
    if (Files.exists(out)) {
      try (Stream<Path> s = Files.walk(out)) {
        for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
      }
    }
    Result r = egd("sweep", spec.toString(), "--out", out.toString(), "--engine", "local", "--parallel", "2", "--quiet");
    assertEquals(0, r.rc(), r.toString());
    return out;
  }

  /** Every run's metrics.csv under b equals a's run of the same path, byte for byte; returns how many were compared. */
  static int assertSameMetrics(Path a, Path b) throws IOException {
    List<Path> files = metrics(b);
    for (Path f : files) assertArrayEquals(Files.readAllBytes(a.resolve(b.relativize(f))), Files.readAllBytes(f), "metrics.csv differs: " + b.relativize(f));
    return files.size();
  }

  static List<Path> metrics(Path sweep) throws IOException {
    try (Stream<Path> s = Files.walk(sweep.resolve("runs"))) {
      return s.filter(p -> p.getFileName().toString().equals("metrics.csv")).sorted().toList();
    }
  }

  /** The sweep directory's files, relative (Spark's log left out: the only file only Spark writes). */
  static Set<String> layout(Path sweep) throws IOException {
    Set<String> names = new TreeSet<>();
    try (Stream<Path> s = Files.walk(sweep)) {
      s.filter(Files::isRegularFile).forEach(p -> names.add(sweep.relativize(p).toString()));
    }
    names.remove("spark-driver.log");
    return names;
  }

  static List<String> lines(String s, String containing) {
    List<String> out = new ArrayList<>();
    for (String l : s.split("\\R")) if (l.contains(containing)) out.add(l);
    return out;
  }
}
