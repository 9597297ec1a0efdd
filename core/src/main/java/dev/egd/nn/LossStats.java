package dev.egd.nn;

/** Running sums of a loss and of correct predictions over examples. */
public final class LossStats {
  public double lossSum;
  public long correct;
  public long count;

  public void clear() {
    lossSum = 0;
    correct = 0;
    count = 0;
  }

  public void add(LossStats o) {
    lossSum += o.lossSum;
    correct += o.correct;
    count += o.count;
  }

  public double meanLoss() { return count == 0 ? Double.NaN : lossSum / count; }
  public double accuracy() { return count == 0 ? Double.NaN : (double) correct / count; }
}
