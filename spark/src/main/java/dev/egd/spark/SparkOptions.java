package dev.egd.spark;

import dev.egd.ValidationException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.scheduler.ExternalClusterManager;

/**
 * The spark engine's settings, from the command line's {@code --master} and {@code --engine-conf KEY=VALUE}:
 *
 * <table>
 *   <caption>settings</caption>
 *   <tr><td>{@code master}</td><td>local[N], local[*], local[N,F], spark://HOST:PORT, yarn, k8s://...; default
 *       spark-submit's {@code --master}, else local[*]</td></tr>
 *   <tr><td>{@code start-timeout}</td><td>seconds to wait for Spark to start (a standalone master to accept the
 *       sweep); default 30</td></tr>
 *   <tr><td>{@code executor-timeout}</td><td>seconds the sweep may have no executor (none yet, or all lost)
 *       before it ends; default 120</td></tr>
 *   <tr><td>{@code lock-wait}</td><td>seconds a retry waits for an earlier attempt of the same run to let go of
 *       the run directory's lock; default 120</td></tr>
 *   <tr><td>{@code max-failures}</td><td>attempts of one run (spark.task.maxFailures); default 4</td></tr>
 *   <tr><td>{@code spark-log}</td><td>where Spark's own log goes: file (spark-driver.log in the sweep
 *       directory), console, off, or a file's path; default file</td></tr>
 *   <tr><td>{@code spark.*}</td><td>any Spark setting (spark.executor.memory=4g, spark.cores.max=20, ...)</td></tr>
 * </table>
 *
 * Everything is checked before the command writes anything ({@link #check}).
 */
final class SparkOptions {
  static final List<String> KEYS = List.of("master", "start-timeout", "executor-timeout", "lock-wait", "max-failures", "spark-log");
  private static final Pattern LOCAL_N = Pattern.compile("local\\[([0-9]+|\\*)\\]");
  private static final Pattern LOCAL_N_F = Pattern.compile("local\\[([0-9]+|\\*)\\s*,\\s*([0-9]+)\\]");
  private static final Pattern LOCAL_CLUSTER = Pattern.compile("local-cluster\\[\\s*([0-9]+)\\s*,\\s*([0-9]+)\\s*,\\s*([0-9]+)\\s*]");
  static final int PROBE_TIMEOUT_MS = 5000;

  /** The master as given (null: spark-submit's, else local[*]). */
  final String givenMaster;
  Duration startTimeout = Duration.ofSeconds(30);
  Duration executorTimeout = Duration.ofSeconds(120);
  Duration lockWait = Duration.ofSeconds(120);
  int maxFailures = 4;
  String sparkLog = "file";
  /** The spark.* settings given. */
  final Map<String, String> conf = new LinkedHashMap<>();
  /** Tests: the no-executor watchdog in local mode too (where it sees no executor but the driver, so it fires). */
  boolean watchLocal;

  private SparkOptions(String master) { this.givenMaster = master; }

  /** Parses and checks the options' form (no network). */
  static SparkOptions of(Map<String, String> options) {
    SparkOptions o = new SparkOptions(options.get("master"));
    for (var e : options.entrySet()) {
      String k = e.getKey(), v = e.getValue();
      switch (k) {
        case "master": break;
        case "start-timeout": o.startTimeout = seconds(k, v); break;
        case "executor-timeout": o.executorTimeout = seconds(k, v); break;
        case "lock-wait": o.lockWait = seconds(k, v); break;
        case "max-failures": o.maxFailures = failures(k, v); break;
        case "spark-log":
          if (v.isBlank()) throw conf(k + "= needs file, console, off or a file's path");
          o.sparkLog = v;
          break;
        default:
          if (!k.startsWith("spark.") || k.length() == "spark.".length())
            throw conf(k + " is not a setting of the spark engine; it takes " + String.join(", ", KEYS.subList(1, KEYS.size()))
                + " and Spark's own spark.* settings");
          o.conf.put(k, v);
      }
    }
    if (o.conf.containsKey("spark.task.maxFailures") && !options.containsKey("max-failures"))
      o.maxFailures = failures("spark.task.maxFailures", o.conf.get("spark.task.maxFailures"));
    if (o.conf.containsKey("spark.speculation") && !o.conf.get("spark.speculation").equalsIgnoreCase("false"))
      throw conf("spark.speculation=" + o.conf.get("spark.speculation") + " is refused: a speculative copy of a task would be a second "
          + "writer of the same run directory (the run lock would stop it); retries already cover lost and failed tasks");
    return o;
  }

  private static Duration seconds(String key, String v) {
    try {
      long s = Long.parseLong(v.trim());
      if (s >= 1 && s <= 86_400) return Duration.ofSeconds(s);
    } catch (NumberFormatException e) {
      // below
    }
    throw conf(key + "=" + v + ": must be a whole number of seconds in [1, 86400]");
  }

  private static int failures(String key, String v) {
    try {
      int n = Integer.parseInt(v.trim());
      if (n >= 1 && n <= 100) return n;
    } catch (NumberFormatException e) {
      // below
    }
    throw conf(key + "=" + v + ": must be a whole number in [1, 100]");
  }

  static ValidationException conf(String what) { return ValidationException.of("engine_conf", what); }

  static ValidationException master(String what) { return ValidationException.of("master", what); }

  /** The master URL as given, else spark-submit's (spark.master), else local[*]. */
  String master() {
    if (givenMaster != null) return givenMaster.trim();
    String submitted = System.getProperty("spark.master");
    return submitted != null ? submitted.trim() : "local[*]";
  }

  /** The master as Spark gets it (see {@link #sparkMaster}). */
  String sparkMaster() { return sparkMaster(master(), maxFailures); }

