package dev.egd.spark;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.ExceptionFailure;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkException;
import org.apache.spark.TaskContext;
import org.apache.spark.TaskFailedReason;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorAdded;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.scheduler.TaskInfo;
import org.apache.spark.util.CollectionAccumulator;

/**
 * Runs a sweep's runs on Spark, one task per run: a JavaSparkContext for a master URL (local[N],
 * spark://host:port, yarn, k8s://...; default local[*]), the runs parallelised one per partition,
 * each task reserving spark.task.cpus = the runs' --threads, executors told OPENBLAS_NUM_THREADS=1.
 *
 * <p>A task that fails or whose executor dies is retried by Spark (spark.task.maxFailures, 4), and the
 * retry continues from the run directory's checkpoint.bin (see {@link RunTask}); the finished run is
 * byte-identical to one never interrupted. In local mode Spark never retries a task unless the master
 * says how often (local[N,F]), so local[N] becomes local[N,maxFailures].
 *
 * <p>Speculative execution is always off (spark.speculation=false, not overridable): a speculative
 * copy of a task would be a second process training the same run into the same directory.
 *
 * <p>Waits are bounded: a spark:// master is probed (TCP, 5 s) before anything starts; creating the
 * context (which for a standalone master waits for the application to be registered, and Spark itself
 * only gives up after 3 x 20 s) is bounded by startTimeout (30 s); having no executor (none ever
 * started, or every one was lost and none came back) by executorTimeout (120 s). The run directories must be on a
 * file system every executor and the driver see at the same path.
 */
public final class SparkSweepEngine {
  /** What the engine needs besides the runs. */
  public static final class Settings {
    String master;
    String appName = "egd-sweep";
    final Map<String, String> conf = new LinkedHashMap<>();
    final List<String> jars = new ArrayList<>();
    Duration startTimeout = Duration.ofSeconds(30);
    Duration executorTimeout = Duration.ofSeconds(120);
    int maxFailures = 4;
    boolean watchLocal; // tests: the executor watchdog in local mode too (where it sees no executor: only the driver)

    /** The master URL; null: spark.master as spark-submit set it, else local[*]. */
    public Settings master(String m) { this.master = m; return this; }

    public Settings appName(String n) { this.appName = n; return this; }

    /** Any Spark setting (spark.executor.memory, spark.cores.max, ...); the engine's own keys win where they must. */
    public Settings conf(String key, String value) { conf.put(key, value); return this; }

    /** Jars executors need (spark.jars): the egd job jar, unless spark-submit already ships it. */
    public Settings jar(String path) { jars.add(path); return this; }

    /** Bounds starting Spark: creating the context, which for a standalone master means being registered (default 30 s). */
    public Settings startTimeout(Duration d) { this.startTimeout = d; return this; }

    /**
     * Bounds having no executor: none yet, or all lost (default 120 s: an executor is a JVM that a
     * worker starts, which takes 5-30 s on two busy cores, and a cluster may first have to fetch the jar).
     */
    public Settings executorTimeout(Duration d) { this.executorTimeout = d; return this; }

    public Settings maxFailures(int n) {
      if (n < 1) throw new IllegalArgumentException("maxFailures must be >= 1: " + n);
      this.maxFailures = n;
      return this;
    }

    public String master() { return master; }
  }

  private static final Pattern LOCAL_N = Pattern.compile("local\\[([0-9]+|\\*)\\]");
  private static final Pattern LOCAL_N_F = Pattern.compile("local\\[([0-9]+|\\*)\\s*,\\s*([0-9]+)\\]");
  private static final Pattern LOCAL_CLUSTER = Pattern.compile("local-cluster\\[\\s*([0-9]+)\\s*,\\s*([0-9]+)\\s*,\\s*([0-9]+)\\s*]");
  private static final int PROBE_TIMEOUT_MS = 5000;
  static final String JOB_GROUP = "egd-sweep";

  private final Settings settings;

  public SparkSweepEngine(Settings settings) {
    this.settings = settings;
  }

