package dev.egd.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/** The job jar: egd (command line included) and its dependencies, nothing Spark's class path has; it runs under spark-submit. */
class JobJarIT {
  static Set<String> classes(String jar) throws Exception {
    Set<String> names = new HashSet<>();
    try (JarFile j = new JarFile(jar)) {
      for (var it = j.entries(); it.hasMoreElements();) {
        ZipEntry e = it.nextElement();
        if (e.getName().endsWith(".class") && !e.getName().startsWith("META-INF/") && !e.getName().endsWith("module-info.class")) names.add(e.getName());
      }
    }
    return names;
  }

  @Test void holdsEgdAndNothingThatSparksClassPathHas() throws Exception {
    String job = StandaloneClusterIT.jobJar();
    Set<String> ours = classes(job);
    for (String c : List.of("dev/egd/cli/Main.class", "dev/egd/cli/RunCharts.class", "dev/egd/spark/SparkSweepEngine.class",
        "dev/egd/spark/SparkSweepEngine$Task.class", "dev/egd/experiment/SweepRuns.class", "picocli/CommandLine.class",
        "org/knowm/xchart/XYChart.class", "org/bytedeco/openblas/global/openblas.class", "dev/egd/shaded/jackson/databind/ObjectMapper.class",
        "dev/egd/shaded/snakeyaml/Yaml.class"))
      assertTrue(ours.contains(c), "job jar lacks " + c);
    try (JarFile j = new JarFile(job)) {
      assertTrue(j.stream().anyMatch(e -> e.getName().matches("org/bytedeco/openblas/linux-x86_64/libopenblas.*\\.so.*")), "OpenBLAS natives");
      assertEquals("dev.egd.cli.Main", j.getManifest().getMainAttributes().getValue("Main-Class"));
      String services = new String(j.getInputStream(j.getEntry("META-INF/services/dev.egd.experiment.SweepEngine")).readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(services.contains("dev.egd.spark.SparkSweepEngine"), services);
    }
    for (String prefix : List.of("org/apache/spark/", "scala/", "org/apache/hadoop/", "com/fasterxml/", "org/yaml/", "org/slf4j/",
        "org/apache/logging/", "org/apache/commons/logging/", "io/netty/"))
      assertTrue(ours.stream().noneMatch(c -> c.startsWith(prefix)), "job jar holds " + prefix);
    Set<String> clash = new TreeSet<>();
    for (String jar : StandaloneClusterIT.sparkJars()) {
      if (!jar.endsWith(".jar")) continue;
      for (String c : classes(jar)) if (ours.contains(c)) clash.add(c + " (also in " + Path.of(jar).getFileName() + ")");
    }
    assertTrue(clash.isEmpty(), "classes in both the job jar and Spark's class path: " + clash.stream().limit(20).toList());
  }

  /**
   * The README's spark-submit command (client mode, local[2]) with only Spark's jars and the job jar:
   * a JVM of its own that starts Spark (15-40 s on two shared cores), so only with -Degd.spark.submit=true.
   */
  @EnabledIfSystemProperty(named = "egd.spark.submit", matches = "true")
  @Test void runsASweepUnderSparkSubmit(@TempDir Path tmp) throws Exception {
    Path spec = Sweeps.spec(tmp, "tiny", "vanilla, egd", 1, 5);
    List<String> args = List.of("--master", "local[2]", "--class", "dev.egd.cli.Main", StandaloneClusterIT.jobJar(), "sweep", spec.toString(),
        "--out", tmp.resolve("out").toString(), "--engine", "spark");
    ProcessBuilder pb = new ProcessBuilder(StandaloneCluster.javaCommand(StandaloneClusterIT.sparkJars(), List.of("-Xmx1g"),
        "org.apache.spark.deploy.SparkSubmit", args));
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.environment().put("OPENBLAS_NUM_THREADS", "1");
    pb.redirectErrorStream(true).redirectOutput(tmp.resolve("console").toFile());
    Process p = pb.start();
    assertTrue(p.waitFor(180, TimeUnit.SECONDS), "spark-submit finished");
    String console = Files.readString(tmp.resolve("console"));
    assertEquals(0, p.exitValue(), console);
    assertTrue(console.contains("master local[2,4]: 2 task(s)"), console);
    assertTrue(Files.isRegularFile(tmp.resolve("out/report.html")), console);
    assertTrue(Files.isRegularFile(tmp.resolve("out/runs/base/egd/seed0/metrics.csv")), console);
  }
}
