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
import dev.egd.util.State;
import dev.egd.util.Workers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * egd's own engine: a model's forward and backward on data-parallel shards over Java threads, the
 * gradient transforms (weight decay, EGD, filters and the optimizer are all links of one chain) and
 * the update, trained on the schedule of {@link TrainingLoop} (shuffled minibatches, evaluation after
 * every epoch or every N steps, milestones, divergence and checkpoints).
 *
 * <p>Determinism: a batch is cut into contiguous shards, as many as there are threads but none under
 * {@link #MIN_SHARD_ROWS} rows; shard gradients are summed in shard order. The same seed and thread
 * count therefore give the same bits. Evaluation uses every thread ({@link Evaluator}).
 */
public final class Trainer {
  /** A batch is split over threads only in shards of at least this many rows: smaller ones cost more in hand-offs than they save. */
  static final int MIN_SHARD_ROWS = 128;

  private final Model model;
  private final Loss loss;
  private final Split data;
  private final GradientTransform transform;
  private final TrainSettings settings;
  private final TestAccuracy testAccuracy = new TestAccuracy();
  private volatile boolean stopRequested;
  private volatile TrainingLoop loop;
  private final CountDownLatch finished = new CountDownLatch(1);
  private byte[] resumeFrom;

  // set up by run()
  private ParamSet params;
  private Shards shards;
  private Workers workers;

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
    TrainingLoop.checkBatch(data, settings);
  }

  /**
   * Asks a running {@link #run} to stop at its next evaluation; it returns with status interrupted.
   * Safe to call from any thread.
   */
  public void requestStop() {
    stopRequested = true;
    TrainingLoop l = loop;
    if (l != null) l.requestStop();
  }

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
    TrainingLoop loop = new TrainingLoop(settings, data, new OwnSteps(evaluator));
    this.loop = loop;
    if (stopRequested) loop.requestStop();
    return loop.run(listener, checkpoints, resumeFrom, t0);
  }

  /** egd's own steps: the model's forward and backward over the shards, the chain, the update. */
  private final class OwnSteps implements TrainingLoop.Steps {
    private final Evaluator evaluator;

    OwnSteps(Evaluator evaluator) { this.evaluator = evaluator; }

    /**
     * One optimizer step on the examples {@code order[from .. from + rows)}: forward and backward over
     * the shards, the shard gradients summed, the transforms (decay, EGD, filters, optimizer), and the
     * update added to the parameters. Returns the batch's summed loss.
     */
    @Override public double step(long index, int[] order, int from, int rows, LossStats running, long[] phaseNanos) {
      long c0 = System.nanoTime();
      double batchLoss = shards.forwardBackward(order, from, rows, running);
      if (!Double.isFinite(batchLoss)) return batchLoss;
      ParamSet grads = shards.reduce();
      long c1 = System.nanoTime();
      transform.update(grads, params, index);
      long c2 = System.nanoTime();
      shards.apply(grads, params);
      long c3 = System.nanoTime();
      phaseNanos[0] += c1 - c0;
      phaseNanos[1] += c2 - c1;
      phaseNanos[2] += c3 - c2;
      return batchLoss;
    }

    @Override public boolean parametersFinite() { return params.allFinite(); }

    @Override public double weightNorm() { return params.norm(Tensor.Kind.WEIGHT); }

    @Override public LossStats evaluate(Dataset d) { return evaluator.evaluate(d); }

    @Override public boolean reportTestAccuracy(double testAcc, long epoch) {
      testAccuracy.report(testAcc, epoch);
      return !(transform instanceof Switchable) || ((Switchable) transform).active();
    }

    @Override public Map<String, Object> stats() {
      return transform instanceof dev.egd.optim.Reporting ? ((dev.egd.optim.Reporting) transform).stats() : Map.of();
    }

    @Override public void saveState(State.Out out) throws IOException {
      out.tag("params");
      for (int i = 0; i < params.count(); i++) out.floats(params.get(i).data);
      out.tag("transform");
      transform.saveState(out);
    }

    @Override public void loadState(State.In in) throws IOException {
      in.tag("params");
      for (int i = 0; i < params.count(); i++) in.floatsInto(params.get(i).data);
      in.tag("transform");
      transform.loadState(in);
    }
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
