package dev.egd.bench;

import dev.egd.data.Dataset;
import dev.egd.data.ModularArithmetic;
import dev.egd.data.Split;
import dev.egd.nn.CrossEntropy;
import dev.egd.nn.LossStats;
import dev.egd.nn.Mlp;
import dev.egd.nn.Model;
import dev.egd.nn.ParamSet;
import dev.egd.nn.Transformer;
import dev.egd.optim.GradientTransform;
import dev.egd.nn.Batch;
import dev.egd.optim.AdamOptions;
import dev.egd.optim.ParamSelector;
import dev.egd.optim.Transforms;
import dev.egd.util.Rng;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One training step on one thread (forward, loss, backward, the transform chain, the update) and one
 * evaluation pass, for the mod-97 MLP (batch 512) and the Grokfast transformer (x*y mod 97, batch 512).
 * Whole-run speed on both cores is measured by bench/compare-mlp.sh and bench/compare-transformer.sh.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xss4m"})
public class StepBench {
  @Param({"mlp-vanilla", "mlp-egd", "transformer-adam", "transformer-egd"})
  public String setup;

  Model model;
  Split split;
  GradientTransform chain;
  ParamSet grads;
  Model.Workspace ws, evalWs;
  int[] order, iota;
  Batch trainBatch, evalBatch;
  int batch = 512, next;
  final CrossEntropy loss = new CrossEntropy();
  final LossStats stats = new LossStats();

  @Setup public void setup() {
    Rng rng = new Rng(7);
    if (setup.startsWith("mlp")) {
      split = ModularArithmetic.split(ModularArithmetic.Op.ADD, 97, 0.5, 0);
      Mlp mlp = new Mlp(new int[] {194, 512, 97}, true, false);
      mlp.initHeNormal(rng, 0);
      model = mlp;
      chain = setup.equals("mlp-egd") ? Transforms.chain(Transforms.egd(ParamSelector.first()), Transforms.sgd(0.7)) : Transforms.sgd(0.7);
    } else {
      split = ModularArithmetic.sequences(ModularArithmetic.Op.MUL, 97, 0.5, 0);
      Transformer tf = new Transformer(99, 4, 128, 4, 2);
      tf.initTorchDefault(rng);
      model = tf;
      GradientTransform adam = Transforms.adam(1e-3, new AdamOptions(0.9, 0.98, 1e-8, 0.005, 10));
      chain = setup.equals("transformer-egd") ? Transforms.chain(Transforms.egd(ParamSelector.matching(Transformer.MLP_WEIGHTS)), adam) : adam;
    }
    chain.init(model.params(), 1);
    grads = model.params().zerosLike();
    ws = model.newWorkspace(batch);
    evalWs = model.newEvalWorkspace(512);
    order = new int[split.train().size];
    for (int i = 0; i < order.length; i++) order[i] = i;
    new Rng(9).shuffle(order, order.length);
    iota = new int[Math.max(split.train().size, split.test().size)];
    for (int i = 0; i < iota.length; i++) iota[i] = i;
    trainBatch = split.train().newBatch(batch);
    evalBatch = split.test().newBatch(512);
  }

  /** Forward, loss, backward, transforms and update on the next batch of 512. */
  @Benchmark public float step() {
    Dataset train = split.train();
    if (next + batch > train.size) next = 0;
    train.gather(order, next, batch, trainBatch);
    model.forward(trainBatch, ws);
    stats.clear();
    loss.evaluate(ws.out(), model.outputDim(), trainBatch, ws.dOut(), 1f / batch, stats);
    model.backward(trainBatch, ws, grads);
    chain.update(grads, model.params(), 0);
    ParamSet p = model.params();
    for (int i = 0; i < p.count(); i++) {
      float[] pd = p.get(i).data, gd = grads.get(i).data;
      for (int j = 0; j < pd.length; j++) pd[j] += gd[j];
    }
    next += batch;
    return (float) stats.lossSum;
  }

  /** Accuracy over the whole test set (blocks of 512 rows), as after every epoch. */
  @Benchmark public double evaluateTest() {
    Dataset test = split.test();
    stats.clear();
    for (int off = 0; off < test.size; off += 512) {
      int n = Math.min(512, test.size - off);
      test.gather(iota, off, n, evalBatch);
      model.forward(evalBatch, evalWs);
      loss.evaluate(evalWs.out(), model.outputDim(), evalBatch, null, 0f, stats);
    }
    return stats.accuracy();
  }
}
