package dev.egd.optim;

import dev.egd.Check;
import dev.egd.nn.ParamSet;

/** Plain stochastic gradient descent: update = -lr * g. The last link of a chain. */
final class Sgd implements GradientTransform {
  private final float lr;

  Sgd(double lr) {
    this.lr = (float) Check.positive("lr", lr);
  }

  @Override public void init(ParamSet params, InitContext context) {}

  @Override public void update(ParamSet grads, ParamSet params, long step) {
    float s = -lr;
    for (int i = 0; i < grads.count(); i++) {
      float[] g = grads.get(i).data;
      for (int j = 0; j < g.length; j++) g[j] *= s;
    }
  }

  @Override public String describe() { return "sgd(lr=" + lr + ")"; }
}