  /** The master URL to use (see {@link Settings#master(String)}), as the user gave it. */
  public String master() {
    if (settings.master != null) return settings.master.trim();
    String submitted = System.getProperty("spark.master");
    return submitted != null ? submitted : "local[*]";
  }

  /** Checks the master URL (and that a spark:// master answers) without starting Spark; throws in one line. */
  public String checkMaster() throws SparkSweepException {
    String m = sparkMaster(master(), settings.maxFailures);
    if (m.startsWith("spark://")) probe(m);
    return m;
  }

  /**
   * Runs every run (each in its own task) and returns their outcomes in the order given. Throws
   * SparkSweepException, in one line, when the sweep cannot start or a run failed spark.task.maxFailures
   * times (what finished is kept: running the same runs again skips nothing but resumes from checkpoints).
   */
  public List<RunOutcome> run(List<SparkRun> runs, SweepProgress progress) throws SparkSweepException {
    if (runs.isEmpty()) return List.of();
    String master = checkMaster();
    JavaSparkContext sc = createContext(conf(master, taskCpus(runs)), master);
    try {
      return run(sc, runs, progress);
    } finally {
      sc.stop();
    }
  }

  /**
   * As {@link #run(List, SweepProgress)} on a context the caller made and stops (a notebook's, a
   * test's). It must have spark.speculation off and spark.task.cpus at least the runs' --threads;
   * the engine's own settings ({@link #conf}) are what such a context should have.
   */
  public List<RunOutcome> run(JavaSparkContext sc, List<SparkRun> runs, SweepProgress progress) throws SparkSweepException {
    if (runs.isEmpty()) return List.of();
    Set<String> dirs = new HashSet<>();
    for (SparkRun r : runs) if (!dirs.add(r.dir())) throw new SparkSweepException("two runs share the directory " + r.dir());
    int taskCpus = taskCpus(runs);
    if (sc.getConf().getBoolean("spark.speculation", false))
      throw new SparkSweepException("spark.speculation must be false: a speculative copy of a task would train the same run into the same directory");
    if (sc.getConf().getInt("spark.task.cpus", 1) < taskCpus)
      throw new SparkSweepException("spark.task.cpus is " + sc.getConf().getInt("spark.task.cpus", 1) + ", the runs need " + taskCpus + " (--threads)");
    String master = sc.master();
    Listener listener = new Listener(runs, progress, settings.maxFailures);
    Watchdog watchdog = null;
    try {
      CollectionAccumulator<RunOutcome> outcomes = sc.sc().collectionAccumulator("egd.run.outcomes");
      listener.accumulatorId = outcomes.id();
      sc.sc().addSparkListener(listener);
      if (!master.startsWith("local") || settings.watchLocal) {
        watchdog = new Watchdog(sc, master, settings.executorTimeout, taskCpus);
        listener.watchdog = watchdog;
        watchdog.start();
      }
      sc.setJobGroup(JOB_GROUP, runs.size() + " runs", false);
      List<RunOutcome> out;
      try {
        out = sc.parallelize(runs, runs.size()).map(new Task(outcomes)).collect();
      } catch (Exception e) {
        if (watchdog != null && watchdog.reason != null) throw new SparkSweepException(watchdog.reason, !watchdog.ever);
        throw new SparkSweepException("the sweep stopped: " + sparkMessage(e) + "; finished runs are kept, run it again to resume the rest", false);
      }
      listener.awaitFinished(runs.size(), Duration.ofSeconds(10));
      return out;
    } finally {
      if (watchdog != null) watchdog.interrupt();
      sc.sc().removeSparkListener(listener);
      sc.clearJobGroup();
    }
  }

  static int taskCpus(List<SparkRun> runs) {
    int t = 1;
    for (SparkRun r : runs) t = Math.max(t, r.threads());
    return t;
  }

