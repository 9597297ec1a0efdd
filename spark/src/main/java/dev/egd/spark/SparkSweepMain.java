package dev.egd.spark;

import dev.egd.cli.BadInput;
import dev.egd.cli.SparkSweepBridge;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code egd sweep} on Spark: the same spec, the same sweep directory and report, the runs executed
 * as Spark tasks. For spark-submit (the job jar's main class) or run with Spark on the class path:
 *
 * <pre>
 * spark-submit --master spark://host:7077 egd-spark-job.jar study.yaml --out /shared/runs/study
 * java -cp "egd-spark-job.jar:$SPARK_HOME/jars/*" dev.egd.spark.SparkSweepMain study.yaml --master local[2]
 * </pre>
 *
 * Exit codes as egd's: 0 done, 2 bad input (the sweep did not start, or its runs were refused), 1 the
 * sweep stopped (a run failed spark.task.maxFailures times, or every executor was lost).
 */
@Command(name = "egd-spark", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Run a sweep spec (as for 'egd sweep') on Spark, one task per run; re-running skips finished runs and resumes interrupted ones.",
        "The sweep directory must be on a file system that the driver and every executor see at the same path."})
public final class SparkSweepMain implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "SPEC", description = "The sweep spec (YAML).")
  Path spec;

  @Option(names = "--out", description = "Sweep directory (default: runs/sweep-<name>).")
  Path out;

  @Option(names = "--master", description = "Spark master URL: local[N], local[*], spark://HOST:PORT, yarn, k8s://... "
      + "(default: spark-submit's --master, else local[*]).")
  String master;

  @Option(names = "--conf", paramLabel = "KEY=VALUE", description = "A Spark setting, repeatable (spark.executor.memory=2g, ...).")
  Map<String, String> conf = new LinkedHashMap<>();

  @Option(names = "--jars", split = ",", description = "Jars for the executors (default: this job jar, unless spark-submit ships it).")
  List<String> jars = new ArrayList<>();

  @Option(names = "--start-timeout", defaultValue = "30", description = "Seconds to wait for Spark to start: the master to accept the sweep (default: ${DEFAULT-VALUE}).")
  long startTimeout;

  @Option(names = "--executor-timeout", defaultValue = "120",
      description = "Seconds the sweep may have no executor (none started yet, or all lost) before it ends (default: ${DEFAULT-VALUE}).")
  long executorTimeout;

  @Option(names = "--spark-log", defaultValue = "file",
      description = "Where Spark's own log goes: file (spark-driver.log in the sweep directory), console (as Spark configures it), off (default: ${DEFAULT-VALUE}).")
  String sparkLog;

  @Option(names = "--force", description = "Use --out even though it holds a sweep made from another spec.")
  boolean force;

  @Option(names = {"-q", "--quiet"}, description = "Only the final table.")
  boolean quiet;

  private PrintStream console = System.out;

  @Override public Integer call() throws Exception {
    if (startTimeout < 1) throw new BadInput("--start-timeout must be >= 1: " + startTimeout);
    if (executorTimeout < 1) throw new BadInput("--executor-timeout must be >= 1: " + executorTimeout);
    SparkSweepBridge.Plan plan = SparkSweepBridge.plan(spec, out, force);
    switch (sparkLog) {
      case "file": SparkLogging.toFile(plan.dir().resolve("spark-driver.log")); break;
      case "off": SparkLogging.toFile(null); break;
      case "console": break;
      default: throw new BadInput("--spark-log must be file, console or off: " + sparkLog);
    }
    List<SparkRun> runs = new ArrayList<>();
    int resume = 0;
    for (SparkSweepBridge.PlannedRun r : plan.todo()) {
      runs.add(new SparkRun(r.name(), r.trainArgs(), r.dir().toAbsolutePath().normalize().toString()));
      if (r.resumable()) resume++;
    }
    SparkSweepEngine.Settings settings = new SparkSweepEngine.Settings().master(master).appName("egd-sweep " + plan.name())
        .startTimeout(Duration.ofSeconds(startTimeout)).executorTimeout(Duration.ofSeconds(executorTimeout));
    conf.forEach(settings::conf);
    SparkSweepEngine engine = new SparkSweepEngine(settings);
    for (String j : jars) settings.jar(j);
    String m = engine.checkMaster();
    boolean cluster = m.startsWith("spark://") || m.startsWith("k8s://") || m.equals("yarn"); // executors in other JVMs
    if (jars.isEmpty() && System.getProperty("spark.jars") == null && cluster) {
      Path self = Path.of(SparkSweepMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (Files.isRegularFile(self)) settings.jar(self.toString());
      else throw new BadInput("--jars: executors need egd's classes; give the job jar (spark/target/egd-spark-job.jar)");
    }
    if (!quiet) {
      console.printf(Locale.ROOT, "egd sweep %s on Spark %s: %d runs (%d done, %d to resume, %d to start), %d thread(s) each -> %s%n",
          plan.name(), engine.master(), plan.runs().size(), plan.runs().size() - runs.size(), resume, runs.size() - resume,
          plan.threads(), plan.dir());
      if (sparkLog.equals("file")) console.println("  Spark's log: " + plan.dir().resolve("spark-driver.log"));
    }
    ConsoleProgress progress = new ConsoleProgress(console, quiet);
    List<RunOutcome> outcomes;
    try {
      outcomes = engine.run(runs, progress);
    } finally {
      progress.close();
    }
    List<RunOutcome> refused = new ArrayList<>();
    for (RunOutcome o : outcomes) if (o.failed()) refused.add(o);
    if (!refused.isEmpty())
      throw new BadInput(refused.size() + " of " + runs.size() + " runs refused to run: " + refused.get(0).id() + ": " + refused.get(0).message());
    String table = SparkSweepBridge.report(plan.dir());
    console.println();
    console.print(table);
    console.println("report: " + plan.dir().resolve("report.html"));
    return 0;
  }

  /** The command line, with egd's conventions: one line per error, exit 2 for bad input, 1 for a sweep that stopped. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new SparkSweepMain());
    cl.setParameterExceptionHandler((ex, args) -> {
      ex.getCommandLine().getErr().println("egd-spark: " + ex.getMessage().split("\n")[0] + " (see 'egd-spark --help')");
      return 2;
    });
    cl.setExecutionExceptionHandler((ex, command, parse) -> {
      if (ex instanceof BadInput || ex instanceof IllegalArgumentException) {
        command.getErr().println("egd-spark: " + ex.getMessage());
        return 2;
      }
      if (ex instanceof SparkSweepException) {
        command.getErr().println("egd-spark: " + ex.getMessage());
        return ((SparkSweepException) ex).beforeStart() ? 2 : 1;
      }
      throw ex;
    });
    return cl;
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }
}
