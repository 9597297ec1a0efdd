package dev.egd.experiment;

import dev.egd.train.RunResult;
import java.util.List;
import java.util.Map;

/**
 * What runs a sweep's runs: a thread pool in this process (the command line's default) or a cluster
 * (egd-spark's {@code spark}, found through {@link java.util.ServiceLoader} in
 * {@code META-INF/services/dev.egd.experiment.SweepEngine}). Every engine runs each run with
 * {@link SweepRuns#execute}, so a run's directory holds the same bytes whichever engine ran it.
 */
public interface SweepEngine {
  /**
   * The engine's name ({@code spark}).
   *
   * @return the name, as a sweep's engine setting gives it
   */
  String name();

  /**
   * Checks the engine's own settings (and, where it can, that its cluster can be reached) before the
   * command writes anything; throws a {@link dev.egd.ValidationException} in one line when they are
   * bad. The default accepts anything.
   *
   * @param options the engine's own settings, by name
   * @throws dev.egd.ValidationException if a setting is bad
   * @throws Exception if checking fails otherwise (the cluster cannot be reached)
   */
  default void check(Map<String, String> options) throws Exception {}

  /**
   * Runs every run (skipping none: the caller has left out the finished ones), reporting to
   * {@code progress}; returns each run's result by {@link SweepRun#id}, or throws when the engine
   * itself fails.
   *
   * @param options the engine's own settings, by name (e.g. {@code master})
   * @param runs the runs to run
   * @param progress told of each run as it starts, finishes or fails (from any thread)
   * @return the results, by run id; a run that failed has none
   * @throws Exception if the engine itself fails
   */
  Map<String, RunResult> run(List<SweepRun> runs, Map<String, String> options, Progress progress) throws Exception;

  /**
   * What an engine tells the command about its runs as they go.
   * Implementations must be thread-safe: an engine may call them from several threads at once.
   */
  interface Progress {
    /**
     * A run began.
     *
     * @param run the run
     */
    default void started(SweepRun run) {}

    /**
     * A run ended with a result (whatever its status).
     *
     * @param run the run
     * @param result how it ended
     */
    default void finished(SweepRun run, RunResult result) {}

    /**
     * A run failed with an exception and has no result.
     *
     * @param run the run
     * @param why the failure, in one line
     */
    default void failed(SweepRun run, String why) {}

    /**
     * A line worth showing (retries, lost executors...).
     *
     * @param line the line
     */
    default void note(String line) {}
  }
}
