package dev.egd.train;

import dev.egd.linalg.Spectrum;
import dev.egd.nn.ParamSet;
import dev.egd.nn.Tensor;
import dev.egd.optim.GradientObserver;
import dev.egd.optim.GradientTransform;
import dev.egd.optim.ParamSelector;
import dev.egd.optim.UpdateReport;
import java.util.List;
import java.util.function.Consumer;

/**
 * Records the singular values of selected gradient matrices, before the transforms (the raw gradient)
 * and after them (the direction the optimizer receives), at the last step of epoch 1 and of every
 * {@code every}-th epoch.
 *
 * <p>Cheap: nothing runs on other steps (the chain asks {@link #wants} and skips the rest). On a
 * logging step the spectrum is reused wherever it is already known:
 * <ul>
 *   <li>before, on a matrix exact EGD acts on as the chain's first transform: the singular values EGD
 *       computed itself ({@code source} {@code egd-gram32}, {@code egd-gram64} or {@code egd-svd});</li>
 *   <li>after, when EGD is the only transform: its output's spectrum in exact arithmetic, s·w
 *       ({@code egd-exact}: 1 above the floor, 0 below the rank cut-off);</li>
 *   <li>after, when every transform that would touch the matrix is switched off or leaves it alone: the
 *       same values as before ({@code unchanged});</li>
 *   <li>otherwise the float64 Gram eigenvalues of {@link Spectrum.Computer} ({@code gram64}).</li>
 * </ul>
 * The logger only reads gradients and transform state, so a run gives the same bits with it or without.
 */
public final class SpectrumLogger implements GradientObserver {
  /** Where in the chain a spectrum was taken. */
  public enum Stage {
    /** The gradient the watched transforms received. */
    BEFORE,
    /** What they made of it. */
    AFTER;

    /** @return {@code before} or {@code after}, as records and files name the stage */
    public String label() { return this == BEFORE ? "before" : "after"; }
  }

  /**
   * One matrix's spectrum at one step; {@code singularValues} descending, owned by the record.
   *
   * @param epoch the epoch the step ends, from 1
   * @param step the optimizer step, from 0
   * @param layer the matrix's name
   * @param rows the matrix's rows
   * @param cols the matrix's columns
   * @param stage before or after the transforms
   * @param source how the values were found: {@code egd-gram32}, {@code egd-gram64}, {@code egd-svd},
   *     {@code egd-exact}, {@code unchanged} or {@code gram64} (see the class comment)
   * @param singularValues min(rows, cols) values, descending
   * @param stats their statistics
   */
  public record Record(long epoch, long step, String layer, int rows, int cols, Stage stage, String source,
      double[] singularValues, Spectrum.Stats stats) {}

  private final ParamSelector layers;
  private final long every, stepsPerEpoch;
  private Consumer<Record> sink = r -> {};

  private int[] indices;
  private String[] names;
  private int[] rows, cols;
  private Spectrum.Computer[] computers;
  private double[][] beforeVals, afterVals;
  private String[] beforeSource;
  private float[][] received;
  private List<GradientTransform> transforms = List.of();

  /**
   * @param layers the matrices to watch
   * @param every log at epoch 1 and every this many epochs, >= 1
   * @param stepsPerEpoch optimizer steps in one epoch
   * @throws dev.egd.ValidationException ({@code spectrum_every}, {@code steps_per_epoch}) if a value is below 1
   */
  public SpectrumLogger(ParamSelector layers, long every, long stepsPerEpoch) {
    if (every < 1) throw new dev.egd.ValidationException("spectrum_every", "must be >= 1 (epochs)", every);
    if (stepsPerEpoch < 1) throw new dev.egd.ValidationException("steps_per_epoch", "must be >= 1", stepsPerEpoch);
    this.layers = layers;
    this.every = every;
    this.stepsPerEpoch = stepsPerEpoch;
  }

  /**
   * Where records go (on the training thread, on logging steps only).
   *
   * @param sink receives every record; replaces the previous sink (the default drops them)
   * @return this logger
   */
  public SpectrumLogger sink(Consumer<Record> sink) {
    this.sink = sink;
    return this;
  }

