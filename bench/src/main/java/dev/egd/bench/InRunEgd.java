package dev.egd.bench;

import dev.egd.data.ModularArithmetic;
import dev.egd.data.Split;
import dev.egd.linalg.ExactEgd;
import dev.egd.nn.CrossEntropy;
import dev.egd.nn.Mlp;
import dev.egd.nn.ParamSet;
import dev.egd.optim.GradientTransform;
import dev.egd.optim.InitContext;
import dev.egd.optim.ParamSelector;
import dev.egd.optim.Transforms;
import dev.egd.train.TrainListener;
import dev.egd.train.TrainSettings;
import dev.egd.train.Trainer;
import dev.egd.util.Rng;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Where exact EGD's time goes inside a run, against the same kernel alone: the mod-97 MLP trains with
 * EGD on W1, its EGD link timed on every step; then, in the same process, the kernel runs alone on the
 * last real gradient (hot in cache, and with the caches flushed between calls) and on EgdBench's
 * synthetic gradient. Usage: java -cp ... dev.egd.bench.InRunEgd [epochs=60] [threads=2]
 */
public final class InRunEgd {
  /** Times its inner transform's updates and keeps a copy of the last gradient it received. */
  static final class Timed implements GradientTransform {
    final GradientTransform inner;
    final List<Long> nanos = new ArrayList<>(), cpu = new ArrayList<>();
    float[] lastInput;

    Timed(GradientTransform inner) { this.inner = inner; }

    @Override public void init(ParamSet params, InitContext context) { inner.init(params, context); }

    @Override public void update(ParamSet grads, ParamSet params, long step) {
      lastInput = grads.get(0).data.clone();
      long c0 = THREADS.getCurrentThreadCpuTime(), t0 = System.nanoTime();
      inner.update(grads, params, step);
      nanos.add(System.nanoTime() - t0);
      cpu.add(THREADS.getCurrentThreadCpuTime() - c0);
    }

    @Override public String describe() { return inner.describe(); }
  }

  static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

  static double medianMs(List<Long> ns) {
    long[] a = ns.stream().mapToLong(Long::longValue).sorted().toArray();
    return a[a.length / 2] / 1e6;
  }

  public static void main(String[] args) {
    int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 60, threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    Split split = ModularArithmetic.split(ModularArithmetic.Op.ADD, 97, 0.5, 0);
    Mlp mlp = new Mlp(new int[] {194, 512, 97}, true, false);
    mlp.initHeNormal(new Rng(0, 0x1A17L), 0);
    Timed egd = new Timed(Transforms.egd(ParamSelector.first()));
    GradientTransform chain = Transforms.chain(Transforms.addDecayedWeights(1e-4), egd, Transforms.sgd(0.7));
    new Trainer(mlp, new CrossEntropy(), split, chain, new TrainSettings(epochs, 512, 1.0, -1, threads, 0)).run(new TrainListener() {});
    List<Long> inRun = egd.nanos.subList(egd.nanos.size() / 3, egd.nanos.size()); // after warm-up
    List<Long> inRunCpu = egd.cpu.subList(egd.cpu.size() / 3, egd.cpu.size());
    ExactEgd kernel = new ExactEgd(194, 512);
    float[] out = new float[194 * 512];
    float[] synthetic = EgdBench.conditioned(194, 512, 300, new Rng(3));
    byte[] flush = new byte[32 << 20];
    List<Long> hotReal = new ArrayList<>(), coldReal = new ArrayList<>(), hotSynthetic = new ArrayList<>();
    List<Long> hotRealCpu = new ArrayList<>(), coldRealCpu = new ArrayList<>(), hotSyntheticCpu = new ArrayList<>();
    for (int rep = 0; rep < 3; rep++) {
      for (int i = 0; i < 150; i++) time(kernel, egd.lastInput, out, hotReal, hotRealCpu);
      for (int i = 0; i < 150; i++) {
        for (int j = 0; j < flush.length; j += 64) flush[j]++;
        time(kernel, egd.lastInput, out, coldReal, coldRealCpu);
      }
      for (int i = 0; i < 150; i++) time(kernel, synthetic, out, hotSynthetic, hotSyntheticCpu);
    }
    System.out.printf(Locale.ROOT, "EGD on W1 (194x512), median ms per call, wall / thread CPU; load %s%n", loadavg());
    System.out.printf(Locale.ROOT, "  inside the run (%d steps, threads %d):        %.3f / %.3f%n", inRun.size(), threads, medianMs(inRun), medianMs(inRunCpu));
    System.out.printf(Locale.ROOT, "  alone, last real gradient, hot:             %.3f / %.3f (route %s)%n", medianMs(hotReal), medianMs(hotRealCpu), kernel.lastRoute());
    System.out.printf(Locale.ROOT, "  alone, last real gradient, caches flushed:  %.3f / %.3f%n", medianMs(coldReal), medianMs(coldRealCpu));
    System.out.printf(Locale.ROOT, "  alone, EgdBench's synthetic gradient, hot:  %.3f / %.3f%n", medianMs(hotSynthetic), medianMs(hotSyntheticCpu));
    System.out.println("  in-run quartiles: " + Arrays.toString(quartiles(inRun)));
  }

  static void time(ExactEgd k, float[] g, float[] out, List<Long> wall, List<Long> cpu) {
    long c0 = THREADS.getCurrentThreadCpuTime(), t0 = System.nanoTime();
    k.apply(g, out);
    wall.add(System.nanoTime() - t0);
    cpu.add(THREADS.getCurrentThreadCpuTime() - c0);
  }

  static String[] quartiles(List<Long> ns) {
    long[] a = ns.stream().mapToLong(Long::longValue).sorted().toArray();
    return new String[] {String.format(Locale.ROOT, "%.3f", a[a.length / 4] / 1e6), String.format(Locale.ROOT, "%.3f", a[a.length / 2] / 1e6),
        String.format(Locale.ROOT, "%.3f", a[3 * a.length / 4] / 1e6)};
  }

  static String loadavg() {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
    } catch (Exception e) {
      return "?";
    }
  }

  private InRunEgd() {}
}