  /** Whether executors are other JVMs (they need egd's job jar). */
  boolean remoteExecutors() {
    String m = sparkMaster();
    return !m.startsWith("local[") && !m.equals("local");
  }

  /**
   * Everything that can be checked before Spark starts: the options' form, the master URL (by Spark's own
   * rules, without starting it), that a spark:// master takes a connection, and that executors in other
   * JVMs get egd's classes (the job jar).
   */
  void check() {
    String m = sparkMaster();
    if (m.startsWith("spark://")) probe(m);
    else if (!m.startsWith("local") && !hasClusterManager(m))
      // what SparkContext says when it starts with a master of no form it knows and no cluster manager for it
      throw master(m + " is refused by Spark: Could not parse Master URL: '" + m + "'"
          + (m.equals("yarn") || m.startsWith("k8s://") ? " (its cluster manager is not on the class path: run through spark-submit on that cluster)" : ""));
    if (remoteExecutors()) jobJar();
  }

  /**
   * The master URL as Spark gets it: local and local[N] become local[N,maxFailures] (Spark's local mode
   * otherwise never retries a failed task); anything that is not a master URL is refused in one line.
   */
  static String sparkMaster(String master, int maxFailures) {
    String m = master.trim();
    if (m.equals("local")) return "local[1," + maxFailures + "]";
    Matcher n = LOCAL_N.matcher(m);
    if (n.matches()) {
      if (!n.group(1).equals("*") && Integer.parseInt(n.group(1)) < 1) throw master(m + " needs at least 1 thread");
      return "local[" + n.group(1) + "," + maxFailures + "]";
    }
    if (LOCAL_N_F.matcher(m).matches() || LOCAL_CLUSTER.matcher(m).matches() || m.equals("yarn")) return m;
    if (m.startsWith("spark://")) {
      for (String hp : m.substring("spark://".length()).split(",")) hostPort(m, hp);
      return m;
    }
    if (m.matches("[a-zA-Z][a-zA-Z0-9+.-]*://.+")) return m; // k8s://, or a cluster manager Spark may know
    throw master((m.isEmpty() ? "''" : m) + " is not a Spark master URL; use local, local[N], local[*], local[N,F], spark://HOST:PORT, yarn or k8s://HOST:PORT");
  }

  private static boolean hasClusterManager(String master) {
    for (ExternalClusterManager cm : ServiceLoader.load(ExternalClusterManager.class, SparkOptions.class.getClassLoader()))
      if (cm.canCreate(master)) return true;
    return false;
  }

  private static InetSocketAddress hostPort(String master, String hp) {
    int colon = hp.lastIndexOf(':');
    if (colon <= 0 || colon == hp.length() - 1) throw master(master + ": expected spark://HOST:PORT, got '" + hp + "'");
    int port;
    try {
      port = Integer.parseInt(hp.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw master(master + ": the port must be a number: '" + hp.substring(colon + 1) + "'");
    }
    if (port < 1 || port > 65535) throw master(master + ": the port must be in [1, 65535]: " + port);
    return InetSocketAddress.createUnresolved(hp.substring(0, colon), port);
  }

  /** At least one master of a spark:// URL must take a TCP connection within 5 s; Spark itself would try for 60 s (3 x 20 s). */
  static void probe(String master) {
    List<String> why = new ArrayList<>();
    for (String hp : master.substring("spark://".length()).split(",")) {
      InetSocketAddress a = hostPort(master, hp);
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(InetAddress.getByName(a.getHostString()), a.getPort()), PROBE_TIMEOUT_MS);
        return;
      } catch (UnknownHostException e) {
        why.add(hp + ": unknown host");
      } catch (java.net.SocketTimeoutException e) {
        why.add(hp + ": no answer in " + PROBE_TIMEOUT_MS / 1000 + " s");
      } catch (IOException e) {
        why.add(hp + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
      }
    }
    throw master(master + " cannot be reached (" + String.join("; ", why) + "); is the Spark master running, and is the address right?");
  }

  static boolean loopback(String master) {
    if (master.startsWith("local")) return true;
    if (!master.startsWith("spark://")) return false;
    try {
      for (String hp : master.substring("spark://".length()).split(",")) {
        String host = hp.substring(0, Math.max(0, hp.lastIndexOf(':')));
        if (!InetAddress.getByName(host).isLoopbackAddress()) return false;
      }
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /**
   * The jars executors in other JVMs need (spark.jars): as given (spark-submit's, or --engine-conf
   * spark.jars=...), else the job jar this class was loaded from (./egd and spark-submit run egd from
   * it), else its sibling egd-spark-job.jar. Null when spark.jars is set already.
   */
  String jobJar() {
    if (conf.containsKey("spark.jars") || System.getProperty("spark.jars") != null) return null;
    Path self;
    try {
      self = Path.of(SparkOptions.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (Exception e) {
      self = null;
    }
    if (self != null && Files.isRegularFile(self) && holdsEgd(self)) return self.toString();
    Path sibling = self != null && Files.isRegularFile(self) ? self.resolveSibling("egd-spark-job.jar") : null; // beside egd-spark.jar
    if (sibling != null && Files.isRegularFile(sibling)) return sibling.toString();
    throw conf("spark.jars is needed with --master " + master() + ": executors need egd's classes; give the job jar, "
        + "--engine-conf spark.jars=/path/to/egd-spark-job.jar (mvn -pl spark -am package builds it into spark/target)");
  }

  private static boolean holdsEgd(Path jar) {
    try (java.util.jar.JarFile j = new java.util.jar.JarFile(jar.toFile())) {
      return j.getEntry("dev/egd/experiment/SweepRuns.class") != null && j.getEntry("dev/egd/cli/RunCharts.class") != null;
    } catch (IOException e) {
      return false;
    }
  }
}