  /** @return the selection of matrices watched */
  public ParamSelector layers() { return layers; }
  /** @return the logging interval, in epochs */
  public long every() { return every; }

  /**
   * Names of the watched matrices once initialised (the order of the records).
   *
   * @return the names, or an empty list before init
   */
  public List<String> layerNames() { return names == null ? List.of() : List.of(names); }

  @Override public void init(ParamSet params, List<GradientTransform> watched) {
    indices = layers.select(params);
    int n = indices.length;
    names = new String[n];
    rows = new int[n];
    cols = new int[n];
    computers = new Spectrum.Computer[n];
    beforeVals = new double[n][];
    afterVals = new double[n][];
    beforeSource = new String[n];
    received = new float[n][];
    for (int i = 0; i < n; i++) {
      Tensor t = params.get(indices[i]);
      names[i] = t.name;
      rows[i] = t.rows;
      cols[i] = t.cols;
      computers[i] = new Spectrum.Computer(t.rows, t.cols);
      beforeVals[i] = new double[computers[i].count()];
      afterVals[i] = new double[computers[i].count()];
      received[i] = new float[t.size()];
    }
    transforms = List.copyOf(watched);
  }

  /** The epoch (1-based) a step falls in, when the step is the epoch's last; else -1. */
  private long epochEndingAt(long step) {
    return (step + 1) % stepsPerEpoch == 0 ? (step + 1) / stepsPerEpoch : -1;
  }

  @Override public boolean wants(long step) {
    long epoch = epochEndingAt(step);
    return epoch == 1 || (epoch > 0 && epoch % every == 0);
  }

  /** Keeps a copy of each watched gradient: its spectrum is computed afterwards unless the first transform decomposed it. */
  @Override public void before(ParamSet grads, long step) {
    for (int i = 0; i < indices.length; i++) {
      float[] g = grads.get(indices[i]).data;
      System.arraycopy(g, 0, received[i], 0, g.length);
    }
  }

  @Override public void after(ParamSet grads, long step) {
    long epoch = epochEndingAt(step);
    UpdateReport first = transforms.isEmpty() || !(transforms.get(0) instanceof UpdateReport) ? null : (UpdateReport) transforms.get(0);
    boolean alone = transforms.size() == 1;
    String[] afterSource = new String[indices.length];
    for (int i = 0; i < indices.length; i++) {
      int p = indices[i];
      float[] known = first == null ? null : first.inputSingularValues(p);
      if (known != null) {
        for (int j = 0; j < known.length; j++) beforeVals[i][j] = known[j];
        beforeSource[i] = "egd-" + first.decomposition(p);
        if (alone && first.outputSingularValues(p, afterVals[i])) {
          afterSource[i] = "egd-exact";
          continue;
        }
      } else {
        computers[i].singularValues(received[i], beforeVals[i]);
        beforeSource[i] = "gram64";
      }
      if (untouched(p)) {
        System.arraycopy(beforeVals[i], 0, afterVals[i], 0, afterVals[i].length);
        afterSource[i] = "unchanged";
      } else {
        computers[i].singularValues(grads.get(p).data, afterVals[i]);
        afterSource[i] = "gram64";
      }
    }
    for (int i = 0; i < indices.length; i++) emit(epoch, step, i, Stage.BEFORE, beforeSource[i], beforeVals[i]);
    for (int i = 0; i < indices.length; i++) emit(epoch, step, i, Stage.AFTER, afterSource[i], afterVals[i]);
  }

  /** Whether no watched transform changed parameter {@code index}'s gradient in this step. */
  private boolean untouched(int index) {
    for (GradientTransform t : transforms) {
      if (!(t instanceof UpdateReport) || ((UpdateReport) t).rewrote(index)) return false;
    }
    return true;
  }

  private void emit(long epoch, long step, int i, Stage stage, String source, double[] values) {
    double[] copy = values.clone();
    sink.accept(new Record(epoch, step, names[i], rows[i], cols[i], stage, source, copy, Spectrum.stats(copy)));
  }
}
