package dev.egd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The library's shape, read from its sources: packages depend on each other without cycles, and no command-line vocabulary. */
class PackageStructureTest {
  private static final Path SOURCES = Path.of("src/main/java/dev/egd");
  private static final Pattern REFERENCE = Pattern.compile("dev\\.egd\\.([a-z]+)\\.[A-Z]");

  /** Package -> the packages it refers to (imports and fully qualified names). */
  static Map<String, Set<String>> dependencies() throws Exception {
    Map<String, Set<String>> deps = new TreeMap<>();
    try (Stream<Path> files = Files.walk(SOURCES)) {
      for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
        Path rel = SOURCES.relativize(f.getParent());
        String pkg = rel.toString().isEmpty() ? "(root)" : rel.toString().replace('/', '.');
        Set<String> out = deps.computeIfAbsent(pkg, k -> new TreeSet<>());
        Matcher m = REFERENCE.matcher(Files.readString(f));
        while (m.find()) if (!m.group(1).equals(pkg)) out.add(m.group(1));
      }
    }
    return deps;
  }

  @Test
  void packagesFormNoCycle() throws Exception {
    Map<String, Set<String>> deps = dependencies();
    assertTrue(deps.keySet().containsAll(List.of("linalg", "nn", "optim", "train", "experiment", "data", "util")), deps.toString());
    // Kahn's algorithm: repeatedly remove packages whose dependencies are all removed.
    Set<String> left = new TreeSet<>(deps.keySet());
    boolean progress = true;
    while (progress) {
      progress = false;
      for (String p : new ArrayList<>(left)) {
        Set<String> d = new TreeSet<>(deps.get(p));
        d.retainAll(left);
        if (d.isEmpty()) {
          left.remove(p);
          progress = true;
        }
      }
    }
    assertEquals(Set.of(), left, "packages in a cycle: " + deps);
    assertTrue(!deps.get("optim").contains("train"), "optim knows nothing of the training loop");
    assertTrue(!deps.get("nn").contains("data") && !deps.get("nn").contains("optim"), "models know neither data sets nor optimizers");
  }

  @Test
  void coreSpeaksInSettingsNotFlags() throws Exception {
    List<String> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(SOURCES)) {
      for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
        List<String> lines = Files.readAllLines(f);
        for (int i = 0; i < lines.size(); i++) if (lines.get(i).contains("\"--")) found.add(f.getFileName() + ":" + (i + 1));
      }
    }
    assertEquals(List.of(), found, "command-line flags in core");
  }
}
