package dev.egd.spark;

import dev.egd.ValidationException;
import dev.egd.experiment.RunConfig;
import dev.egd.experiment.RunDirectory;
import dev.egd.experiment.SweepEngine;
import dev.egd.experiment.SweepRun;
import dev.egd.train.RunResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.spark.ExceptionFailure;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkException;
import org.apache.spark.TaskContext;
import org.apache.spark.TaskFailedReason;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.scheduler.TaskInfo;
import org.apache.spark.util.CollectionAccumulator;

/**
 * The {@code spark} sweep engine: a sweep's runs as Spark tasks, one task per run, each running
 * {@link dev.egd.experiment.SweepRuns#execute} on an executor ({@link RunTask}), so every run directory
 * holds the bytes the local engine writes. Found by the command line through {@link java.util.ServiceLoader}
 * ({@code egd sweep SPEC --engine spark [--master URL] [--engine-conf KEY=VALUE]...}); settings in
 * {@link SparkOptions}.
 *
 * <ul>
 *   <li>Each task reserves {@code spark.task.cpus} = the runs' {@code threads}; executors get
 *       {@code OPENBLAS_NUM_THREADS=1}.</li>
 *   <li>A failed task, or one whose executor died, is retried by Spark ({@code spark.task.maxFailures},
 *       4) and the retry resumes from the run's checkpoint. Spark's local mode never retries unless the
 *       master says how often, so {@code local[N]} becomes {@code local[N,4]}.</li>
 *   <li>Speculative execution stays off: a speculative copy would be a second writer of the run's
 *       directory (the run lock would refuse it, and that attempt would fail).</li>
 *   <li>Waits are bounded: a {@code spark://} master is probed (TCP, 5 s) before anything is written;
 *       starting Spark (for a standalone master: the application registered, which Spark itself retries
 *       for 3 x 20 s) by {@code start-timeout}; having no executor by {@code executor-timeout}.</li>
 *   <li>The result of each run is read back by the driver from the run's directory (its summary and
 *       metrics), which must be on a file system that the driver and every executor see at the same
 *       path; executors return only a small {@link RunOutcome}.</li>
 * </ul>
 */
public final class SparkSweepEngine implements SweepEngine {
  static final String JOB_GROUP = "egd-sweep";
  /** How often the driver prints the counts while runs go on. */
  static final long COUNTS_EVERY_NANOS = 30_000_000_000L;

  @Override public String name() { return "spark"; }

  @Override public void check(Map<String, String> options) {
    SparkOptions.of(options).check();
  }

