package dev.egd.cli;

import dev.egd.experiment.SweepEngine;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import picocli.CommandLine.Option;

/** Which engine runs a sweep's runs: this process's threads (local) or a cluster engine found on the class path (spark). */
final class EngineOptions {
  @Option(names = "--engine", description = "local (this process's threads, the default) or spark (Apache Spark: embedded local[*] "
      + "unless --master is given; ./egd puts egd-spark and Spark on the class path when asked).")
  String engine;

  @Option(names = "--master", description = "With --engine spark: local[N], spark://HOST:PORT, yarn or k8s://... (default: local[*]).")
  String master;

  @Option(names = "--engine-conf", paramLabel = "KEY=VALUE", description = "With --engine spark: a setting of the engine (repeatable), e.g. "
      + "spark.executor.memory=4g, or start-timeout=60 (seconds to wait for the master).")
  List<String> conf;

  /** The cluster engine asked for, or null for the local one; a bad or missing engine is bad input. */
  SweepEngine find() {
    if (engine == null || engine.equals("local")) {
      if (master != null) throw new BadInput("--master needs --engine spark");
      if (conf != null && !conf.isEmpty()) throw new BadInput("--engine-conf needs --engine spark");
      return null;
    }
    List<String> found = new java.util.ArrayList<>();
    for (SweepEngine e : ServiceLoader.load(SweepEngine.class)) {
      if (e.name().equals(engine)) {
        try {
          e.check(options()); // checked now, before anything is written
        } catch (RuntimeException bad) {
          throw bad;
        } catch (Exception bad) {
          throw new BadInput(Main.oneLine(bad.getMessage()));
        }
        return e;
      }
      found.add(e.name());
    }
    throw new BadInput("--engine must be local" + (found.isEmpty() ? "" : " or one of " + found) + ": " + engine
        + (engine.equals("spark") ? " (the spark engine needs the egd-spark module and Spark on the class path: run through ./egd, which puts them there)" : ""));
  }

  /** The engine's settings: master and every --engine-conf. */
  Map<String, String> options() {
    Map<String, String> m = new LinkedHashMap<>();
    if (master != null) m.put("master", master);
    if (conf != null) {
      for (String kv : conf) {
        int eq = kv.indexOf('=');
        if (eq < 1) throw new BadInput("--engine-conf must be KEY=VALUE: " + kv);
        m.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
      }
    }
    return m;
  }
}
