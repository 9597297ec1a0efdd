package dev.egd.train;

import dev.egd.ValidationException;
import dev.egd.data.Dataset;
import dev.egd.data.Split;
import dev.egd.nn.LossStats;
import dev.egd.util.State;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The schedule every egd engine trains by, whatever computes its steps: shuffled minibatches (one
 * shuffle stream per seed, so engines that share a seed see the same batches), evaluations after
 * every epoch or every N steps, the target milestone, {@code stop_after}, the divergence and
 * {@link #BLOW_UP} rules, checkpoints when due and on a stop request, and the run's result. egd's own
 * {@link Trainer} and other engines (the DJL module's) supply the steps through {@link Steps}; the
 * loop keeps the position, the records and the checkpoint format of that position.
 *
 * <p>A checkpoint is the loop's position and records followed by what {@link Steps#saveState} writes
 * (parameters and transform state); {@link Steps#loadState} reads it back. A run continued from a
 * checkpoint ends bit-identical to one never interrupted when the steps are deterministic.
 *
 * <p>Not thread-safe, except {@link #requestStop}; one {@link #run} per loop.
 */
public final class TrainingLoop {
  static final long STREAM_SHUFFLE = 0x5417L;
  /**
   * The blow-up rule for explosions that stay finite: a run has diverged when, at an evaluation, the
   * weights' norm exceeds this multiple of their norm at the start, or the training loss this multiple of
   * the first evaluation's (and of 1). No run that learns comes near either (the papers' runs stay
   * within 10x of both).
   */
  public static final double BLOW_UP = 1e4;

  /** What an engine does for the loop: the steps, the measurements and the state it owns. */
  public interface Steps {
    /**
     * One optimizer step on the training examples {@code order[from .. from + rows)}: forward,
     * backward, the transforms and the update of the parameters.
     *
     * @param index the steps taken before this one in the run (the transforms' step count)
     * @param order the current epoch's shuffle of the training set (read only)
     * @param from the first position in {@code order}
     * @param rows how many examples, at least 1
     * @param running the batch's loss and accuracy are added to it (running train metrics)
     * @param phaseNanos nanoseconds spent are added to elements 0 (forward and backward), 1 (transforms) and 2 (update)
     * @return the batch's summed loss; a non-finite value stops the run as diverged
     * @throws ArithmeticException when a transform meets non-finite numbers (the run stops as diverged)
     */
    double step(long index, int[] order, int from, int rows, LossStats running, long[] phaseNanos);

    /**
     * Whether every parameter is finite.
     *
     * @return false when any element is NaN or infinite
     */
    boolean parametersFinite();

    /**
     * The weights' Euclidean norm, biases excluded.
     *
     * @return the norm
     */
    double weightNorm();

    /**
     * The model's loss and accuracy on a whole dataset, with the training loss's definitions.
     *
     * @param data the training or the test set of the run
     * @return the summed loss, correct predictions and count
     */
    LossStats evaluate(Dataset data);

    /**
     * Tells the transforms an evaluation's test accuracy (the switch-off's signal); also called once
     * with the last recorded evaluation when a run resumes.
     *
     * @param testAccuracy the accuracy in [0, 1]
     * @param epoch the epoch the evaluation falls in
     * @return whether the matrix transforms are still active after it
     */
    boolean reportTestAccuracy(double testAccuracy, long epoch);

    /**
     * What the transforms report at the end of the run (for example EGD's route counts).
     *
     * @return named statistics, possibly empty
     */
    Map<String, Object> stats();

    /**
     * Writes the parameters and the transforms' state after the loop's part of a checkpoint.
     *
     * @param out the checkpoint's stream
     * @throws IOException if writing fails
     */
    void saveState(State.Out out) throws IOException;

    /**
     * Reads what {@link #saveState} wrote, into this run's parameters and transforms.
     *
     * @param in the checkpoint's stream, positioned after the loop's part
     * @throws IOException if the state is damaged or not of this run
     */
    void loadState(State.In in) throws IOException;
  }

  private final TrainSettings settings;
  private final Split data;
  private final Steps steps;
  private final TrainerState state;
  private volatile boolean stopRequested;

  /**
   * A loop for one run.
   *
   * @param settings epochs, batch, evaluation schedule, target, {@code stop_after}, seed (the shuffle stream)
   * @param data the training and test sets the steps index into
   * @param steps the engine's side
   * @throws ValidationException ({@code batch}) if the batch is larger than the training set
   */
  public TrainingLoop(TrainSettings settings, Split data, Steps steps) {
    checkBatch(data, settings);
    this.settings = settings;
    this.data = data;
    this.steps = steps;
    this.state = new TrainerState(data.train().size, settings.seed());
  }

  static void checkBatch(Split data, TrainSettings settings) {
    if (data.train().size < settings.batch())
      throw new ValidationException("batch", "must be in [1, " + data.train().size + "] (the training set size)", settings.batch());
  }

  /**
   * Optimizer steps in one epoch over {@code trainSize} examples.
   *
   * @param trainSize training examples
   * @param batch the minibatch size, at least 1
   * @param dropLast whether the last partial batch is dropped
   * @return {@code trainSize / batch}, rounded down when dropping the last batch, else up
   */
  public static int stepsPerEpoch(int trainSize, int batch, boolean dropLast) {
    return dropLast ? trainSize / batch : (trainSize + batch - 1) / batch;
  }

  /** Asks a running {@link #run} to stop at its next evaluation; it returns with status interrupted. Safe from any thread. */
  public void requestStop() { stopRequested = true; }

  /**
   * Runs to the end: the epochs, the target and {@code stop_after}, divergence, or a stop request.
   *
   * @param listener told of every evaluation and of the end, on this thread
   * @param checkpoints where checkpoints go, or null for none
   * @param resumeFrom a checkpoint of this run's configuration to continue from, or null to start afresh
   * @param setupStart {@link System#nanoTime()} when the engine began to set the run up (reported as setup time)
   * @return how the run ended
   * @throws ValidationException ({@code resume}) if the checkpoint is not a state of this run
   * @throws IOException if saving a checkpoint fails
   */
  public RunResult run(TrainListener listener, Checkpoints checkpoints, byte[] resumeFrom, long setupStart) throws IOException {
    if (resumeFrom != null) {
      try {
        state.restore(resumeFrom, steps);
      } catch (IOException | RuntimeException e) { // whole (its digest checks out) but not a state of this run: refused, nothing written
        throw ValidationException.of("resume", "found the checkpoint's state unreadable (" + (e.getMessage() == null ? e.getClass().getSimpleName()
            : e.getMessage()) + "); start afresh without {resume}");
      }
      EpochRecord last = state.last();
      if (last != null) steps.reportTestAccuracy(last.testAcc(), last.epoch());
      listener.onResume(List.copyOf(state.history));
    } else {
      state.initialWeightNorm = steps.weightNorm();
    }
    double setup = (System.nanoTime() - setupStart) / 1e9;
    long start = System.nanoTime() - (long) (state.secondsBefore * 1e9);
    Dataset train = data.train();
    int stepsPerEpoch = stepsPerEpoch(train.size, settings.batch(), settings.dropLast());
    String status = "completed", message = null;
    run:
    while (state.epoch < settings.epochs()) {
      if (state.nextBatch == 0) state.shuffle.shuffle(state.order, state.order.length);
      for (int b = state.nextBatch; b < stepsPerEpoch; b++) {
        double batchLoss;
        try {
          int from = b * settings.batch();
          batchLoss = steps.step(state.step, state.order, from, Math.min(settings.batch(), train.size - from), state.sinceEvaluation, state.phaseNanos);
        } catch (ArithmeticException e) { // a decomposition met non-finite or degenerate numbers
          status = "diverged";
          message = "the transforms failed at epoch " + (state.epoch + 1) + ", step " + (state.step + 1) + " (" + e.getMessage()
              + "): the gradient is no longer finite; stopped, metrics so far kept";
          break run;
        }
        if (!Double.isFinite(batchLoss)) {
          status = "diverged";
          message = "loss became " + batchLoss + " at epoch " + (state.epoch + 1) + ", step " + (state.step + 1) + "; stopped, metrics so far kept";
          break run;
        }
        state.step++;
        boolean epochEnd = b == stepsPerEpoch - 1;
        if (epochEnd) state.epoch++;
        boolean finalStep = epochEnd && state.epoch == settings.epochs();
        boolean evalPoint = settings.evalEvery() > 0 ? state.step % settings.evalEvery() == 0 || finalStep : epochEnd;
        if (!evalPoint) continue;
        state.nextBatch = epochEnd ? 0 : b + 1;
        long evalEpoch = epochEnd ? state.epoch : state.epoch + 1; // the epoch this evaluation falls in
        if (!steps.parametersFinite()) {
          status = "diverged";
          message = "parameters became non-finite in epoch " + evalEpoch + "; stopped, metrics so far kept";
          break run;
        }
        EpochRecord r = evaluate(evalEpoch, start, listener);
        boolean complete = state.epochsToTarget != null && settings.stopAfter() >= 0 && evalEpoch - state.epochsToTarget >= settings.stopAfter();
        String blowUp = blowUp(r);
        boolean diverged = !Double.isFinite(r.trainLoss()) || blowUp != null;
        if (checkpoints != null && !diverged && !complete && !finalStep && (stopRequested || checkpoints.due(state.evaluations))) {
          checkpoints.save(state.checkpoint((System.nanoTime() - start) / 1e9, steps));
        }
        if (diverged) {
          status = "diverged";
          message = (blowUp != null ? blowUp : "training loss became " + r.trainLoss()) + " at epoch " + evalEpoch + "; stopped, metrics so far kept";
        } else if (complete) {
          status = "stopped-after-target";
        } else if (stopRequested) {
          status = "interrupted";
          message = "stopped on request after epoch " + evalEpoch;
        } else {
          continue;
        }
        break run;
      }
      state.nextBatch = 0;
    }
    return finish(listener, status, message, start, setup);
  }

  /** Why an evaluation shows a finite blow-up ({@link #BLOW_UP}), or null. */
  private String blowUp(EpochRecord r) {
    double firstLoss = state.history.get(0).trainLoss(), initialNorm = state.initialWeightNorm;
    if (initialNorm > 0 && r.weightNorm() > BLOW_UP * initialNorm)
      return String.format(Locale.ROOT, "the weights' norm grew to %.3g, over %.0e times its start (%.3g)", r.weightNorm(), BLOW_UP, initialNorm);
    if (Double.isFinite(firstLoss) && r.trainLoss() > BLOW_UP * Math.max(1, firstLoss))
      return String.format(Locale.ROOT, "the training loss grew to %.3g, over %.0e times its first value (%.3g)", r.trainLoss(), BLOW_UP, firstLoss);
    return null;
  }

  /** Measures the model, tells the transforms, records the evaluation and its milestone. */
  private EpochRecord evaluate(long evalEpoch, long start, TrainListener listener) {
    long e0 = System.nanoTime();
    double trainLoss, trainAcc;
    if (settings.trainMetrics() == TrainSettings.TrainMetrics.RUNNING) {
      trainLoss = state.sinceEvaluation.meanLoss();
      trainAcc = state.sinceEvaluation.accuracy();
    } else {
      LossStats t = steps.evaluate(data.train());
      trainLoss = t.meanLoss();
      trainAcc = t.accuracy();
    }
    state.sinceEvaluation.clear();
    double weightNorm = steps.weightNorm();
    LossStats t = steps.evaluate(data.test());
    double testLoss = t.meanLoss(), testAcc = t.accuracy();
    state.phaseNanos[3] += System.nanoTime() - e0;
    double seconds = (System.nanoTime() - start) / 1e9;
    boolean active = steps.reportTestAccuracy(testAcc, evalEpoch);
    EpochRecord r = new EpochRecord(evalEpoch, state.step, trainLoss, trainAcc, testLoss, testAcc, weightNorm, seconds, active);
    state.history.add(r);
    if (state.epochsToTarget == null && testAcc > settings.target()) {
      state.epochsToTarget = evalEpoch;
      state.stepsToTarget = state.step;
      state.secondsToTarget = seconds;
    }
    state.evaluations++;
    listener.onEpoch(r);
    return r;
  }

  private RunResult finish(TrainListener listener, String status, String message, long start, double setup) {
    double totalSeconds = (System.nanoTime() - start) / 1e9;
    Map<String, Double> phases = new LinkedHashMap<>();
    phases.put("forward_backward", state.phaseNanos[0] / 1e9);
    phases.put("transform", state.phaseNanos[1] / 1e9);
    phases.put("update", state.phaseNanos[2] / 1e9);
    phases.put("evaluation", state.phaseNanos[3] / 1e9);
    RunResult result = new RunResult(status, message, state.epoch, state.step, state.epochsToTarget, state.stepsToTarget,
        state.secondsToTarget, settings.target(), state.last(), totalSeconds, state.epoch == 0 ? Double.NaN : totalSeconds / state.epoch,
        setup, state.history, steps.stats(), phases);
    listener.onFinish(result);
    return result;
  }
}