  @Override public Map<String, RunResult> run(List<SweepRun> runs, Map<String, String> options, Progress progress) throws Exception {
    SparkOptions o = SparkOptions.of(options);
    if (runs.isEmpty()) return Map.of();
    o.check();
    List<SweepRun> placed = placed(runs, o.remoteExecutors());
    String master = o.sparkMaster();
    SparkLogging.configure(o.sparkLog, logDir(placed));
    JavaSparkContext sc = createContext(conf(o, master, taskCpus(placed)), master, o.startTimeout);
    java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);
    Thread stopping = new Thread(() -> { // a signal (Ctrl-C, SIGTERM): say so; local runs checkpoint (RunTask's hook)
      progress.note("stopping: running runs save a checkpoint at their next evaluation; run the same command again to resume the sweep");
      try {
        ended.await(RunTask.SHUTDOWN_GRACE.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "egd-spark-driver-stop");
    boolean hooked = true;
    try {
      Runtime.getRuntime().addShutdownHook(stopping);
    } catch (IllegalStateException shuttingDown) {
      hooked = false;
    }
    try {
      return run(sc, placed, o, progress);
    } finally {
      ended.countDown();
      if (hooked) {
        try {
          Runtime.getRuntime().removeShutdownHook(stopping);
        } catch (IllegalStateException shuttingDown) {
          // the hook runs and returns now
        }
      }
      sc.stop();
    }
  }

  /**
   * As {@link #run(List, Map, Progress)} on a context the caller made and stops (a notebook's, a
   * test's): it must have {@code spark.speculation} off and {@code spark.task.cpus} at least the runs'
   * threads; {@link #conf} is what such a context should be made with.
   */
  public Map<String, RunResult> run(JavaSparkContext sc, List<SweepRun> runs, Map<String, String> options, Progress progress) {
    SparkOptions o = SparkOptions.of(options);
    return run(sc, placed(runs, !sc.isLocal()), o, progress);
  }

  Map<String, RunResult> run(JavaSparkContext sc, List<SweepRun> runs, SparkOptions o, Progress progress) {
    if (runs.isEmpty()) return Map.of();
    Set<String> dirs = new HashSet<>(), ids = new HashSet<>();
    for (SweepRun r : runs) {
      if (!dirs.add(r.dir())) throw new IllegalArgumentException("two runs share the directory " + r.dir());
      if (!ids.add(r.id())) throw new IllegalArgumentException("two runs share the name " + r.id());
    }
    int taskCpus = taskCpus(runs);
    if (sc.getConf().getBoolean("spark.speculation", false))
      throw SparkOptions.conf("spark.speculation must be false: a speculative copy of a task would be a second writer of the same run");
    if (sc.getConf().getInt("spark.task.cpus", 1) < taskCpus)
      throw SparkOptions.conf("spark.task.cpus is " + sc.getConf().getInt("spark.task.cpus", 1) + ", the runs need " + taskCpus + " (threads)");
    int maxFailures = sc.getConf().getInt("spark.task.maxFailures", o.maxFailures);
    String master = sc.master();
    Listener listener = new Listener(runs, progress);
    Watchdog watchdog = null;
    progress.note(String.format(Locale.ROOT, "Spark %s, master %s: %d task(s) of %d cpu(s), up to %d attempts each%s", sc.version(), master,
        runs.size(), taskCpus, maxFailures, SparkLogging.where() == null ? "" : "; Spark's log: " + SparkLogging.where()));
    List<RunOutcome> outcomes = null;
    String stopped = null, nothingRan = null;
    try {
      CollectionAccumulator<RunOutcome> acc = sc.sc().collectionAccumulator("egd.run.outcomes");
      listener.accumulatorId = acc.id();
      sc.sc().addSparkListener(listener);
      if (!sc.isLocal() || o.watchLocal) {
        watchdog = new Watchdog(sc, master, o.executorTimeout, taskCpus);
        listener.watchdog = watchdog;
        watchdog.start();
      }
      sc.setJobGroup(JOB_GROUP, runs.size() + " egd runs", false);
      try {
        outcomes = sc.parallelize(runs, runs.size()).map(new Task(acc, maxFailures, o.lockWait)).collect();
      } catch (Exception e) {
        if (watchdog != null && watchdog.reason != null) {
          if (!watchdog.ever) nothingRan = watchdog.reason; // no executor ever: the cluster offers nothing
          stopped = watchdog.reason;
        } else {
          stopped = sparkMessage(e);
        }
      }
      if (outcomes != null) listener.awaitEnded(runs.size(), Duration.ofSeconds(10));
      else listener.awaitIdle(o.lockWait); // killed tasks checkpoint and end: none may write on after the sweep has returned
    } finally {
      if (watchdog != null) watchdog.interrupt();
      sc.sc().removeSparkListener(listener);
      sc.clearJobGroup();
    }
    if (nothingRan != null) throw SparkOptions.master(nothingRan);
    // what came back, reported once per run (the listener has reported most of it as it happened)
    Map<String, RunOutcome> byId = new HashMap<>();
    if (outcomes != null) for (RunOutcome out : outcomes) byId.put(out.id(), out);
    int refusedHere = 0;
    RunOutcome firstRefused = null;
    for (SweepRun r : runs) {
      RunOutcome out = byId.get(r.id());
      if (out == null) {
        listener.fail(r, "the sweep stopped before this run finished: " + stopped + "; run the same command again to resume it");
      } else {
        listener.report(r, out);
        if (out.status().equals("refused")) {
          refusedHere++;
          if (firstRefused == null) firstRefused = out;
        }
      }
    }
    if (refusedHere == runs.size() && firstRefused != null && firstRefused.message().startsWith("--out "))
      // no executor could write any run's directory: a setup error, nothing was written
      throw ValidationException.of("out", "cannot be written on Spark's executors (every run was refused; the first: " + firstRefused.message()
          + "); it must be a directory that the driver and every executor see at the same path (a shared file system)");
    return listener.results();
  }

  /** The runs with absolute directories (executors work in directories of their own) and, for other JVMs, absolute data paths. */
  static List<SweepRun> placed(List<SweepRun> runs, boolean remote) {
    List<SweepRun> out = new ArrayList<>();
    for (SweepRun r : runs) {
      RunConfig c = r.config();
      String data = c.get(RunConfig.DATA);
      if (remote && data != null && !Path.of(data).isAbsolute()) c = c.with(RunConfig.DATA, Path.of(data).toAbsolutePath().normalize().toString());
      out.add(new SweepRun(r.id(), c, r.methods(), Path.of(r.dir()).toAbsolutePath().normalize().toString()));
    }
    return out;
  }

  /** Where Spark's log goes by default: the sweep's directory (the nearest one above the runs holding sweep.json), else their common one. */
  static Path logDir(List<SweepRun> runs) {
    Path common = runs.get(0).path().getParent();
    for (SweepRun r : runs) while (common != null && !r.path().startsWith(common)) common = common.getParent();
    for (Path p = common; p != null; p = p.getParent()) if (Files.isRegularFile(p.resolve("sweep.json"))) return p;
    return common;
  }

  static int taskCpus(List<SweepRun> runs) {
    int t = 1;
    for (SweepRun r : runs) {
      Integer n = r.config().get(RunConfig.THREADS);
      if (n != null) t = Math.max(t, n);
    }
    return t;
  }

  /** The SparkConf a sweep's context gets for master (as {@link SparkOptions#sparkMaster} made it). */
  static SparkConf conf(SparkOptions o, String master, int taskCpus) {
    SparkConf c = new SparkConf(); // spark.* system properties (spark-submit's) first
    c.setIfMissing("spark.app.name", "egd-sweep");
    c.set("spark.ui.enabled", "false"); // no UI port or thread unless asked for (--engine-conf spark.ui.enabled=true)
    if (SparkOptions.loopback(master) && System.getenv("SPARK_LOCAL_IP") == null) {
      // bind the driver where local executors can reach it; otherwise Spark picks the host's first interface
      c.setIfMissing("spark.driver.host", "127.0.0.1");
      c.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
    }
    for (var e : o.conf.entrySet()) c.set(e.getKey(), e.getValue());
    c.setMaster(master);
    c.set("spark.task.cpus", String.valueOf(taskCpus));
    c.set("spark.task.maxFailures", String.valueOf(o.maxFailures));
    c.set("spark.speculation", "false");
    c.set("spark.executorEnv.OPENBLAS_NUM_THREADS", "1");
    if (o.remoteExecutors()) {
      String jar = o.jobJar();
      if (jar != null) c.set("spark.jars", jar);
    }
    return c;
  }

  /** Creating the context, bounded: for a standalone master this includes registering the application. */
  static JavaSparkContext createContext(SparkConf conf, String master, Duration timeout) {
    ExecutorService one = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "egd-spark-context");
      t.setDaemon(true);
      return t;
    });
    Future<JavaSparkContext> f = one.submit(() -> new JavaSparkContext(conf));
    one.shutdown();
    try {
      return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
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
      throw SparkOptions.master(master + " did not accept the sweep within " + timeout.toSeconds()
          + " s (start-timeout): a Spark master of another version, or a busy one?");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw SparkOptions.master(master + ": interrupted while starting Spark");
    } catch (ExecutionException e) {
      throw SparkOptions.master(master + " is refused by Spark: " + sparkMessage(e.getCause()));
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
  static final class Task implements Function<SweepRun, RunOutcome> {
    private static final long serialVersionUID = 2L;
    private final CollectionAccumulator<RunOutcome> outcomes;
    private final int maxFailures;
    private final Duration lockWait;

    Task(CollectionAccumulator<RunOutcome> outcomes, int maxFailures, Duration lockWait) {
      this.outcomes = outcomes;
      this.maxFailures = maxFailures;
      this.lockWait = lockWait;
    }

    @Override public RunOutcome call(SweepRun run) throws Exception {
      TaskContext ctx = TaskContext.get();
      RunOutcome o = RunTask.execute(run, ctx == null ? 0 : ctx.attemptNumber(), maxFailures, lockWait, ctx == null ? null : ctx::isInterrupted);
      outcomes.add(o);
      return o;
    }
  }

  /** Driver-side progress from Spark's events: starts, ends, retries, lost executors; each run's result read back once. */
  static final class Listener extends SparkListener {
    private final List<SweepRun> runs;
    private final Progress progress;
    volatile long accumulatorId = -1;
    volatile Watchdog watchdog;
    private final Set<Integer> stages = new HashSet<>(); // the sweep's job's stages
    private volatile int jobId = -1;
    private final Map<Integer, Integer> running = new HashMap<>();
    private final Set<String> reported = new HashSet<>(), startedRuns = new HashSet<>();
    private final Map<String, RunResult> results = new LinkedHashMap<>();
    private int ended, failedAttempts;
    private long lastCounts = System.nanoTime();

    Listener(List<SweepRun> runs, Progress progress) {
      this.runs = runs;
      this.progress = progress;
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
      SweepRun run = runs.get(t.index());
      if (startedRuns.add(run.id())) progress.started(run);
      if (t.attemptNumber() > 0) progress.note(run.id() + ": attempt " + (t.attemptNumber() + 1) + " started on " + where(t));
      counts(false);
    }

    @Override public synchronized void onTaskEnd(SparkListenerTaskEnd e) {
      if (!stages.contains(e.stageId())) return;
      TaskInfo t = e.taskInfo();
      int i = t.index();
      running.remove(i);
      SweepRun run = runs.get(i);
      if (t.successful()) {
        ended++;
        RunOutcome o = outcome(t);
        if (o != null) report(run, o);
      } else {
        failedAttempts++;
        String reason = "failed";
        if (e.reason() instanceof TaskFailedReason r) {
          reason = r instanceof ExceptionFailure ef
              ? (ef.className().equals(RunTask.RunFailed.class.getName()) ? ef.description() : ef.className() + ": " + ef.description())
              : r.toErrorString().split("\\R")[0];
        }
        progress.note(run.id() + ": attempt " + (t.attemptNumber() + 1) + " ended on " + where(t) + ": " + oneLine(reason)
            + "; Spark runs it again (unless the sweep is stopping or the run has no attempts left), from its checkpoint if it has one");
      }
      counts(false);
      notifyAll();
    }

    private static String where(TaskInfo t) { return t.host() + " (executor " + t.executorId() + ")"; }

    private RunOutcome outcome(TaskInfo t) {
      for (AccumulableInfo a : scala.jdk.javaapi.CollectionConverters.asJava(t.accumulables())) {
        if (a.id() != accumulatorId || a.update().isEmpty()) continue;
        if (a.update().get() instanceof List<?> l) for (Object o : l) if (o instanceof RunOutcome ro) return ro;
      }
      return null;
    }

    /** A run's outcome, once: its result read back from its directory, or its failure. */
    synchronized void report(SweepRun run, RunOutcome o) {
      if (!reported.add(run.id())) return;
      if (!o.ran()) {
        progress.failed(run, o.message());
        return;
      }
      RunResult r;
      try {
        r = RunDirectory.load(run.path());
      } catch (ValidationException e) {
        progress.failed(run, "the driver cannot read back what " + o.host() + " wrote (" + e.render(RunTask::flag)
            + "): --out must be on a file system that the driver and every executor see at the same path");
        return;
      }
      if (o.readBack()) progress.note(run.id() + ": an earlier attempt had finished it (its result was lost with its executor); read back");
      else if (o.attempt() > 0 || o.resumed())
        progress.note(run.id() + ": finished on attempt " + (o.attempt() + 1) + (o.resumed() ? ", resumed from its checkpoint" : ", started afresh"));
      results.put(run.id(), r);
      progress.finished(run, r);
    }

    synchronized void fail(SweepRun run, String why) {
      if (reported.add(run.id())) progress.failed(run, why);
    }

    synchronized Map<String, RunResult> results() { return new LinkedHashMap<>(results); }

    @Override public void onExecutorRemoved(SparkListenerExecutorRemoved e) {
      if (!e.executorId().equals("driver")) progress.note("executor " + e.executorId() + " lost: " + oneLine(e.reason()));
    }

    private void counts(boolean now) {
      if (!now && System.nanoTime() - lastCounts < COUNTS_EVERY_NANOS) return;
      lastCounts = System.nanoTime();
      int toGo = runs.size() - ended - running.size();
      progress.note(String.format(Locale.ROOT, "[spark] %d done, %d running, %d to go%s", ended, running.size(), toGo,
          failedAttempts == 0 ? "" : ", " + failedAttempts + " failed attempt" + (failedAttempts == 1 ? "" : "s")));
    }

    /** Waits until the listener has seen n task ends (its events come after collect() returns). */
    synchronized void awaitEnded(int n, Duration wait) {
      long deadline = System.nanoTime() + wait.toNanos();
      try {
        while (ended < n && System.nanoTime() < deadline) wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    /** Waits until no attempt of the sweep runs (a cancelled job's tasks end after the job has failed). */
    synchronized void awaitIdle(Duration wait) {
      long deadline = System.nanoTime() + wait.toNanos();
      try {
        while (!running.isEmpty() && System.nanoTime() < deadline) wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    private static String oneLine(String s) { return s == null ? "" : s.split("\\R", 2)[0].strip(); }
  }

  /**
   * Ends the sweep (with a reason) when a cluster gives it no executor for executor-timeout: none ever
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
                ? "every executor was lost and none came back within " + s + " s (executor-timeout)"
                : master + " accepted the sweep, but no executor started within " + s + " s (executor-timeout): no worker offered " + taskCpus
                    + " cpu(s) and spark.executor.memory (" + sc.getConf().get("spark.executor.memory", "1g") + ")";
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