  /** The SparkConf for master (already normalised by {@link #sparkMaster}): what {@link #run(List, SweepProgress)} starts Spark with. */
  public SparkConf conf(String master, int taskCpus) {
    SparkConf c = new SparkConf(); // spark.* system properties (spark-submit) first
    c.setAppName(settings.appName);
    c.set("spark.ui.enabled", "false"); // no UI port or thread unless asked for (--conf spark.ui.enabled=true)
    if (loopback(master) && System.getenv("SPARK_LOCAL_IP") == null) {
      // bind the driver where the executors can reach it; otherwise Spark picks the host's first interface
      c.setIfMissing("spark.driver.host", "127.0.0.1");
      c.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
    }
    for (var e : settings.conf.entrySet()) c.set(e.getKey(), e.getValue());
    c.setMaster(master);
    c.set("spark.task.cpus", String.valueOf(taskCpus));
    c.set("spark.task.maxFailures", String.valueOf(settings.maxFailures));
    c.set("spark.speculation", "false");
    c.set("spark.executorEnv.OPENBLAS_NUM_THREADS", "1");
    if (!settings.jars.isEmpty()) {
      List<String> all = new ArrayList<>();
      String had = c.get("spark.jars", "");
      if (!had.isBlank()) all.add(had);
      all.addAll(settings.jars);
      c.set("spark.jars", String.join(",", all));
    }
    return c;
  }

  /**
   * The master URL as Spark gets it: local and local[N] become local[N,maxFailures] (Spark's local
   * mode otherwise never retries a task); anything that is not a master URL is refused in one line.
   */
  static String sparkMaster(String master, int maxFailures) throws SparkSweepException {
    String m = master.trim();
    if (m.equals("local")) return "local[1," + maxFailures + "]";
    Matcher n = LOCAL_N.matcher(m);
    if (n.matches()) {
      if (!n.group(1).equals("*") && Integer.parseInt(n.group(1)) < 1) throw new SparkSweepException("--master " + m + ": needs at least 1 thread");
      return "local[" + n.group(1) + "," + maxFailures + "]";
    }
    if (LOCAL_N_F.matcher(m).matches() || LOCAL_CLUSTER.matcher(m).matches() || m.equals("yarn")) return m;
    if (m.startsWith("spark://")) {
      for (String hp : m.substring("spark://".length()).split(",")) hostPort(m, hp);
      return m;
    }
    if (m.matches("[a-zA-Z][a-zA-Z0-9+.-]*://.+")) return m; // k8s://, or a cluster manager Spark may know
    throw new SparkSweepException("--master " + (m.isEmpty() ? "''" : m)
        + " is not a Spark master URL; use local, local[N], local[*], local[N,F], spark://HOST:PORT, yarn or k8s://HOST:PORT");
  }

