package dev.egd.cli;

import dev.egd.linalg.Blas;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;

/** Versions of everything that can change a result, recorded in every summary. */
final class Versions {
  private Versions() {}

  static String egd() {
    String v = Main.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  static Map<String, Object> all() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("egd", egd());
    m.put("git_commit", System.getProperty("egd.commit", "unknown (run through ./egd to record it)"));
    m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
    m.put("cpu", cpuModel());
    m.put("cores", Runtime.getRuntime().availableProcessors());
    m.put("openblas", Blas.config());
    return m;
  }

  static String cpuModel() {
    try {
      for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).trim();
      }
    } catch (Exception ignored) {
      // not Linux: fall through
    }
    return System.getProperty("os.arch");
  }

  static final class Provider implements CommandLine.IVersionProvider {
    @Override public String[] getVersion() {
      return new String[] {"egd " + egd(), "OpenBLAS: " + Blas.config(), "Java: " + System.getProperty("java.runtime.version")};
    }
  }
}
