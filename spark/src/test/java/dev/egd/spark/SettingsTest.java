package dev.egd.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.egd.ValidationException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.launcher.JavaModuleOptions;
import org.junit.jupiter.api.Test;

/** What every sweep's Spark gets, whatever the user sets. */
class SettingsTest {
  @Test void everySweepGetsItsSettings() {
    SparkOptions o = SparkOptions.of(Map.of("master", "local[2]", "spark.executor.memory", "2g", "max-failures", "5"));
    SparkConf c = SparkSweepEngine.conf(o, o.sparkMaster(), 3);
    assertEquals("local[2,5]", c.get("spark.master"));
    assertEquals("false", c.get("spark.speculation"));
    assertEquals("3", c.get("spark.task.cpus"));
    assertEquals("5", c.get("spark.task.maxFailures"));
    assertEquals("1", c.get("spark.executorEnv.OPENBLAS_NUM_THREADS"));
    assertEquals("2g", c.get("spark.executor.memory"));
    assertEquals("false", c.get("spark.ui.enabled"));
    assertEquals("127.0.0.1", c.get("spark.driver.host", "127.0.0.1")); // unless SPARK_LOCAL_IP is set (the tests set it)
  }

  @Test void mastersAsSparkGetsThem() {
    assertEquals("local[1,4]", SparkOptions.sparkMaster("local", 4));
    assertEquals("local[*,4]", SparkOptions.sparkMaster("local[*]", 4));
    assertEquals("local[3,7]", SparkOptions.sparkMaster("local[3,7]", 4));
    assertEquals("spark://a:7077,b:7077", SparkOptions.sparkMaster("spark://a:7077,b:7077", 4));
    assertThrows(ValidationException.class, () -> SparkOptions.sparkMaster("spark://a:port", 4));
    assertThrows(ValidationException.class, () -> SparkOptions.sparkMaster("local[0]", 4));
    assertTrue(SparkOptions.loopback("spark://127.0.0.1:7077"));
    assertEquals("local[*]", SparkOptions.of(Map.of()).master());
    assertEquals(4, SparkOptions.of(Map.of("spark.task.maxFailures", "4")).maxFailures);
  }

  /** Executors in other JVMs need egd's classes: without a job jar to ship, the sweep is refused before anything is written. */
  @Test void aClusterMasterNeedsTheJobJar() {
    ValidationException e = assertThrows(ValidationException.class, () -> SparkOptions.of(Map.of("master", "local-cluster[2,1,512]")).check());
    assertTrue(e.getMessage().startsWith("engine_conf spark.jars is needed with --master local-cluster[2,1,512]: executors need egd's classes"), e.getMessage());
    SparkOptions.of(Map.of("master", "local-cluster[2,1,512]", "spark.jars", "/x/egd-spark-job.jar")).check();
  }

  @Test void theDriverJvmHasSparksModuleOptions() {
    List<String> jvm = ManagementFactory.getRuntimeMXBean().getInputArguments();
    for (String o : JavaModuleOptions.defaultModuleOptionArray())
      assertTrue(jvm.contains(o), "spark/pom.xml spark.javaOpts lacks " + o + " (Spark's JavaModuleOptions changed?)");
  }

  /** ./egd's spark block reads them from spark/target/spark-java-opts.txt. */
  @Test void theLauncherGetsSparksModuleOptions() throws Exception {
    assertEquals(JavaModuleOptions.defaultModuleOptions(), Files.readString(Path.of("target", "spark-java-opts.txt")).strip());
  }
}