  private static InetSocketAddress hostPort(String master, String hp) throws SparkSweepException {
    int colon = hp.lastIndexOf(':');
    if (colon <= 0 || colon == hp.length() - 1) throw new SparkSweepException("--master " + master + ": expected spark://HOST:PORT, got '" + hp + "'");
    int port;
    try {
      port = Integer.parseInt(hp.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new SparkSweepException("--master " + master + ": the port must be a number: '" + hp.substring(colon + 1) + "'");
    }
    if (port < 1 || port > 65535) throw new SparkSweepException("--master " + master + ": the port must be in [1, 65535]: " + port);
    return InetSocketAddress.createUnresolved(hp.substring(0, colon), port);
  }

  /** At least one master of a spark:// URL must take a TCP connection within 5 s; Spark would wait 60 s. */
  static void probe(String master) throws SparkSweepException {
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
        why.add(hp + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()));
      }
    }
    throw new SparkSweepException("cannot reach the Spark master " + master + " (" + String.join("; ", why) + "); is it running, and is the address right?");
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

  /** Creating the context, bounded: for a standalone master this includes registering the application. */
  private JavaSparkContext createContext(SparkConf conf, String master) throws SparkSweepException {
    ExecutorService one = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "egd-spark-context");
      t.setDaemon(true);
      return t;
    });
    Future<JavaSparkContext> f = one.submit(() -> new JavaSparkContext(conf));
    one.shutdown();
    long s = settings.startTimeout.toSeconds();
    try {
      return f.get(settings.startTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      Thread cleanup = new Thread(() -> { // Spark gives up by itself after 60 s; stop whatever it made
        try {
          f.get().stop();
        } catch (Exception ignored) {
          // it failed: nothing left running
        }
      }, "egd-spark-abandoned-context");
      cleanup.setDaemon(true);
      cleanup.start();
      throw new SparkSweepException("the Spark master " + master + " did not accept the application within " + s
          + " s (a Spark master of another version, or busy?)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SparkSweepException("interrupted while starting Spark");
    } catch (ExecutionException e) {
      throw new SparkSweepException("Spark refused to start with --master " + master + ": " + sparkMessage(e.getCause()));
    }
  }

  /** The first line of a Spark failure, without Spark's "Driver stacktrace" tail or class names of ours. */
  static String sparkMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getMessage() == null) t = t.getCause();
    String msg = t.getMessage() == null ? t.toString() : t.getMessage();
    msg = msg.split("\\R")[0].strip();
    msg = msg.replace(RunTask.RunFailed.class.getName() + ": ", "");
    if (!(t instanceof SparkException) && !(t instanceof IllegalArgumentException)) msg = t.getClass().getSimpleName() + ": " + msg;
    return msg;
  }

  /** The Spark function: one run per call, its outcome both returned and added to the accumulator the listener reads. */
  static final class Task implements Function<SparkRun, RunOutcome> {
    private static final long serialVersionUID = 1L;
    private final CollectionAccumulator<RunOutcome> outcomes;
    private final long sweepStart = System.currentTimeMillis() - 1000; // mtimes have second granularity on some file systems

    Task(CollectionAccumulator<RunOutcome> outcomes) { this.outcomes = outcomes; }

    @Override public RunOutcome call(SparkRun run) throws Exception {
      TaskContext ctx = TaskContext.get();
      RunOutcome o = RunTask.execute(run, ctx == null ? 0 : ctx.attemptNumber(), sweepStart);
      outcomes.add(o);
      return o;
    }
  }

  /** Driver-side progress from Spark's events: starts, ends, failures, executors. */
  static final class Listener extends SparkListener {
    private final List<SparkRun> runs;
    private final SweepProgress progress;
    private final int maxFailures;
    volatile long accumulatorId = -1;
    volatile Watchdog watchdog;
    private final Set<Integer> done = new HashSet<>();
    private final Set<Integer> stages = new HashSet<>(); // the sweep's job's stages
    private volatile int jobId = -1;
    private final Map<Integer, Integer> running = new HashMap<>();
    private final Map<Integer, Integer> counted = new HashMap<>();
    private int failedAttempts;

    Listener(List<SparkRun> runs, SweepProgress progress, int maxFailures) {
      this.runs = runs;
      this.progress = progress;
      this.maxFailures = maxFailures;
    }

    @Override public void onJobStart(SparkListenerJobStart e) {
      if (e.properties() == null || !JOB_GROUP.equals(e.properties().getProperty("spark.jobGroup.id"))) return;
      synchronized (this) {
        for (Object id : scala.jdk.javaapi.CollectionConverters.asJava(e.stageIds())) stages.add((Integer) id);
      }
      jobId = e.jobId();
      Watchdog w = watchdog;
      if (w != null) w.jobStarted = true;
    }

    @Override public void onJobEnd(SparkListenerJobEnd e) {
      if (e.jobId() != jobId) return;
      Watchdog w = watchdog;
      if (w != null) w.jobEnded = true;
    }

    @Override public synchronized void onTaskStart(SparkListenerTaskStart e) {
      if (!stages.contains(e.stageId())) return; // another job on a shared context
      TaskInfo t = e.taskInfo();
      running.put(t.index(), t.attemptNumber());
      progress.started(runs.get(t.index()), t.attemptNumber(), t.executorId(), t.host());
      counts();
    }

    @Override public synchronized void onTaskEnd(SparkListenerTaskEnd e) {
      if (!stages.contains(e.stageId())) return;
      TaskInfo t = e.taskInfo();
      int i = t.index();
      running.remove(i);
      SparkRun run = runs.get(i);
      if (t.successful()) {
        done.add(i);
        progress.finished(run, outcome(t), t.executorId(), t.host());
      } else {
        failedAttempts++;
        String reason = "failed";
        boolean retry = false;
        if (e.reason() instanceof TaskFailedReason r) {
          if (r.countTowardsTaskFailures()) counted.merge(i, 1, Integer::sum);
          retry = counted.getOrDefault(i, 0) < maxFailures && !(e.reason() instanceof org.apache.spark.TaskKilled);
          reason = r instanceof ExceptionFailure ef
              ? (ef.className().equals(RunTask.RunFailed.class.getName()) ? ef.description() : ef.className() + ": " + ef.description())
              : r.toErrorString().split("\\R")[0];
        }
        progress.failed(run, t.attemptNumber(), t.executorId(), t.host(), reason, retry);
      }
      counts();
      notifyAll();
    }

    private RunOutcome outcome(TaskInfo t) {
      for (AccumulableInfo a : scala.jdk.javaapi.CollectionConverters.asJava(t.accumulables())) {
        if (a.id() != accumulatorId || a.update().isEmpty()) continue;
        if (a.update().get() instanceof List<?> l) for (Object o : l) if (o instanceof RunOutcome ro) return ro;
      }
      return null;
    }

    @Override public void onExecutorAdded(SparkListenerExecutorAdded e) {
      synchronized (this) {
        progress.executor(e.executorId(), e.executorInfo().executorHost(), null);
      }
    }

    @Override public void onExecutorRemoved(SparkListenerExecutorRemoved e) {
      synchronized (this) {
        progress.executor(e.executorId(), "", e.reason());
      }
    }

    private void counts() {
      progress.counts(done.size(), running.size(), runs.size() - done.size() - running.size(), failedAttempts);
    }

    synchronized void awaitFinished(int n, Duration wait) {
      long deadline = System.nanoTime() + wait.toNanos();
      try {
        while (done.size() < n && System.nanoTime() < deadline) wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Ends the sweep (with a reason) when a cluster gives it no executor for startTimeout: none ever
   * started (no worker with the free cpus and memory), or every one was lost and none replaced it.
   */
  static final class Watchdog extends Thread {
    private final JavaSparkContext sc;
    private final String master;
    private final Duration timeout;
    private final int taskCpus;
    volatile String reason;
    volatile boolean ever;
    volatile boolean jobStarted, jobEnded;

    Watchdog(JavaSparkContext sc, String master, Duration timeout, int taskCpus) {
      super("egd-spark-watchdog");
      setDaemon(true);
      this.sc = sc;
      this.master = master;
      this.timeout = timeout;
      this.taskCpus = taskCpus;
    }

    @Override public void run() {
      try {
        while (!isInterrupted() && !jobStarted) Thread.sleep(50); // the clock starts with the job
        long since = System.nanoTime();
        while (!isInterrupted()) {
          Thread.sleep(250);
          int executors = sc.sc().statusTracker().getExecutorInfos().length - 1; // less the driver
          if (executors > 0) {
            ever = true;
            since = System.nanoTime();
          } else if (System.nanoTime() - since > timeout.toNanos()) {
            long s = timeout.toSeconds();
            reason = ever
                ? "every executor was lost and none came back within " + s + " s (" + master + "); finished runs are kept, run it again to resume the rest"
                : "no executor started within " + s + " s: the master " + master + " accepted the sweep, but no worker offered "
                    + taskCpus + " cpu(s) and spark.executor.memory (" + sc.getConf().get("spark.executor.memory", "1g") + ")";
            break;
          }
        }
        while (!isInterrupted() && !jobEnded) { // until the job has ended (it may not have been submitted yet)
          sc.cancelJobGroup(JOB_GROUP);
          Thread.sleep(500);
        }
      } catch (InterruptedException e) {
        // the sweep ended
      }
    }
  }
}
