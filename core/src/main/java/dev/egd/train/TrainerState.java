package dev.egd.train;

import dev.egd.nn.LossStats;
import dev.egd.util.Rng;
import dev.egd.util.State;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a run is: everything besides the parameters and the transforms' state that later steps depend
 * on, and what has been measured so far. A checkpoint is this state, the parameters and the transform
 * state, written by {@link #checkpoint} and read back by {@link #restore}: one format, one place.
 */
final class TrainerState {
  static final String MAGIC = "egd-trainer-checkpoint";
  static final int VERSION = 3;

  /** Epochs completed, optimizer steps taken, evaluations made. */
  long epoch, step, evaluations;
  /** The batch of the current epoch to train next (evaluations may fall mid-epoch). */
  int nextBatch;
  /** The current epoch's shuffle of the training set. */
  final int[] order;
  final Rng shuffle;
  /** Train loss and accuracy of the batches since the last evaluation (running train metrics). */
  final LossStats sinceEvaluation = new LossStats();
  final List<EpochRecord> history = new ArrayList<>();
  Long epochsToTarget, stepsToTarget;
  Double secondsToTarget;
  /** The weights' norm before the first step (the blow-up rule compares against it). */
  double initialWeightNorm = Double.NaN;
  /** Wall time of the run before this process took it over (resumed runs). */
  double secondsBefore;
  /** Nanoseconds by phase: forward/backward, transform, update, evaluation. */
  final long[] phaseNanos = new long[4];

  TrainerState(int trainSize, long seed) {
    order = new int[trainSize];
    for (int i = 0; i < trainSize; i++) order[i] = i;
    shuffle = new Rng(seed, TrainingLoop.STREAM_SHUFFLE);
  }

  EpochRecord last() { return history.isEmpty() ? null : history.get(history.size() - 1); }

  /** The whole checkpoint: this state at {@code secondsNow} of wall time, the parameters and the transform state. */
  byte[] checkpoint(double secondsNow, TrainingLoop.Steps steps) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    State.Out out = new State.Out(bytes);
    out.tag(MAGIC).i32(VERSION);
    out.i64(epoch).i64(step).i32(nextBatch).i64(evaluations);
    out.ints(order).longs(shuffle.state());
    out.f64(sinceEvaluation.lossSum).i64(sinceEvaluation.correct).i64(sinceEvaluation.count);
    out.i32(history.size());
    for (EpochRecord r : history) {
      out.i64(r.epoch()).i64(r.step()).f64(r.trainLoss()).f64(r.trainAcc()).f64(r.testLoss()).f64(r.testAcc())
          .f64(r.weightNorm()).f64(r.seconds()).bool(r.transformActive());
    }
    out.bool(epochsToTarget != null);
    if (epochsToTarget != null) out.i64(epochsToTarget).i64(stepsToTarget).f64(secondsToTarget);
    out.f64(secondsNow).f64(initialWeightNorm);
    for (long v : phaseNanos) out.i64(v);
    steps.saveState(out);
    out.tag("end");
    out.flush();
    return bytes.toByteArray();
  }

  /** Reads a {@link #checkpoint} into this state, the parameters and the transform (all of this run's layout). */
  void restore(byte[] checkpoint, TrainingLoop.Steps steps) throws IOException {
    State.In in = new State.In(new ByteArrayInputStream(checkpoint));
    in.tag(MAGIC);
    if (in.i32() != VERSION) throw new IOException("checkpoint written by another egd version");
    epoch = in.i64();
    step = in.i64();
    nextBatch = in.i32();
    evaluations = in.i64();
    in.intsInto(order);
    shuffle.restore(in.longs());
    sinceEvaluation.lossSum = in.f64();
    sinceEvaluation.correct = in.i64();
    sinceEvaluation.count = in.i64();
    int n = in.i32();
    if (n < 0) throw new IOException("checkpoint is damaged: a negative number of records");
    history.clear();
    for (int i = 0; i < n; i++) {
      history.add(new EpochRecord(in.i64(), in.i64(), in.f64(), in.f64(), in.f64(), in.f64(), in.f64(), in.f64(), in.bool()));
    }
    if (in.bool()) {
      epochsToTarget = in.i64();
      stepsToTarget = in.i64();
      secondsToTarget = in.f64();
    }
    secondsBefore = in.f64();
    initialWeightNorm = in.f64();
    for (int i = 0; i < phaseNanos.length; i++) phaseNanos[i] = in.i64();
    steps.loadState(in);
    in.tag("end");
  }
}
