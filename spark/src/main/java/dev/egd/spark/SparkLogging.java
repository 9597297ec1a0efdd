package dev.egd.spark;

import java.nio.file.Path;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.spark.SparkConf;
import org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilder;
import org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilderFactory;
import org.apache.logging.log4j.core.config.builder.impl.BuiltConfiguration;

/**
 * The driver's Spark log, out of the console: everything Spark logs (INFO and up, stack traces
 * included) goes to one file, the console keeps egd's own lines. Must run before Spark logs anything
 * (Spark replaces a default log4j configuration with its own, not one that was set; under spark-submit
 * Spark has configured it already, and this replaces that).
 */
public final class SparkLogging {
  private static volatile Path where;

  private SparkLogging() {}

  /**
   * Spark's log as the spark-log setting says: {@code file} (spark-driver.log in dir, else in the
   * temporary directory), {@code console} (as Spark configures it), {@code off}, or a file's path.
   */
  public static void configure(String mode, Path dir) {
    switch (mode) {
      case "console":
        where = null;
        return;
      case "off":
        toFile(null);
        return;
      case "file":
        toFile((dir != null && java.nio.file.Files.isDirectory(dir) ? dir : Path.of(System.getProperty("java.io.tmpdir"))).resolve("spark-driver.log"));
        return;
      default:
        toFile(Path.of(mode));
    }
  }

  /** The file Spark's driver log goes to (the last {@link #configure}), or null. */
  public static Path where() { return where; }

  /** Spark's log to file (appended); null: Spark logs nothing. */
  public static void toFile(Path file) {
    // Let Spark set up its logging first: once it has loaded its defaults (spark-submit does, before the
    // main class runs, then resets), it reloads them whenever it initialises again, over any configuration.
    new SparkConf(false).initializeLogIfNecessary(false, true);
    ConfigurationBuilder<BuiltConfiguration> b = ConfigurationBuilderFactory.newConfigurationBuilder();
    b.setConfigurationName("egd-spark");
    b.setStatusLevel(Level.ERROR);
    if (file == null) {
      b.add(b.newAppender("none", "Null"));
      b.add(b.newRootLogger(Level.OFF).add(b.newAppenderRef("none")));
    } else {
      b.add(b.newAppender("file", "File").addAttribute("fileName", file.toAbsolutePath().toString()).addAttribute("append", true)
          .add(b.newLayout("PatternLayout").addAttribute("pattern", "%d{yy/MM/dd HH:mm:ss.SSS} %p %c{1}: %m%n%ex")));
      b.add(b.newRootLogger(Level.INFO).add(b.newAppenderRef("file")));
    }
    // log4j keeps a logger context per class loader: Spark's is its own loader's (under spark-submit
    // this class comes from the job jar, in a child loader, whose context Spark never logs to)
    LoggerContext ctx = (LoggerContext) LogManager.getContext(SparkConf.class.getClassLoader(), false);
    ctx.reconfigure(b.build());
    where = file == null ? null : file.toAbsolutePath();
  }
}
