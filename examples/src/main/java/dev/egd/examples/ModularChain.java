package dev.egd.examples;

import dev.egd.data.ModularArithmetic;
import dev.egd.data.Split;
import dev.egd.nn.CrossEntropy;
import dev.egd.nn.Mlp;
import dev.egd.optim.GradientTransform;
import dev.egd.optim.ParamSelector;
import dev.egd.optim.Transforms;
import dev.egd.train.RunResult;
import dev.egd.train.TrainListener;
import dev.egd.train.TrainSettings;
import dev.egd.train.Trainer;
import dev.egd.util.Rng;

/**
 * The chain API on the EGD paper's task, a + b mod p with a 2-layer MLP: the same model, data and
 * loop with plain SGD and with EGD on the first layer's gradient (switched off at 95% test accuracy),
 * weight decay as the first link of both chains.
 */
public final class ModularChain {
  /** Epochs to the target for EGD; plain SGD's (null: not reached within {@code cap}). */
  public record Outcome(Long egdEpochs, Long sgdEpochs, long cap) {}

  public static void main(String[] args) {
    Outcome o = run(31, 0.6, 2000);
    System.out.printf("epochs to 60%% test accuracy on a + b mod 31: EGD %d, plain SGD %s (cap %d)%n", o.egdEpochs(),
        o.sgdEpochs() == null ? "never" : o.sgdEpochs().toString(), o.cap());
  }

  public static Outcome run(int p, double target, long egdCap) {
    GradientTransform egd = Transforms.chain(
        Transforms.addDecayedWeights(1e-4),
        Transforms.switchOff(Transforms.egd(ParamSelector.first()), 0.95),
        Transforms.sgd(0.7));
    Long egdEpochs = train(p, egd, egdCap, target).epochsToTarget();
    long cap = egdEpochs == null ? egdCap : 2 * egdEpochs;
    GradientTransform sgd = Transforms.chain(Transforms.addDecayedWeights(1e-4), Transforms.sgd(0.7));
    return new Outcome(egdEpochs, train(p, sgd, cap, target).epochsToTarget(), cap);
  }

  static RunResult train(int p, GradientTransform transform, long epochs, double target) {
    Split data = ModularArithmetic.split(ModularArithmetic.Op.ADD, p, 0.6, 0);
    Mlp model = new Mlp(new int[] {2 * p, 256, p}, true, false);
    model.initHeNormal(new Rng(0, 1), 0);
    TrainSettings settings = new TrainSettings(epochs, 128, target, 0, 2, 0); // stop at the target
    return new Trainer(model, new CrossEntropy(), data, transform, settings).run(new TrainListener() {});
  }

  private ModularChain() {}
}
