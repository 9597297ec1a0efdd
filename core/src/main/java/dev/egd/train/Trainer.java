package dev.egd.train;

import dev.egd.data.Dataset;
import dev.egd.data.Split;
import dev.egd.nn.LossStats;
import dev.egd.nn.Loss;
import dev.egd.nn.Model;
import dev.egd.nn.ParamSet;
import dev.egd.nn.Tensor;
import dev.egd.optim.GradientTransform;
import dev.egd.util.Rng;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * The training loop: shuffled minibatches, data-parallel shards on Java threads, gradient transforms,
 * evaluation after every epoch (or every N steps), and milestones.
 *
 * <p>Determinism: a batch is cut into contiguous shards, as many as there are threads but none under
 * {@link #MIN_SHARD_ROWS} rows; shard gradients are summed in shard order. The same seed and thread
 * count therefore give the same bits. Evaluation uses every thread.
 */
public final class Trainer {
  /** Rows per evaluation block: bounds workspace size and keeps JavaCPP's array copies small. */
  static final int EVAL_CHUNK = 512;
  static final long STREAM_SHUFFLE = 0x5417L;
  /** A batch is split over threads only in shards of at least this many rows: smaller ones cost more in hand-offs than they save. */
  static final int MIN_SHARD_ROWS = 128;

  private final Model model;
  private final Loss loss;
  private final Split data;
  private final GradientTransform transform;
  private final TrainSettings settings;
  private volatile boolean stopRequested;
  private final java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(1);
  private byte[] resumeState;
  static final String CHECKPOINT_MAGIC = "egd-trainer-checkpoint";
  static final int CHECKPOINT_VERSION = 1;

  public Trainer(Model model, Loss loss, Split data, GradientTransform transform, TrainSettings settings) {
    this.model = model;
    this.loss = loss;
    this.data = data;
    this.transform = transform;
    this.settings = settings;
    if (data.train().size < settings.batch())
      throw new IllegalArgumentException("--batch " + settings.batch() + " exceeds the " + data.train().size + " training examples");
  }

  /** Optimizer steps in one epoch over {@code trainSize} examples. */
  public static int stepsPerEpoch(int trainSize, int batch, boolean dropLast) {
    return dropLast ? trainSize / batch : (trainSize + batch - 1) / batch;
  }

  /** Asks a running {@link #run} to stop after the current epoch; it returns with status interrupted. */
  public void requestStop() { stopRequested = true; }

  /** After {@link #requestStop}: waits up to the given time for {@link #run} to return; true if it did. */
  public boolean awaitFinish(long millis) throws InterruptedException {
    return finished.await(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  /**
   * Makes the next {@link #run} continue from a checkpoint written by this trainer's configuration:
   * parameters, transform state, shuffling stream, position in the epoch, metrics and milestones. The
   * continued run ends bit-identical to one never interrupted (same seed and thread count).
   */
  public void resumeFrom(byte[] checkpoint) {
    this.resumeState = checkpoint.clone();
  }

  public RunResult run(TrainListener listener) {
    return run(listener, null);
  }

  /** Runs, saving checkpoints at evaluations when they are due and whenever a stop was requested. */
  public RunResult run(TrainListener listener, Checkpoints checkpoints) {
    try {
      return runLoop(listener, checkpoints);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } finally {
      finished.countDown();
    }
  }

  private RunResult runLoop(TrainListener listener, Checkpoints checkpoints) throws java.io.IOException {
    long t0 = System.nanoTime();
    dev.egd.linalg.Blas.config(); // load the native library now: it belongs to setup, not to the first epoch
    final int threads = settings.threads();
    final int batch = settings.batch();
    final Dataset train = data.train(), test = data.test();
    final ParamSet params = model.params();
    final int outDim = model.outputDim();

    final ParamSet[] grads = new ParamSet[threads];
    final Model.Workspace[] trainWs = new Model.Workspace[threads];
    final Model.Workspace[] evalWs = new Model.Workspace[threads];
    final LossStats[] stats = new LossStats[threads];
    final int shards = Math.max(1, Math.min(threads, batch / MIN_SHARD_ROWS));
    // The largest shard any batch can produce: a full batch's, or a partial batch too small to split.
    final int shardRows = Math.max((batch + shards - 1) / shards, Math.min(batch, 2 * MIN_SHARD_ROWS - 1));
    for (int s = 0; s < threads; s++) {
      grads[s] = params.zerosLike();
      trainWs[s] = model.newWorkspace(shardRows);
      evalWs[s] = model.newEvalWorkspace(EVAL_CHUNK);
      stats[s] = new LossStats();
    }
    final int[] order = new int[train.size];
    for (int i = 0; i < order.length; i++) order[i] = i;
    final int[] iota = new int[Math.max(train.size, test.size)];
    for (int i = 0; i < iota.length; i++) iota[i] = i;
    final Rng shuffleRng = new Rng(settings.seed(), STREAM_SHUFFLE);
    Workers workers = new Workers(threads);
    transform.useWorkers(workers);
    transform.init(params, settings.seed());
    final float l2 = (float) settings.l2();
    final int stepsPerEpoch = stepsPerEpoch(train.size, batch, settings.dropLast());
    final boolean running = settings.trainMetrics() == TrainSettings.TrainMetrics.RUNNING;

    final int[] batchStart = new int[1], batchRows = new int[1], batchShards = new int[1];
    final float[] batchScale = new float[1];
    IntConsumer trainShard = s -> {
      if (s >= batchShards[0]) return;
      int per = (batchRows[0] + batchShards[0] - 1) / batchShards[0];
      int from = s * per;
      int n = Math.min(batchRows[0], from + per) - from;
      LossStats st = stats[s];
      st.clear();
      if (n <= 0) {
        grads[s].zero();
        return;
      }
      Model.Workspace ws = trainWs[s];
      int off = batchStart[0] + from;
      model.forward(train, order, off, n, ws);
      loss.evaluate(ws.out(), n, outDim, train, order, off, ws.dOut(), batchScale[0], st);
      model.backward(train, order, off, n, ws, grads[s]);
    };
    // Gradient reduction (shard order) with weight decay, and the parameter update: element-wise, so
    // each worker takes a slice of every tensor and the bits do not depend on the split.
    IntConsumer reduce = w -> {
      int nw = threads;
      ParamSet g = grads[0];
      for (int i = 0; i < params.count(); i++) {
        float[] gd = g.get(i).data, pd = params.get(i).data;
        int from = (int) ((long) gd.length * w / nw), to = (int) ((long) gd.length * (w + 1) / nw);
        for (int s = 1; s < batchShards[0]; s++) {
          float[] o = grads[s].get(i).data;
          for (int j = from; j < to; j++) gd[j] += o[j];
        }
        if (l2 != 0f && params.get(i).kind == Tensor.Kind.WEIGHT) {
          for (int j = from; j < to; j++) gd[j] += l2 * pd[j];
        }
      }
    };
    IntConsumer apply = w -> {
      int nw = threads;
      for (int i = 0; i < params.count(); i++) {
        float[] pd = params.get(i).data, gd = grads[0].get(i).data;
        int from = (int) ((long) pd.length * w / nw), to = (int) ((long) pd.length * (w + 1) / nw);
        for (int j = from; j < to; j++) pd[j] += gd[j];
      }
    };
    final Dataset[] evalSet = new Dataset[1];
    IntConsumer evalShard = s -> {
      Dataset d = evalSet[0];
      int per = (d.size + threads - 1) / threads;
      int from = Math.min(d.size, s * per), to = Math.min(d.size, from + per);
      LossStats st = stats[s];
      st.clear();
      for (int off = from; off < to; off += EVAL_CHUNK) {
        int n = Math.min(EVAL_CHUNK, to - off);
        model.forward(d, iota, off, n, evalWs[s]);
        loss.evaluate(evalWs[s].out(), n, outDim, d, iota, off, null, 0f, st);
      }
    };

    List<EpochRecord> history = new ArrayList<>();
    Long epochsToTarget = null, stepsToTarget = null;
    Double secondsToTarget = null;
    String status = "completed", message = null;
    long step = 0, epoch = 0, evaluations = 0;
    int firstBatch = 0;
    long[] phaseNanos = new long[4];
    double elapsedBefore = 0;
    LossStats epochTrain = new LossStats();
    EpochRecord last = null;
    if (resumeState != null) {
      dev.egd.util.State.In in = new dev.egd.util.State.In(new java.io.ByteArrayInputStream(resumeState));
      in.tag(CHECKPOINT_MAGIC);
      if (in.i32() != CHECKPOINT_VERSION) throw new java.io.IOException("checkpoint written by another egd version");
      epoch = in.i64();
      step = in.i64();
      firstBatch = in.i32();
      evaluations = in.i64();
      in.intsInto(order);
      shuffleRng.restore(in.longs());
      epochTrain.lossSum = in.f64();
      epochTrain.correct = in.i64();
      epochTrain.count = in.i64();
      int n = in.i32();
      for (int i = 0; i < n; i++) {
        history.add(new EpochRecord(in.i64(), in.i64(), in.f64(), in.f64(), in.f64(), in.f64(), in.f64(), in.f64(), in.bool()));
      }
      if (in.bool()) {
        epochsToTarget = in.i64();
        stepsToTarget = in.i64();
        secondsToTarget = in.f64();
      }
      elapsedBefore = in.f64();
      for (int i = 0; i < phaseNanos.length; i++) phaseNanos[i] = in.i64();
      in.tag("params");
      for (int i = 0; i < params.count(); i++) in.floatsInto(params.get(i).data);
      in.tag("transform");
      transform.loadState(in);
      in.tag("end");
      last = history.isEmpty() ? null : history.get(history.size() - 1);
      listener.onResume(List.copyOf(history));
    }
    double setup = (System.nanoTime() - t0) / 1e9;
    long start = System.nanoTime() - (long) (elapsedBefore * 1e9);
    LossStats total = new LossStats();
    long tFwdBwd = phaseNanos[0], tTransform = phaseNanos[1], tUpdate = phaseNanos[2], tEval = phaseNanos[3];
    try (workers) {
      epochs:
      while (epoch < settings.epochs()) {
        if (firstBatch == 0) shuffleRng.shuffle(order, order.length);
        int from = firstBatch;
        firstBatch = 0;
        for (int b = from; b < stepsPerEpoch; b++) {
          batchStart[0] = b * batch;
          batchRows[0] = Math.min(batch, train.size - b * batch);
          batchShards[0] = Math.max(1, Math.min(shards, batchRows[0] / MIN_SHARD_ROWS));
          batchScale[0] = 1f / batchRows[0];
          long c0 = System.nanoTime();
          if (batchShards[0] == 1) trainShard.accept(0);
          else workers.run(trainShard);
          double batchLoss = 0;
          for (int s = 0; s < batchShards[0]; s++) {
            batchLoss += stats[s].lossSum;
            epochTrain.add(stats[s]);
          }
          if (!Double.isFinite(batchLoss)) {
            status = "diverged";
            message = "loss became " + batchLoss + " at epoch " + (epoch + 1) + ", step " + (step + 1) + "; stopped, metrics so far kept";
            break epochs;
          }
          ParamSet g = grads[0];
          if (batchShards[0] > 1 || l2 != 0f) workers.run(reduce);
          long c1 = System.nanoTime();
          transform.update(g, params, step);
          long c2 = System.nanoTime();
          workers.run(apply);
          long c3 = System.nanoTime();
          tFwdBwd += c1 - c0;
          tTransform += c2 - c1;
          tUpdate += c3 - c2;
          step++;
          boolean epochEnd = b == stepsPerEpoch - 1;
          if (epochEnd) epoch++;
          boolean finalStep = epochEnd && epoch == settings.epochs();
          if (settings.evalEvery() > 0 ? step % settings.evalEvery() != 0 && !finalStep : !epochEnd) continue;
          long evalEpoch = epochEnd ? epoch : epoch + 1; // the epoch this evaluation falls in
          if (!params.allFinite()) {
            status = "diverged";
            message = "parameters became non-finite in epoch " + evalEpoch + "; stopped, metrics so far kept";
            break epochs;
          }
          long e0 = System.nanoTime();
          double trainLoss, trainAcc;
          if (running) {
            trainLoss = epochTrain.meanLoss();
            trainAcc = epochTrain.accuracy();
            epochTrain.clear();
          } else {
            evalSet[0] = train;
            workers.run(evalShard);
            total.clear();
            for (LossStats st : stats) total.add(st);
            trainLoss = total.meanLoss();
            trainAcc = total.accuracy();
          }
          evalSet[0] = test;
          workers.run(evalShard);
          total.clear();
          for (LossStats st : stats) total.add(st);
          double testLoss = total.meanLoss(), testAcc = total.accuracy();
          tEval += System.nanoTime() - e0;
          double seconds = (System.nanoTime() - start) / 1e9;
          transform.onEvaluation(testAcc, evalEpoch);
          last = new EpochRecord(evalEpoch, step, trainLoss, trainAcc, testLoss, testAcc,
              params.norm(Tensor.Kind.WEIGHT), seconds, transform.active());
          history.add(last);
          if (epochsToTarget == null && testAcc > settings.target()) {
            epochsToTarget = evalEpoch;
            stepsToTarget = step;
            secondsToTarget = seconds;
          }
          listener.onEpoch(last);
          evaluations++;
          boolean complete = epochsToTarget != null && settings.stopAfter() >= 0 && evalEpoch - epochsToTarget >= settings.stopAfter();
          if (checkpoints != null && Double.isFinite(trainLoss) && !complete && !(finalStep)
              && (stopRequested || checkpoints.due(evaluations))) {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            dev.egd.util.State.Out out = new dev.egd.util.State.Out(bytes);
            out.tag(CHECKPOINT_MAGIC).i32(CHECKPOINT_VERSION);
            out.i64(epoch).i64(step).i32(epochEnd ? 0 : b + 1).i64(evaluations);
            out.ints(order).longs(shuffleRng.state());
            out.f64(epochTrain.lossSum).i64(epochTrain.correct).i64(epochTrain.count);
            out.i32(history.size());
            for (EpochRecord r : history) {
              out.i64(r.epoch()).i64(r.step()).f64(r.trainLoss()).f64(r.trainAcc()).f64(r.testLoss()).f64(r.testAcc())
                  .f64(r.weightNorm()).f64(r.seconds()).bool(r.transformActive());
            }
            out.bool(epochsToTarget != null);
            if (epochsToTarget != null) out.i64(epochsToTarget).i64(stepsToTarget).f64(secondsToTarget);
            out.f64((System.nanoTime() - start) / 1e9);
            out.i64(tFwdBwd).i64(tTransform).i64(tUpdate).i64(tEval);
            out.tag("params");
            for (int i = 0; i < params.count(); i++) out.floats(params.get(i).data);
            out.tag("transform");
            transform.saveState(out);
            out.tag("end");
            out.flush();
            checkpoints.save(bytes.toByteArray());
          }
          if (!Double.isFinite(trainLoss)) {
            status = "diverged";
            message = "training loss became " + trainLoss + " at epoch " + evalEpoch + "; stopped, metrics so far kept";
            break epochs;
          }
          if (complete) {
            status = "stopped-after-target";
            break epochs;
          }
          if (stopRequested) {
            status = "interrupted";
            message = "stopped on request after epoch " + evalEpoch;
            break epochs;
          }
        }
      }
    }
    double totalSeconds = (System.nanoTime() - start) / 1e9;
    java.util.Map<String, Double> phases = new java.util.LinkedHashMap<>();
    phases.put("forward_backward", tFwdBwd / 1e9);
    phases.put("transform", tTransform / 1e9);
    phases.put("update", tUpdate / 1e9);
    phases.put("evaluation", tEval / 1e9);
    RunResult result = new RunResult(status, message, epoch, step, epochsToTarget, stepsToTarget, secondsToTarget,
        settings.target(), last, totalSeconds, epoch == 0 ? Double.NaN : totalSeconds / epoch, setup, history,
        transform.stats(), phases);
    listener.onFinish(result);
    return result;
  }
}
