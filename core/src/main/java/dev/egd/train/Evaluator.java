package dev.egd.train;

import dev.egd.data.Dataset;
import dev.egd.nn.Batch;
import dev.egd.nn.Loss;
import dev.egd.nn.LossStats;
import dev.egd.nn.Model;
import dev.egd.util.Workers;
import java.util.function.IntConsumer;

/**
 * Loss and accuracy of a model on a whole data set, on every thread: the set is cut into one
 * contiguous part per thread, each evaluated in blocks of {@link #BLOCK} rows, and the parts' sums are
 * added in thread order, so the result depends only on the thread count. Allocates its buffers once.
 */
public final class Evaluator {
  /** Rows per block: bounds workspace size and keeps JavaCPP's array copies small. */
  public static final int BLOCK = 512;

  private final Model model;
  private final Loss loss;
  private final Workers workers;
  private final Model.Workspace[] ws;
  private final Batch[] batches;
  private final LossStats[] parts;
  private final LossStats total = new LossStats();
  private final int[] identity;
  private Dataset current;
  private final IntConsumer part = this::evaluatePart;

  /**
   * @param layout a data set laid out as the ones to evaluate (the batches' shape comes from it)
   * @param maxSize the largest data set to be evaluated
   * @param model the model to evaluate; its parameters are read at each call
   * @param loss the loss to measure
   * @param workers the threads to use (the caller closes them); one part of the set each
   */
  public Evaluator(Model model, Loss loss, Workers workers, Dataset layout, int maxSize) {
    this.model = model;
    this.loss = loss;
    this.workers = workers;
    int n = workers.size();
    ws = new Model.Workspace[n];
    batches = new Batch[n];
    parts = new LossStats[n];
    for (int s = 0; s < n; s++) {
      ws[s] = model.newEvalWorkspace(BLOCK);
      batches[s] = layout.newBatch(BLOCK);
      parts[s] = new LossStats();
    }
    identity = new int[maxSize];
    for (int i = 0; i < maxSize; i++) identity[i] = i;
  }

  /**
   * The mean loss and accuracy over every example of d. Not thread-safe: one caller at a time.
   *
   * @param d a data set of the layout given at construction, at most {@code maxSize} examples
   * @return the sums over d ({@link LossStats#meanLoss}, {@link LossStats#accuracy}); the object is reused by the
   *     next call
   * @throws IllegalArgumentException if d holds more than {@code maxSize} examples
   */
  public LossStats evaluate(Dataset d) {
    if (d.size > identity.length) throw new IllegalArgumentException("data set of " + d.size + " exceeds " + identity.length);
    current = d;
    workers.run(part);
    total.clear();
    for (LossStats s : parts) total.add(s);
    return total;
  }

  private void evaluatePart(int s) {
    Dataset d = current;
    int threads = workers.size();
    int per = (d.size + threads - 1) / threads;
    int from = Math.min(d.size, s * per), to = Math.min(d.size, from + per);
    LossStats st = parts[s];
    st.clear();
    Batch b = batches[s];
    for (int off = from; off < to; off += BLOCK) {
      d.gather(identity, off, Math.min(BLOCK, to - off), b);
      model.forward(b, ws[s]);
      loss.evaluate(ws[s].out(), model.outputDim(), b, null, 0f, st);
    }
  }
}
