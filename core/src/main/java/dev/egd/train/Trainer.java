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

    final RunState st = new RunState();
    if (resumeState != null) {
      dev.egd.util.State.In in = new dev.egd.util.State.In(new java.io.ByteArrayInputStream(resumeState));
      in.tag(CHECKPOINT_MAGIC);
      if (in.i32() != CHECKPOINT_VERSION) throw new java.io.IOException("checkpoint written by another egd version");
      st.epoch = in.i64();
      st.step = in.i64();
      st.firstBatch = in.i32();
      st.evaluations = in.i64();
      in.intsInto(order);
      shuffleRng.restore(in.longs());
      st.epochTrain.lossSum = in.f64();
      st.epochTrain.correct = in.i64();
      st.epochTrain.count = in.i64();
      int n = in.i32();
      for (int i = 0; i < n; i++) {
        st.history.add(new EpochRecord(in.i64(), in.i64(), in.f64(), in.f64(), in.f64(), in.f64(), in.f64(), in.f64(), in.bool()));
      }
      if (in.bool()) {
        st.epochsToTarget = in.i64();
        st.stepsToTarget = in.i64();
        st.secondsToTarget = in.f64();
      }
      st.elapsedBefore = in.f64();
      for (int i = 0; i < st.phaseNanos.length; i++) st.phaseNanos[i] = in.i64();
      in.tag("params");
      for (int i = 0; i < params.count(); i++) in.floatsInto(params.get(i).data);
      in.tag("transform");
      transform.loadState(in);
      in.tag("end");
      st.last = st.history.isEmpty() ? null : st.history.get(st.history.size() - 1);
      listener.onResume(List.copyOf(st.history));
    }
    // Overlapped evaluation: a copy of the model evaluates a snapshot on its own thread while training
    // goes on; the result is taken in at the next step boundary where it is ready. When it changes the
    // course (a switch-off, the end of the run), the state is rolled back to the snapshot, so every
    // result is bit-identical to evaluating in line.
    final Model shadow = overlapEvaluation ? model.replica() : null;
    final Model.Workspace[] shadowWs = new Model.Workspace[threads];
    final LossStats[] shadowStats = new LossStats[threads];
    java.util.concurrent.ExecutorService evalThread = null;
    if (shadow != null) {
      for (int s = 0; s < threads; s++) {
        shadowWs[s] = shadow.newEvalWorkspace(EVAL_CHUNK);
        shadowStats[s] = new LossStats();
      }
      evalThread = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "egd-eval");
        t.setDaemon(true);
        return t;
      });
    }
    final double setup = (System.nanoTime() - t0) / 1e9;
    st.start = System.nanoTime() - (long) (st.elapsedBefore * 1e9);
    final LossStats total = new LossStats();
    Snapshot pending = null;
    try (workers) {
      outer:
      while (true) {
        epochs:
        while (st.epoch < settings.epochs()) {
          if (st.firstBatch == 0) shuffleRng.shuffle(order, order.length);
          int from = st.firstBatch;
          st.firstBatch = 0;
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
              st.epochTrain.add(stats[s]);
            }
            if (!Double.isFinite(batchLoss)) {
              if (pending != null) { // the evaluation before these steps may have changed their course
                Action a = settle(pending, st, listener, checkpoints, order, shuffleRng);
                pending = null;
                if (a == Action.ROLLBACK) continue epochs;
                if (a == Action.STOP) break outer;
              }
              st.status = "diverged";
              st.message = "loss became " + batchLoss + " at epoch " + (st.epoch + 1) + ", step " + (st.step + 1) + "; stopped, metrics so far kept";
              break outer;
            }
            ParamSet g = grads[0];
            if (batchShards[0] > 1 || l2 != 0f) workers.run(reduce);
            long c1 = System.nanoTime();
            transform.update(g, params, st.step);
            long c2 = System.nanoTime();
            workers.run(apply);
            long c3 = System.nanoTime();
            st.phaseNanos[0] += c1 - c0;
            st.phaseNanos[1] += c2 - c1;
            st.phaseNanos[2] += c3 - c2;
            st.step++;
            boolean epochEnd = b == stepsPerEpoch - 1;
            if (epochEnd) st.epoch++;
            boolean finalStep = epochEnd && st.epoch == settings.epochs();
            boolean evalPoint = settings.evalEvery() > 0 ? st.step % settings.evalEvery() == 0 || finalStep : epochEnd;
            if (pending != null && (evalPoint || pending.result.isDone())) {
              Action a = settle(pending, st, listener, checkpoints, order, shuffleRng);
              pending = null;
              if (a == Action.ROLLBACK) continue epochs;
              if (a == Action.STOP) break outer;
            }
            if (!evalPoint) continue;
            long evalEpoch = epochEnd ? st.epoch : st.epoch + 1; // the epoch this evaluation falls in
            if (!params.allFinite()) {
              st.status = "diverged";
              st.message = "parameters became non-finite in epoch " + evalEpoch + "; stopped, metrics so far kept";
              break outer;
            }
            Snapshot snap = new Snapshot(st, evalEpoch, epochEnd ? 0 : b + 1, finalStep, order, shuffleRng);
            if (running) {
              snap.trainLoss = st.epochTrain.meanLoss();
              snap.trainAcc = st.epochTrain.accuracy();
              st.epochTrain.clear();
            }
            snap.weightNorm = params.norm(Tensor.Kind.WEIGHT);
            if (shadow != null) {
              snap.copyState(params, transform);
              for (int i = 0; i < params.count(); i++) System.arraycopy(snap.params[i], 0, shadow.params().get(i).data, 0, snap.params[i].length);
              final Snapshot job = snap;
              snap.result = evalThread.submit(() -> {
                long e0 = System.nanoTime();
                double[] m = new double[4];
                if (!running) {
                  evaluateInOrder(shadow, shadowWs, shadowStats, train, iota, threads, total(job));
                  m[0] = job.total.meanLoss();
                  m[1] = job.total.accuracy();
                }
                evaluateInOrder(shadow, shadowWs, shadowStats, test, iota, threads, total(job));
                m[2] = job.total.meanLoss();
                m[3] = job.total.accuracy();
                job.evalNanos = System.nanoTime() - e0;
                return m;
              });
              pending = snap;
            } else {
              long e0 = System.nanoTime();
              double[] m = new double[4];
              if (!running) {
                evalSet[0] = train;
                workers.run(evalShard);
                total.clear();
                for (LossStats s : stats) total.add(s);
                m[0] = total.meanLoss();
                m[1] = total.accuracy();
              }
              evalSet[0] = test;
              workers.run(evalShard);
              total.clear();
              for (LossStats s : stats) total.add(s);
              m[2] = total.meanLoss();
              m[3] = total.accuracy();
              snap.evalNanos = System.nanoTime() - e0;
              snap.result = java.util.concurrent.CompletableFuture.completedFuture(m);
              Action a = settle(snap, st, listener, checkpoints, order, shuffleRng);
              if (a == Action.STOP) break outer;
            }
          }
        }
        if (pending != null) {
          Action a = settle(pending, st, listener, checkpoints, order, shuffleRng);
          pending = null;
          if (a == Action.ROLLBACK) continue outer;
        }
        break;
      }
    } finally {
      if (evalThread != null) evalThread.shutdownNow();
    }
    final long start = st.start;
    final long tFwdBwd = st.phaseNanos[0], tTransform = st.phaseNanos[1], tUpdate = st.phaseNanos[2], tEval = st.phaseNanos[3];
    final String status = st.status, message = st.message;
    final long epoch = st.epoch, step = st.step;
    final Long epochsToTarget = st.epochsToTarget, stepsToTarget = st.stepsToTarget;
    final Double secondsToTarget = st.secondsToTarget;
    final EpochRecord last = st.last;
    final List<EpochRecord> history = st.history;
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

  /**
   * Whether evaluations run on their own thread, overlapped with training (default: no). It pays where
   * a core would otherwise idle; on the 2-core development machine, with training on both cores, it
   * measured no faster for EGD and 12% slower for plain SGD (docs/performance.md).
   */
  private boolean overlapEvaluation = false;
  /** Counters for tests and profiling: evaluations run overlapped, and rollbacks they caused. */
  int overlapped, rollbacks;

  /** On: evaluations run on a copy of the model on their own thread; off: in line, on all threads. Results are identical. */
  public Trainer overlapEvaluation(boolean on) {
    this.overlapEvaluation = on;
    return this;
  }

  /** The loop's mutable state, shared by the loop and {@link #settle}. */
  private static final class RunState {
    long epoch, step, evaluations, start;
    int firstBatch;
    double elapsedBefore;
    final long[] phaseNanos = new long[4];
    final LossStats epochTrain = new LossStats();
    final List<EpochRecord> history = new ArrayList<>();
    Long epochsToTarget, stepsToTarget;
    Double secondsToTarget;
    String status = "completed", message;
    EpochRecord last;
  }

  /** Everything needed to take in an evaluation later, and to return to the point where it was taken. */
  private static final class Snapshot {
    final long epoch, step, evalEpoch, evaluations;
    final int nextBatch;
    final boolean finalStep;
    final int[] order;
    final long[] rng;
    final double etLoss;
    final long etCorrect, etCount;
    double trainLoss = Double.NaN, trainAcc = Double.NaN, weightNorm;
    float[][] params; // null: the live parameters are still those of this point (evaluated in line)
    byte[] transformState;
    java.util.concurrent.Future<double[]> result;
    long evalNanos;
    final LossStats total = new LossStats();

    Snapshot(RunState st, long evalEpoch, int nextBatch, boolean finalStep, int[] order, Rng rng) {
      this.epoch = st.epoch;
      this.step = st.step;
      this.evalEpoch = evalEpoch;
      this.evaluations = st.evaluations;
      this.nextBatch = nextBatch;
      this.finalStep = finalStep;
      this.order = order.clone();
      this.rng = rng.state();
      this.etLoss = st.epochTrain.lossSum;
      this.etCorrect = st.epochTrain.correct;
      this.etCount = st.epochTrain.count;
    }

    void copyState(ParamSet p, GradientTransform t) throws java.io.IOException {
      params = new float[p.count()][];
      for (int i = 0; i < p.count(); i++) params[i] = p.get(i).data.clone();
      transformState = transformBytes(t);
    }
  }

  private static byte[] transformBytes(GradientTransform t) throws java.io.IOException {
    java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
    dev.egd.util.State.Out out = new dev.egd.util.State.Out(b);
    t.saveState(out);
    out.flush();
    return b.toByteArray();
  }

  private static LossStats total(Snapshot s) {
    s.total.clear();
    return s.total;
  }

  /** The same partition and summation order as the in-line evaluation on `parts` threads, on one thread. */
  private void evaluateInOrder(Model m, Model.Workspace[] ws, LossStats[] parts, Dataset d, int[] iota, int threads, LossStats total) {
    int per = (d.size + threads - 1) / threads;
    for (int s = 0; s < threads; s++) {
      int from = Math.min(d.size, s * per), to = Math.min(d.size, from + per);
      LossStats st = parts[s];
      st.clear();
      for (int off = from; off < to; off += EVAL_CHUNK) {
        int n = Math.min(EVAL_CHUNK, to - off);
        m.forward(d, iota, off, n, ws[s]);
        loss.evaluate(ws[s].out(), n, m.outputDim(), d, iota, off, null, 0f, st);
      }
    }
    total.clear();
    for (LossStats st : parts) total.add(st);
  }

  private enum Action { CONTINUE, ROLLBACK, STOP }

  /** Returns the live state to the snapshot's point (no-op for an in-line evaluation). */
  private void restore(Snapshot s, RunState st, int[] order, Rng rng) throws java.io.IOException {
    if (s.params == null) return;
    ParamSet p = model.params();
    for (int i = 0; i < p.count(); i++) System.arraycopy(s.params[i], 0, p.get(i).data, 0, s.params[i].length);
    transform.loadState(new dev.egd.util.State.In(new java.io.ByteArrayInputStream(s.transformState)));
    System.arraycopy(s.order, 0, order, 0, order.length);
    rng.restore(s.rng);
    st.epoch = s.epoch;
    st.step = s.step;
    st.firstBatch = s.nextBatch;
    st.epochTrain.clear();
    if (settings.trainMetrics() != TrainSettings.TrainMetrics.RUNNING) {
      st.epochTrain.lossSum = s.etLoss;
      st.epochTrain.correct = s.etCorrect;
      st.epochTrain.count = s.etCount;
    }
  }

  /**
   * Takes in an evaluation (waiting for it if needed): switch-off policies, the record, milestones, the
   * listener, checkpoints and the stop rules, exactly as if it had run in line at its point. ROLLBACK:
   * the evaluation changed the transform, so the steps trained since were undone; STOP: the run ends
   * (the live state returned to the evaluation's point).
   */
  private Action settle(Snapshot s, RunState st, TrainListener listener, Checkpoints checkpoints, int[] order, Rng rng)
      throws java.io.IOException {
    double[] m;
    try {
      m = s.result.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while waiting for an evaluation");
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof RuntimeException) throw (RuntimeException) e.getCause();
      throw new IllegalStateException(e.getCause());
    }
    st.phaseNanos[3] += s.evalNanos;
    boolean running = settings.trainMetrics() == TrainSettings.TrainMetrics.RUNNING;
    double trainLoss = running ? s.trainLoss : m[0], trainAcc = running ? s.trainAcc : m[1], testLoss = m[2], testAcc = m[3];
    double seconds = (System.nanoTime() - st.start) / 1e9;
    boolean rollback = s.params != null && transform.reactsTo(testAcc, s.evalEpoch);
    if (s.params != null) overlapped++;
    if (rollback) {
      rollbacks++;
      restore(s, st, order, rng);
    }
    transform.onEvaluation(testAcc, s.evalEpoch);
    st.last = new EpochRecord(s.evalEpoch, s.step, trainLoss, trainAcc, testLoss, testAcc, s.weightNorm, seconds, transform.active());
    st.history.add(st.last);
    if (st.epochsToTarget == null && testAcc > settings.target()) {
      st.epochsToTarget = s.evalEpoch;
      st.stepsToTarget = s.step;
      st.secondsToTarget = seconds;
    }
    listener.onEpoch(st.last);
    st.evaluations = s.evaluations + 1;
    boolean complete = st.epochsToTarget != null && settings.stopAfter() >= 0 && s.evalEpoch - st.epochsToTarget >= settings.stopAfter();
    boolean diverged = !Double.isFinite(trainLoss);
    boolean stop = stopRequested;
    if (checkpoints != null && !diverged && !complete && !s.finalStep && (stop || checkpoints.due(st.evaluations))) {
      checkpoints.save(checkpoint(s, st));
    }
    if (diverged) {
      st.status = "diverged";
      st.message = "training loss became " + trainLoss + " at epoch " + s.evalEpoch + "; stopped, metrics so far kept";
    } else if (complete) {
      st.status = "stopped-after-target";
    } else if (stop) {
      st.status = "interrupted";
      st.message = "stopped on request after epoch " + s.evalEpoch;
    } else {
      return rollback ? Action.ROLLBACK : Action.CONTINUE;
    }
    if (!rollback) restore(s, st, order, rng);
    return Action.STOP;
  }

  /** The checkpoint of the state at s's point (the live state when s was evaluated in line). */
  private byte[] checkpoint(Snapshot s, RunState st) throws java.io.IOException {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    dev.egd.util.State.Out out = new dev.egd.util.State.Out(bytes);
    out.tag(CHECKPOINT_MAGIC).i32(CHECKPOINT_VERSION);
    out.i64(s.epoch).i64(s.step).i32(s.nextBatch).i64(st.evaluations);
    out.ints(s.order).longs(s.rng);
    boolean running = settings.trainMetrics() == TrainSettings.TrainMetrics.RUNNING;
    out.f64(running ? 0 : s.etLoss).i64(running ? 0 : s.etCorrect).i64(running ? 0 : s.etCount);
    out.i32(st.history.size());
    for (EpochRecord r : st.history) {
      out.i64(r.epoch()).i64(r.step()).f64(r.trainLoss()).f64(r.trainAcc()).f64(r.testLoss()).f64(r.testAcc())
          .f64(r.weightNorm()).f64(r.seconds()).bool(r.transformActive());
    }
    out.bool(st.epochsToTarget != null);
    if (st.epochsToTarget != null) out.i64(st.epochsToTarget).i64(st.stepsToTarget).f64(st.secondsToTarget);
    out.f64((System.nanoTime() - st.start) / 1e9);
    for (long v : st.phaseNanos) out.i64(v);
    out.tag("params");
    ParamSet p = model.params();
    for (int i = 0; i < p.count(); i++) out.floats(s.params != null ? s.params[i] : p.get(i).data);
    out.tag("transform");
    if (s.params != null) out.raw(s.transformState); // saved at the snapshot: what saveState wrote then
    else transform.saveState(out);
    out.tag("end");
    out.flush();
    return bytes.toByteArray();
  }

}
