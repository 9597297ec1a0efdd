package dev.egd.djl;

import ai.djl.engine.Engine;
import dev.egd.data.Mnist;
import dev.egd.data.Split;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Steps per second of the MNIST MLP step (batch 200, AdamW) in DJL (PyTorch CPU) with and without
 * egd's transforms, and in egd's own engine (one thread: forward, backward and the chain called
 * directly, as in {@link EquivalenceTest}). Not part of the default test run:
 *
 * <pre>
 * mvn -B -q -pl djl -am verify -Dtest=DjlSpeedTest -Dsurefire.failIfNoSpecifiedTests=false -Ddjl.excludedGroups=none
 * </pre>
 *
 * Rounds alternate between the configurations so that the machine's load (shared cores) hits all of
 * them alike; each figure is the median over rounds. Prints a table and writes it to
 * target/djl-speed-THREADS.md with the load average before and after.
 */
@Tag("bench")
class DjlSpeedTest {
  static final int BATCH = 200, ROUNDS = Integer.getInteger("djl.bench.rounds", 7), STEPS = Integer.getInteger("djl.bench.steps", 20);

  interface Stepper extends AutoCloseable {
    void step(int s);

    @Override default void close() {}
  }

  @Test void mlpStepsPerSecond() throws IOException {
    Split data = Mnist.load(null, 1000);
    EquivalenceTest.load();
    String before = loadAverage();
    Map<String, java.util.function.Supplier<Stepper>> configs = new LinkedHashMap<>();
    for (EquivalenceTest.Method m : EquivalenceTest.Method.values()) {
      configs.put("djl " + m, () -> {
        EquivalenceTest.EgdSide init = new EquivalenceTest.EgdSide(m.egd(EquivalenceTest.PAPER_EPS));
        DjlRun run = EquivalenceTest.djlSide(init, m.djl(EquivalenceTest.PAPER_EPS));
        return new Stepper() {
          public void step(int s) { run.step(data.train(), EquivalenceTest.batches[s % EquivalenceTest.STEPS], 0, BATCH); }
          public void close() { run.close(); }
        };
      });
      configs.put("egd " + m, () -> {
        EquivalenceTest.EgdSide side = new EquivalenceTest.EgdSide(m.egd(EquivalenceTest.PAPER_EPS));
        return s -> side.step(data.train(), EquivalenceTest.batches[s % EquivalenceTest.STEPS]);
      });
    }
    Map<String, List<Double>> rates = new LinkedHashMap<>();
    for (String k : configs.keySet()) rates.put(k, new ArrayList<>());
    for (int round = -1; round < ROUNDS; round++) { // round -1 warms up
      for (Map.Entry<String, java.util.function.Supplier<Stepper>> c : configs.entrySet()) {
        try (Stepper st = c.getValue().get()) {
          for (int s = 0; s < 5; s++) st.step(s);
          long t0 = System.nanoTime();
          for (int s = 0; s < STEPS; s++) st.step(5 + s);
          double perSecond = STEPS / ((System.nanoTime() - t0) / 1e9);
          if (round >= 0) rates.get(c.getKey()).add(perSecond);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }
    }
    String after = loadAverage();
    StringBuilder md = new StringBuilder();
    md.append(String.format(Locale.ROOT, "MNIST MLP 784-200-200-10, batch 200, AdamW; %d rounds of %d steps, median steps/s [min, max]%n", ROUNDS, STEPS));
    md.append(String.format(Locale.ROOT, "engine %s %s with %s intra-op threads; %d cores; load average before %s, after %s%n%n",
        Engine.getInstance().getEngineName(), Engine.getInstance().getVersion(), System.getProperty("ai.djl.pytorch.num_threads", "default"),
        Runtime.getRuntime().availableProcessors(), before, after));
    md.append("| configuration | steps/s | ms/step | vs its plain AdamW |\n|---|---|---|---|\n");
    for (Map.Entry<String, List<Double>> e : rates.entrySet()) {
      double med = median(e.getValue());
      double base = median(rates.get(e.getKey().substring(0, 4) + EquivalenceTest.Method.ADAMW));
      md.append(String.format(Locale.ROOT, "| %s | %.1f [%.1f, %.1f] | %.2f | %+.0f%% time |%n", e.getKey(), med, min(e.getValue()), max(e.getValue()), 1000 / med,
          100 * (base / med - 1)));
    }
    double djl = median(rates.get("djl ADAMW")), egd = median(rates.get("egd ADAMW"));
    md.append(String.format(Locale.ROOT, "%negd's engine / DJL, plain AdamW: %.2fx steps/s%n", egd / djl));
    System.out.print(md);
    Files.writeString(Path.of("target", "djl-speed-" + System.getProperty("ai.djl.pytorch.num_threads", "default") + ".md"), md.toString());
  }

  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim().replaceAll("^(\\S+ \\S+ \\S+).*", "$1");
    } catch (IOException e) {
      return "unknown";
    }
  }

  static double median(List<Double> v) {
    double[] a = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
  }

  static double min(List<Double> v) { return v.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN); }

  static double max(List<Double> v) { return v.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN); }
}
