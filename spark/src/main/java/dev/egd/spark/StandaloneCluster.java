package dev.egd.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.launcher.JavaModuleOptions;

/**
 * A Spark standalone cluster on this machine, each daemon its own JVM, started as Spark's scripts
 * would (the JDK 17 module options of {@link JavaModuleOptions}, SPARK_HOME, SPARK_SCALA_VERSION,
 * SPARK_LOCAL_IP) from a class path holding Spark and nothing of egd: executors get egd from
 * spark.jars, as on a real cluster. For tests and measurements; everything binds to 127.0.0.1.
 *
 * <p>Workers launch executors with SPARK_HOME/jars/* on their class path, so {@link #sparkHome} makes
 * a SPARK_HOME whose jars/ links to the given jars. Spark's launcher also insists on
 * SPARK_SCALA_VERSION (bin/load-spark-env.sh sets it) when the home is not a source build.
 */
public final class StandaloneCluster implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path dir;
  private final Path sparkHome;
  private final List<String> classpath;
  private final int port, webPort;
  private final Process master;
  private final List<Process> workers = new ArrayList<>();

  private StandaloneCluster(Path dir, Path sparkHome, List<String> classpath, int port, int webPort, Process master) {
    this.dir = dir;
    this.sparkHome = sparkHome;
    this.classpath = classpath;
    this.port = port;
    this.webPort = webPort;
    this.master = master;
  }

  /** Starts a master (and waits until it is up) with Spark's jars on its class path; logs go to dir. */
  public static StandaloneCluster startMaster(Path dir, List<String> sparkJars, Duration timeout) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Path home = sparkHome(dir.resolve("spark-home"), sparkJars);
    int port = freePort(), web = freePort();
    Process m = launch(home, sparkJars, "org.apache.spark.deploy.master.Master",
        List.of("--host", "127.0.0.1", "--port", String.valueOf(port), "--webui-port", String.valueOf(web)), dir.resolve("master.log"));
    StandaloneCluster c = new StandaloneCluster(dir, home, List.copyOf(sparkJars), port, web, m);
    Runtime.getRuntime().addShutdownHook(new Thread(c::close, "egd-spark-cluster-stop")); // no daemons outlive this JVM
    try {
      c.await(() -> "ALIVE".equals(c.status().path("status").asText()), timeout, "the master to start (" + dir.resolve("master.log") + ")");
    } catch (IOException | InterruptedException | RuntimeException e) {
      c.close();
      throw e;
    }
    return c;
  }

  public String masterUrl() { return "spark://127.0.0.1:" + port; }

  /** Starts n workers at once, each with cores and memory (e.g. "1g"), and waits until all have registered. */
  public void addWorkers(int n, int cores, String memory, Duration timeout) throws IOException, InterruptedException {
    startWorkers(n, cores, memory);
    awaitWorkers(workers.size(), timeout);
  }

  /** Starts n workers and returns at once (they register with the master within seconds: {@link #awaitWorkers}). */
  public void startWorkers(int n, int cores, String memory) throws IOException {
    for (int i = 0; i < n; i++) {
      int k = workers.size();
      Path work = dir.resolve("worker-" + k);
      Files.createDirectories(work);
      workers.add(launch(sparkHome, classpath, "org.apache.spark.deploy.worker.Worker",
          List.of("--host", "127.0.0.1", "--webui-port", "0", "--cores", String.valueOf(cores), "--memory", memory, "--work-dir",
              work.toString(), masterUrl()), dir.resolve("worker-" + k + ".log")));
    }
  }

  /** Waits until n workers are alive at the master. */
  public void awaitWorkers(int n, Duration timeout) throws IOException, InterruptedException {
    await(() -> aliveWorkers() >= n, timeout, n + " worker(s) to register (" + dir + "/worker-*.log)");
  }

  public int aliveWorkers() {
    try {
      return status().path("aliveworkers").asInt();
    } catch (IOException e) {
      return 0;
    }
  }

  public Process worker(int i) { return workers.get(i); }

  public int workerCount() { return workers.size(); }

  /** The worker whose executor (a child process) runs with this executor id, if any. */
  public Optional<Integer> workerOfExecutor(String executorId) {
    for (int i = 0; i < workers.size(); i++) {
      for (ProcessHandle h : workers.get(i).descendants().toList()) {
        List<String> args = Arrays.asList(h.info().arguments().orElse(new String[0]));
        int at = args.indexOf("--executor-id");
        if (at >= 0 && at + 1 < args.size() && args.get(at + 1).equals(executorId)) return Optional.of(i);
      }
    }
    return Optional.empty();
  }

  /**
   * SIGKILLs worker i. With its executors: as when the machine dies, runs lose what they did since
   * their last checkpoint. Without: the worker daemon alone dies; its executors see it gone and exit,
   * running their shutdown hooks (a run then stops at its next evaluation and saves a checkpoint).
   */
  public void killWorker(int i, boolean withExecutors) throws InterruptedException {
    Process w = workers.get(i);
    List<ProcessHandle> children = w.descendants().toList();
    w.destroyForcibly();
    if (withExecutors) children.forEach(ProcessHandle::destroyForcibly);
    w.waitFor();
    if (withExecutors) for (ProcessHandle h : children) h.onExit().join();
  }

  /** The master's JSON status (its web UI's /json). */
  JsonNode status() throws IOException {
    HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + webPort + "/json/").toURL().openConnection();
    c.setConnectTimeout(1000);
    c.setReadTimeout(2000);
    try (InputStream in = c.getInputStream()) {
      return JSON.readTree(in);
    } finally {
      c.disconnect();
    }
  }

  /** Stops every daemon and the executors they started. */
  @Override public void close() {
    List<Process> all = new ArrayList<>(workers);
    all.add(master);
    for (Process p : all) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    for (Process p : all) {
      try {
        p.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /**
   * The java command Spark's launcher would build for a daemon or driver on this JDK: the module
   * options (--add-opens ...) of {@link JavaModuleOptions#defaultModuleOptionArray()}, then opts, the
   * class path and the main class.
   */
  public static List<String> javaCommand(List<String> classpath, List<String> opts, String mainClass, List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(Arrays.asList(JavaModuleOptions.defaultModuleOptionArray()));
    cmd.addAll(opts);
    cmd.add("-cp");
    cmd.add(String.join(java.io.File.pathSeparator, classpath));
    cmd.add(mainClass);
    cmd.addAll(args);
    return cmd;
  }

  /** The environment a daemon gets: SPARK_HOME, SPARK_SCALA_VERSION, SPARK_LOCAL_IP, OPENBLAS_NUM_THREADS=1. */
  public static void sparkEnv(Map<String, String> env, Path sparkHome) {
    env.put("SPARK_HOME", sparkHome.toAbsolutePath().toString());
    env.put("SPARK_SCALA_VERSION", "2.13");
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    env.put("OPENBLAS_NUM_THREADS", "1");
  }

  private static Process launch(Path home, List<String> cp, String main, List<String> args, Path log) throws IOException {
    // daemons: a small heap, and C1 only with the serial collector (they start faster; they compute nothing)
    ProcessBuilder pb = new ProcessBuilder(javaCommand(cp, List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"), main, args));
    sparkEnv(pb.environment(), home);
    pb.redirectErrorStream(true);
    pb.redirectOutput(log.toFile());
    return pb.start();
  }

  /** A SPARK_HOME at dir whose jars/ holds links to jars (what workers put on executors' class path). */
  public static Path sparkHome(Path dir, List<String> jars) throws IOException {
    Path lib = dir.resolve("jars");
    Files.createDirectories(lib);
    for (String j : jars) {
      Path src = Path.of(j).toAbsolutePath();
      Path link = lib.resolve(src.getFileName());
      if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) Files.createSymbolicLink(link, src);
    }
    return dir;
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    }
  }

  private interface Check {
    boolean ok() throws IOException;
  }

  private void await(Check check, Duration timeout, String what) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (!master.isAlive()) throw new IOException("the Spark master exited (" + dir.resolve("master.log") + ")");
      try {
        if (check.ok()) return;
      } catch (IOException notYet) {
        // not listening yet
      }
      if (System.nanoTime() > deadline) throw new IOException("timed out after " + timeout.toSeconds() + " s waiting for " + what);
      Thread.sleep(200);
    }
  }

  /**
   * Runs a cluster until stdin closes or the JVM is stopped, for scripts and measurements:
   * {@code StandaloneCluster DIR WORKERS CORES MEMORY} prints the master URL on its first line (Spark's
   * jars must be on the class path, and go on the daemons'); {@code StandaloneCluster --java-opts}
   * prints the JVM options Spark's launcher gives a driver.
   */
  public static void main(String[] args) throws Exception {
    if (args.length == 1 && args[0].equals("--java-opts")) {
      System.out.println(JavaModuleOptions.defaultModuleOptions());
      return;
    }
    if (args.length != 4) {
      System.err.println("usage: StandaloneCluster DIR WORKERS CORES MEMORY | --java-opts");
      System.exit(2);
    }
    List<String> jars = new ArrayList<>();
    for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator))
      if (!e.isBlank() && !e.contains("egd-spark")) jars.add(e); // the daemons get Spark's jars, not egd
    StandaloneCluster c = startMaster(Path.of(args[0]), jars, Duration.ofSeconds(120));
    c.addWorkers(Integer.parseInt(args[1]), Integer.parseInt(args[2]), args[3], Duration.ofSeconds(120));
    System.out.println(c.masterUrl());
    System.out.flush();
    while (System.in.read() >= 0) {
      // until stdin closes
    }
    c.close();
  }

  static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
