package dev.egd.experiment;

import dev.egd.train.RunResult;
import dev.egd.train.TrainListener;
import java.io.IOException;
import java.nio.file.Path;

/** Running one run of a sweep into its directory: the one body every sweep engine calls. */
public final class SweepRuns {
  private SweepRuns() {}

  /**
   * Runs {@code run} into its directory: skipped (its result read back) when it has finished already,
   * resumed when it holds a checkpoint, started afresh otherwise (whatever an earlier attempt left is
   * cleared). The directory is locked for the run's time, so a second attempt of the same run (a retry,
   * a speculative copy) waits its turn instead of writing beside it.
   *
   * @param holder who holds the lock, for the message another writer gets
   * @param finished what to do once the summary is written (charts), or null
   * @param started told the run before it trains (to stop it on a signal), or null
   * @param run the run, with its settings and directory
   * @param display told of the run's evaluations and end
   * @return how the run ended (read back from the directory when it had finished already)
   * @throws IOException if the directory cannot be read or written, or another writer holds its lock
   * @throws dev.egd.ValidationException if a setting is out of range
   */
  public static RunResult execute(SweepRun run, TrainListener display, RunDirectory.Finished finished, String holder,
      java.util.function.Consumer<TrainingRun> started) throws IOException {
    Path dir = run.path();
    TrainingRun built = Experiments.prepare(run.config(), run.methods());
    if (started != null) started.accept(built);
    if (RunDirectory.isFinished(dir) && OutputDirectory.sameSettings(OutputDirectory.readSummary(dir), built.settingsRecord()))
      return RunDirectory.load(dir);
    boolean resume = RunDirectory.hasCheckpoint(dir);
    try (OutputDirectory.Lock lock = OutputDirectory.claimRun(dir, built.settingsRecord(), resume, true, holder)) {
      return RunDirectory.run(dir, built, resume, display, finished).result();
    }
  }
}
