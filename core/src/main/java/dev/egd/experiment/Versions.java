package dev.egd.experiment;

import dev.egd.linalg.Blas;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Versions of everything that can change a result, recorded in every summary: egd and its git commit,
 * the JVM, the OS, the CPU and OpenBLAS's build and kernel ("Haswell", "Cooperlake": the same seed and
 * thread count give the same bits only on the same kernel), and OPENBLAS_CORETYPE when it forces one.
 */
public final class Versions {
  private Versions() {}

  /**
   * egd's version from its jar's manifest, or "dev" when run from classes.
   *
   * @return the version, e.g. {@code 0.1.0-SNAPSHOT}, or {@code dev}
   */
  public static String egd() {
    String v = Versions.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  /**
   * Every version worth recording, in a fixed order.
   *
   * @return a new map: {@code egd}, {@code git_commit}, {@code java}, {@code os}, {@code cpu}, {@code cores},
   *     {@code openblas}, {@code openblas_coretype}
   */
  public static Map<String, Object> all() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("egd", egd());
    m.put("git_commit", System.getProperty("egd.commit", "unknown (run through ./egd to record it)"));
    m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
    m.put("cpu", cpuModel());
    m.put("cores", Runtime.getRuntime().availableProcessors());
    m.put("openblas", Blas.config());
    // the kernel forced by the environment, if any (OPENBLAS_CORETYPE=Haswell pins it across machines)
    String core = System.getenv("OPENBLAS_CORETYPE");
    m.put("openblas_coretype", core == null || core.isBlank() ? "unset (OpenBLAS picks the kernel for the CPU)" : core);
    return m;
  }

  /**
   * The CPU's model name (Linux), else the architecture.
   *
   * @return the model name from {@code /proc/cpuinfo}, else the {@code os.arch} property
   */
  public static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).trim();
      }
    } catch (Exception ignored) {
      // not Linux: fall through
    }
    return System.getProperty("os.arch");
  }
}
