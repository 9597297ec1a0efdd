package dev.egd.train;

import dev.egd.ValidationException;
import dev.egd.data.Dataset;
import dev.egd.data.Split;
import dev.egd.linalg.Blas;
import dev.egd.nn.Batch;
import dev.egd.nn.Loss;
import dev.egd.nn.LossStats;
import dev.egd.nn.Model;
import dev.egd.nn.ParamSet;
import dev.egd.nn.Tensor;
import dev.egd.optim.GradientTransform;
import dev.egd.optim.InitContext;
import dev.egd.optim.Switchable;
import dev.egd.optim.TestAccuracy;
import dev.egd.util.Workers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * The training loop: shuffled minibatches, data-parallel shards on Java threads, the gradient
 * transforms (weight decay, EGD, filters and the optimizer are all links of one chain), evaluation
 * after every epoch (or every N steps), milestones and checkpoints.
 *
 * <p>Determinism: a batch is cut into contiguous shards, as many as there are threads but none under
 * {@link #MIN_SHARD_ROWS} rows; shard gradients are summed in shard order. The same seed and thread
 * count therefore give the same bits. Evaluation uses every thread ({@link Evaluator}).
 */
public final class Trainer {
  static final long STREAM_SHUFFLE = 0x5417L;
  /** A batch is split over threads only in shards of at least this many rows: smaller ones cost more in hand-offs than they save. */
  static final int MIN_SHARD_ROWS = 128;
  /**
   * The blow-up rule for explosions that stay finite: a run has diverged when, at an evaluation, the
   * weights' norm exceeds this multiple of their norm at the start, or the training loss this multiple of
   * the first evaluation's (and of 1). No run that learns comes near either (the papers' runs stay
   * within 10x of both).
   */
  public static final double BLOW_UP = 1e4;

  private final Model model;
  private final Loss loss;
  private final Split data;
  private final GradientTransform transform;
  private final TrainSettings settings;
  private final TestAccuracy testAccuracy = new TestAccuracy();
  private volatile boolean stopRequested;
  private final CountDownLatch finished = new CountDownLatch(1);
  private byte[] resumeFrom;

  // set up by run()
  private ParamSet params;
  private Shards shards;
  private Workers workers;
  private TrainerState state;

  /**
   * A trainer for one run; {@link #run} initialises the transform on the model's parameters, which it trains in place.
   *
   * @param model the model; its parameters are updated in place and should be initialised
   * @param loss the training loss, also what evaluations measure
   * @param data the training and test sets
   * @param transform the gradient transform, ending in an optimizer
   * @param settings the loop's settings
   * @throws ValidationException ({@code batch}) if the batch is larger than the training set
   */
  public Trainer(Model model, Loss loss, Split data, GradientTransform transform, TrainSettings settings) {
    this.model = model;
    this.loss = loss;
    this.data = data;
    this.transform = transform;
    this.settings = settings;
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

  /**
   * Asks a running {@link #run} to stop at its next evaluation; it returns with status interrupted.
   * Safe to call from any thread.
   */
  public void requestStop() { stopRequested = true; }

  /**
   * After {@link #requestStop}: waits up to the given time for {@link #run} to return; true if it did.
   *
   * @param millis the longest to wait, in milliseconds
   * @return whether {@link #run} has returned
   * @throws InterruptedException if the waiting thread is interrupted
   */
  public boolean awaitFinish(long millis) throws InterruptedException {
    return finished.await(millis, TimeUnit.MILLISECONDS);
  }

  /**
   * Makes the next {@link #run} continue from a checkpoint written by this trainer's configuration:
   * parameters, transform state, shuffling stream, position in the epoch, metrics and milestones. The
   * continued run ends bit-identical to one never interrupted (same seed and thread count).
   *
   * @param checkpoint bytes a {@link Checkpoints#save} received; copied
   */
  public void resumeFrom(byte[] checkpoint) { this.resumeFrom = checkpoint.clone(); }

  /**
   * Runs without checkpoints: {@code run(listener, null)}.
   *
   * @param listener told of every evaluation and of the end
   * @return how the run ended
   */
  public RunResult run(TrainListener listener) { return run(listener, null); }

  /**
   * Runs, saving checkpoints at evaluations when they are due and whenever a stop was requested.
   * Blocks until the run ends; divergence ends it with status {@code diverged} rather than an exception. One run at a
   * time per trainer.
   *
   * @param listener told of every evaluation and of the end, on this thread
   * @param checkpoints where checkpoints go, or null for none
   * @return how the run ended
   * @throws java.io.UncheckedIOException if saving a checkpoint fails, or a resumed checkpoint does not match this run
   * @throws ValidationException if the transform cannot run on the model's parameters
   */
  public RunResult run(TrainListener listener, Checkpoints checkpoints) {
    try (Workers w = new Workers(settings.threads())) {
      workers = w;
      return loop(listener, checkpoints);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      finished.countDown();
    }
  }

  private RunResult loop(TrainListener listener, Checkpoints checkpoints) throws IOException {
    long t0 = System.nanoTime();
    Blas.config(); // load the native library now: it belongs to setup, not to the first epoch
    Dataset train = data.train(), test = data.test();
    params = model.params();
    shards = new Shards(train);
    Evaluator evaluator = new Evaluator(model, loss, workers, train, Math.max(train.size, test.size));
    transform.init(params, InitContext.of(settings.seed(), workers, testAccuracy));
    state = new TrainerState(train.size, settings.seed());
    if (resumeFrom != null) {
      try {
        state.restore(resumeFrom, params, transform);
      } catch (IOException | RuntimeException e) { // whole (its digest checks out) but not a state of this run: refused, nothing written
        throw dev.egd.ValidationException.of("resume", "found the checkpoint's state unreadable (" + (e.getMessage() == null ? e.getClass().getSimpleName()
            : e.getMessage()) + "); start afresh without {resume}");
      }
      EpochRecord last = state.last();
      if (last != null) testAccuracy.report(last.testAcc(), last.epoch());
      listener.onResume(List.copyOf(state.history));
    }
    if (resumeFrom == null) state.initialWeightNorm = params.norm(Tensor.Kind.WEIGHT);
    double setup = (System.nanoTime() - t0) / 1e9;
    long start = System.nanoTime() - (long) (state.secondsBefore * 1e9);
    int stepsPerEpoch = stepsPerEpoch(train.size, settings.batch(), settings.dropLast());
    String status = "completed", message = null;
    run:
    while (state.epoch < settings.epochs()) {
      if (state.nextBatch == 0) state.shuffle.shuffle(state.order, state.order.length);
      for (int b = state.nextBatch; b < stepsPerEpoch; b++) {
        double batchLoss;
        try {
          batchLoss = step(b * settings.batch(), Math.min(settings.batch(), train.size - b * settings.batch()));
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
        boolean epochEnd = b == stepsPerEpoch - 1;
        if (epochEnd) state.epoch++;
        boolean finalStep = epochEnd && state.epoch == settings.epochs();
        boolean evalPoint = settings.evalEvery() > 0 ? state.step % settings.evalEvery() == 0 || finalStep : epochEnd;
        if (!evalPoint) continue;
        state.nextBatch = epochEnd ? 0 : b + 1;
        long evalEpoch = epochEnd ? state.epoch : state.epoch + 1; // the epoch this evaluation falls in
        if (!params.allFinite()) {
          status = "diverged";
          message = "parameters became non-finite in epoch " + evalEpoch + "; stopped, metrics so far kept";
          break run;
        }
        EpochRecord r = evaluate(evaluator, evalEpoch, start, listener);
        boolean complete = state.epochsToTarget != null && settings.stopAfter() >= 0 && evalEpoch - state.epochsToTarget >= settings.stopAfter();
        String blowUp = blowUp(r, state.initialWeightNorm);
        boolean diverged = !Double.isFinite(r.trainLoss()) || blowUp != null;
        if (checkpoints != null && !diverged && !complete && !finalStep && (stopRequested || checkpoints.due(state.evaluations))) {
          checkpoints.save(state.checkpoint((System.nanoTime() - start) / 1e9, params, transform));
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
  private String blowUp(EpochRecord r, double initialNorm) {
    double firstLoss = state.history.get(0).trainLoss();
    if (initialNorm > 0 && r.weightNorm() > BLOW_UP * initialNorm)
      return String.format(java.util.Locale.ROOT, "the weights' norm grew to %.3g, over %.0e times its start (%.3g)", r.weightNorm(), BLOW_UP, initialNorm);
    if (Double.isFinite(firstLoss) && r.trainLoss() > BLOW_UP * Math.max(1, firstLoss))
      return String.format(java.util.Locale.ROOT, "the training loss grew to %.3g, over %.0e times its first value (%.3g)", r.trainLoss(), BLOW_UP, firstLoss);
    return null;
  }

  /**
   * One optimizer step on the examples {@code order[from .. from + rows)}: forward and backward over
   * the shards, the shard gradients summed, the transforms (decay, EGD, filters, optimizer), and the
   * update added to the parameters. Returns the batch's summed loss.
   */
  private double step(int from, int rows) {
    long c0 = System.nanoTime();
    double batchLoss = shards.forwardBackward(state.order, from, rows, state.sinceEvaluation);
    if (!Double.isFinite(batchLoss)) return batchLoss;
    ParamSet grads = shards.reduce();
    long c1 = System.nanoTime();
    transform.update(grads, params, state.step);
    long c2 = System.nanoTime();
    shards.apply(grads, params);
    long c3 = System.nanoTime();
    state.phaseNanos[0] += c1 - c0;
    state.phaseNanos[1] += c2 - c1;
    state.phaseNanos[2] += c3 - c2;
    state.step++;
    return batchLoss;
  }

  /** Measures the model, tells the switch-offs, records the evaluation and its milestone. */
  private EpochRecord evaluate(Evaluator evaluator, long evalEpoch, long start, TrainListener listener) {
    long e0 = System.nanoTime();
    double trainLoss, trainAcc;
    if (settings.trainMetrics() == TrainSettings.TrainMetrics.RUNNING) {
      trainLoss = state.sinceEvaluation.meanLoss();
      trainAcc = state.sinceEvaluation.accuracy();
    } else {
      LossStats t = evaluator.evaluate(data.train());
      trainLoss = t.meanLoss();
      trainAcc = t.accuracy();
    }
    state.sinceEvaluation.clear();
    double weightNorm = params.norm(Tensor.Kind.WEIGHT);
    LossStats t = evaluator.evaluate(data.test());
    double testLoss = t.meanLoss(), testAcc = t.accuracy();
    state.phaseNanos[3] += System.nanoTime() - e0;
    double seconds = (System.nanoTime() - start) / 1e9;
    testAccuracy.report(testAcc, evalEpoch);
    boolean active = !(transform instanceof Switchable) || ((Switchable) transform).active();
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
    Map<String, Object> stats = transform instanceof dev.egd.optim.Reporting ? ((dev.egd.optim.Reporting) transform).stats() : Map.of();
    RunResult result = new RunResult(status, message, state.epoch, state.step, state.epochsToTarget, state.stepsToTarget,
        state.secondsToTarget, settings.target(), state.last(), totalSeconds, state.epoch == 0 ? Double.NaN : totalSeconds / state.epoch,
        setup, state.history, stats, phases);
    listener.onFinish(result);
    return result;
  }

  /**
   * Per-thread gradients, workspaces and batches. A batch of rows is cut into contiguous shards, one
   * per thread but none under {@link #MIN_SHARD_ROWS} rows; their gradients are summed in shard order.
   */
  private final class Shards {
    private final Dataset train;
    private final int threads, maxShards;
    private final ParamSet[] grads;
    private final Model.Workspace[] ws;
    private final Batch[] batches;
    private final LossStats[] stats;
    private int[] order;
    private int from, rows, count;
    private float scale;
    private ParamSet sumInto, applyTo;
    private final IntConsumer shard = this::shard, sum = this::sum, add = this::add;

    Shards(Dataset train) {
      this.train = train;
      this.threads = workers.size();
      int batch = settings.batch();
      this.maxShards = Math.max(1, Math.min(threads, batch / MIN_SHARD_ROWS));
      // The largest shard any batch can produce: a full batch's, or a partial batch too small to split.
      int shardRows = Math.max((batch + maxShards - 1) / maxShards, Math.min(batch, 2 * MIN_SHARD_ROWS - 1));
      grads = new ParamSet[threads];
      ws = new Model.Workspace[threads];
      batches = new Batch[threads];
      stats = new LossStats[threads];
      for (int s = 0; s < threads; s++) {
        grads[s] = model.params().zerosLike();
        ws[s] = model.newWorkspace(shardRows);
        batches[s] = train.newBatch(shardRows);
        stats[s] = new LossStats();
      }
    }

    /** Forward, loss and backward of every shard; adds their loss sums to {@code running} and returns the batch's. */
    double forwardBackward(int[] order, int from, int rows, LossStats running) {
      this.order = order;
      this.from = from;
      this.rows = rows;
      this.count = Math.max(1, Math.min(maxShards, rows / MIN_SHARD_ROWS));
      this.scale = 1f / rows;
      if (count == 1) shard(0);
      else workers.run(shard);
      double batchLoss = 0;
      for (int s = 0; s < count; s++) {
        batchLoss += stats[s].lossSum;
        running.add(stats[s]);
      }
      return batchLoss;
    }

    private void shard(int s) {
      if (s >= count) return;
      int per = (rows + count - 1) / count;
      int start = s * per;
      int n = Math.min(rows, start + per) - start;
      LossStats st = stats[s];
      st.clear();
      if (n <= 0) {
        grads[s].zero();
        return;
      }
      Batch b = batches[s];
      train.gather(order, from + start, n, b);
      model.forward(b, ws[s]);
      loss.evaluate(ws[s].out(), model.outputDim(), b, ws[s].dOut(), scale, st);
      model.backward(b, ws[s], grads[s]);
    }

    /** The batch's gradient: shard 0's, with the others added in shard order. */
    ParamSet reduce() {
      if (count > 1) {
        sumInto = grads[0];
        workers.run(sum);
      }
      return grads[0];
    }

    /** Element-wise, so each worker takes a slice of every tensor and the bits do not depend on the split. */
    private void sum(int w) {
      for (int i = 0; i < sumInto.count(); i++) {
        float[] gd = sumInto.get(i).data;
        int lo = (int) ((long) gd.length * w / threads), hi = (int) ((long) gd.length * (w + 1) / threads);
        for (int s = 1; s < count; s++) {
          float[] o = grads[s].get(i).data;
          for (int j = lo; j < hi; j++) gd[j] += o[j];
        }
      }
    }

    /** params += update, on every thread. */
    void apply(ParamSet update, ParamSet params) {
      sumInto = update;
      applyTo = params;
      workers.run(add);
    }

    private void add(int w) {
      for (int i = 0; i < applyTo.count(); i++) {
        float[] pd = applyTo.get(i).data, gd = sumInto.get(i).data;
        int lo = (int) ((long) pd.length * w / threads), hi = (int) ((long) pd.length * (w + 1) / threads);
        for (int j = lo; j < hi; j++) pd[j] += gd[j];
      }
    }
  }
}
