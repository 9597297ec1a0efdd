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
 * Every configuration's model is built and warmed up first; then rounds of a few steps each go
 * round the configurations, so that the machine's load (shared cores) hits all of them alike. Each
 * figure is the median over rounds, with the best round beside it (the least disturbed: on a loaded
 * machine the closer to the work's own cost). Prints a table and writes it to
 * target/djl-speed-THREADS.md with the load average before and after.
 */
@Tag("bench")
class DjlSpeedTest {
  static final int BATCH = 200, ROUNDS = Integer.getInteger("djl.bench.rounds", 40), STEPS = Integer.getInteger("djl.bench.steps", 5);

  interface Stepper extends AutoCloseable {
    void step(int s);

    @Override default void close() {}
  }

  @Test void mlpStepsPerSecond() throws Exception {
    Split data = Mnist.load(null, 1000);
    EquivalenceTest.load();
    String before = loadAverage();
    Map<String, Stepper> configs = new LinkedHashMap<>();
    try {
      for (EquivalenceTest.Method m : EquivalenceTest.Method.values()) {
        EquivalenceTest.EgdSide init = new EquivalenceTest.EgdSide(m.egd(EquivalenceTest.PAPER_EPS));
        DjlRun run = EquivalenceTest.djlSide(init, m.djl(EquivalenceTest.PAPER_EPS));
        configs.put("djl " + m, new Stepper() {
          public void step(int s) { run.step(data.train(), EquivalenceTest.batches[s % EquivalenceTest.STEPS], 0, BATCH); }
          public void close() { run.close(); }
        });
        EquivalenceTest.EgdSide side = new EquivalenceTest.EgdSide(m.egd(EquivalenceTest.PAPER_EPS), m.threads());
        configs.put("egd " + m, s -> side.step(data.train(), EquivalenceTest.batches[s % EquivalenceTest.STEPS]));
      }
      Map<String, List<Double>> rates = new LinkedHashMap<>();
      for (Map.Entry<String, Stepper> c : configs.entrySet()) {
        rates.put(c.getKey(), new ArrayList<>());
        for (int s = 0; s < 10; s++) c.getValue().step(s); // warm-up
      }
      int step = 10;
      for (int round = 0; round < ROUNDS; round++) {
        for (Map.Entry<String, Stepper> c : configs.entrySet()) {
          long t0 = System.nanoTime();
          for (int s = 0; s < STEPS; s++) c.getValue().step(step + s);
          rates.get(c.getKey()).add(STEPS / ((System.nanoTime() - t0) / 1e9));
        }
        step += STEPS;
      }
      String after = loadAverage();
      StringBuilder md = new StringBuilder();
      md.append(String.format(Locale.ROOT, "MNIST MLP 784-200-200-10, batch 200, AdamW; %d rounds of %d steps; steps/s median (best round)%n", ROUNDS, STEPS));
      md.append(String.format(Locale.ROOT, "engine %s %s with %s intra-op threads; %d cores; load average before %s, after %s%n%n",
          Engine.getInstance().getEngineName(), Engine.getInstance().getVersion(), System.getProperty("ai.djl.pytorch.num_threads", "default"),
          Runtime.getRuntime().availableProcessors(), before, after));
      md.append("| configuration | steps/s | ms/step | time vs its plain AdamW | best steps/s | best ms/step | best vs plain |\n|---|---|---|---|---|---|---|\n");
      for (Map.Entry<String, List<Double>> e : rates.entrySet()) {
        List<Double> base = rates.get(e.getKey().substring(0, 4) + EquivalenceTest.Method.ADAMW);
        double med = median(e.getValue()), best = max(e.getValue());
        md.append(String.format(Locale.ROOT, "| %s | %.1f | %.2f | %+.0f%% | %.1f | %.2f | %+.0f%% |%n", e.getKey(), med, 1000 / med, 100 * (median(base) / med - 1),
            best, 1000 / best, 100 * (max(base) / best - 1)));
      }
      md.append(String.format(Locale.ROOT, "%negd's engine / DJL, plain AdamW: %.2fx steps/s (best rounds %.2fx)%n",
          median(rates.get("egd ADAMW")) / median(rates.get("djl ADAMW")), max(rates.get("egd ADAMW")) / max(rates.get("djl ADAMW"))));
      System.out.print(md);
      Files.writeString(Path.of("target", "djl-speed-" + System.getProperty("ai.djl.pytorch.num_threads", "default") + ".md"), md.toString());
    } finally {
      for (Stepper s : configs.values()) s.close();
    }
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

  static double max(List<Double> v) { return v.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN); }
}
