package dev.egd.optim;

import dev.egd.Check;
import dev.egd.linalg.NewtonSchulz;

/**
 * Settings of Muon ({@link Transforms#muon(MuonOptions)}), the reference implementation's defaults
 * apart from the learning rate: momentum 0.95 with Nesterov, 5 Newton-Schulz steps, no weight decay.
 *
 * @param lr the learning rate, in units of spectral norm per update (the reference: 0.02)
 * @param momentum β in [0, 1): m &lt;- β m + (1 - β) g
 * @param nesterov update along (1 - β) g + β m (the reference's default) rather than m
 * @param nsSteps Newton-Schulz iterations, in [1, 100]
 * @param weightDecay decoupled decay, p &lt;- p (1 - lr wd) as torch.optim.Muon; &gt;= 0
 * @param orientation how a matrix is stored, which decides the shape scale sqrt(max(1, fan_out / fan_in))
 */
public record MuonOptions(double lr, double momentum, boolean nesterov, int nsSteps, double weightDecay, Orientation orientation) {
  /** How a weight matrix is laid out. */
  public enum Orientation {
    /** rows are inputs, columns outputs ({@code fan_in x fan_out}): egd's models and examples. */
    IN_OUT,
    /** rows are outputs ({@code fan_out x fan_in}): PyTorch's and DJL's Linear layers, the reference's rows / cols. */
    OUT_IN
  }

  /**
   * Checks every setting.
   *
   * @param lr &gt; 0
   * @param momentum in [0, 1)
   * @param nesterov whether to use the Nesterov form
   * @param nsSteps in [1, 100]
   * @param weightDecay &gt;= 0
   * @param orientation not null
   * @throws dev.egd.ValidationException ({@code muon_lr}, {@code muon_momentum}, {@code ns_steps}, {@code wd},
   *     {@code orientation}) if a value is out of range
   */
  public MuonOptions {
    Check.positive("muon_lr", lr);
    Check.unitInterval("muon_momentum", momentum);
    Check.inRange("ns_steps", nsSteps, 1, 100);
    Check.nonNegative("wd", weightDecay);
    if (orientation == null) throw dev.egd.ValidationException.of("orientation", "must be IN_OUT or OUT_IN");
  }

  /**
   * Learning rate lr; momentum 0.95, Nesterov, 5 steps, no weight decay, egd's {@code fan_in x fan_out} layout.
   *
   * @param lr the learning rate, &gt; 0
   * @return the options
   * @throws dev.egd.ValidationException ({@code muon_lr}) if {@code lr} is not &gt; 0
   */
  public static MuonOptions lr(double lr) {
    return new MuonOptions(lr, 0.95, true, NewtonSchulz.DEFAULT_STEPS, 0, Orientation.IN_OUT);
  }

  /**
   * The shape scale of a rows x cols matrix: sqrt(max(1, fan_out / fan_in)).
   *
   * @param rows rows of the matrix
   * @param cols columns of the matrix
   * @return the factor of the orthogonalised update, at least 1
   */
  public double scale(int rows, int cols) {
    double ratio = orientation == Orientation.IN_OUT ? (double) cols / rows : (double) rows / cols;
    return Math.sqrt(Math.max(1, ratio));
  }

  /**
   * @param b the new momentum β, in [0, 1)
   * @return a copy with this momentum
   */
  public MuonOptions withMomentum(double b) { return new MuonOptions(lr, b, nesterov, nsSteps, weightDecay, orientation); }
  /**
   * @param on whether to use the Nesterov form
   * @return a copy with this choice
   */
  public MuonOptions withNesterov(boolean on) { return new MuonOptions(lr, momentum, on, nsSteps, weightDecay, orientation); }
  /**
   * @param s the new number of Newton-Schulz iterations, in [1, 100]
   * @return a copy with this number
   */
  public MuonOptions withNsSteps(int s) { return new MuonOptions(lr, momentum, nesterov, s, weightDecay, orientation); }
  /**
   * @param wd the new decoupled decay, &gt;= 0
   * @return a copy with this decay
   */
  public MuonOptions withWeightDecay(double wd) { return new MuonOptions(lr, momentum, nesterov, nsSteps, wd, orientation); }
  /**
   * @param o the new layout, not null
   * @return a copy with this layout
   */
  public MuonOptions withOrientation(Orientation o) { return new MuonOptions(lr, momentum, nesterov, nsSteps, weightDecay, o); }
}
