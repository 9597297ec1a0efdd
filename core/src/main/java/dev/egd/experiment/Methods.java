package dev.egd.experiment;

import dev.egd.ValidationException;
import dev.egd.linalg.ExactEgd;
import dev.egd.linalg.RandomizedEgd;
import dev.egd.optim.EgdOptions;
import dev.egd.optim.GradientTransform;
import dev.egd.optim.ParamSelector;
import dev.egd.optim.RandomizedEgdOptions;
import dev.egd.optim.SwitchOffMode;
import dev.egd.optim.Transforms;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * The methods by name: what {@code method = egd+grokfast-ema} means. A method is the transforms it
 * inserts before the optimizer; several joined with {@code +} apply in the order written. Methods
 * marked switchable are wrapped in a switch-off at {@code switch_off} (unless it is 1).
 *
 * <p>Adding a method: one {@link #register} line here, and its presets (if the papers give any) in the
 * tasks.
 */
public final class Methods {
  private Methods() {}

  /**
   * One method: its transforms, built from the resolved configuration and the matrices it acts on.
   *
   * @param name the method's name in a spec ({@code egd}, {@code grokfast-ema})
   * @param switchable whether switch_off applies to it
   * @param settings the settings only this method reads (a run of another method refuses them)
   * @param build makes the method's transforms (without the optimizer) from a resolved configuration and the
   *     selection of matrices; null for muon, which replaces the optimizer instead
   */
  public record Method(String name, boolean switchable, Set<Setting<?>> settings, BiFunction<RunConfig, ParamSelector, GradientTransform> build) {}

  /** The method that replaces the optimizer on the selected matrices. */
  public static final String MUON = "muon";

  private static final Map<String, Method> REGISTRY = new LinkedHashMap<>();

  private static void register(Method m) { REGISTRY.put(m.name(), m); }

  static {
    register(new Method("vanilla", false, Set.of(), (c, layers) -> null));
    register(new Method("egd", true, Set.of(RunConfig.EGD_ROUTE, RunConfig.EGD_FLOOR, RunConfig.EGD_RCOND, RunConfig.EGD_DAMPING,
        RunConfig.EGD_MAX_RANK, RunConfig.NS_STEPS),
        (c, layers) -> Transforms.egd(layers, new EgdOptions(route(c.require(RunConfig.EGD_ROUTE)),
            c.require(RunConfig.EGD_FLOOR).floatValue(), c.get(RunConfig.EGD_RCOND, -1.0), c.require(RunConfig.EGD_DAMPING),
            maxRank(c), c.require(RunConfig.NS_STEPS)))));
    register(new Method("egd-rsvd", true, Set.of(RunConfig.RANK, RunConfig.POWER_ITERS, RunConfig.OVERSAMPLE, RunConfig.RSVD_RESIDUAL,
        RunConfig.RSVD_SKETCH),
        (c, layers) -> Transforms.egdRandomized(layers, new RandomizedEgdOptions(c.get(RunConfig.RANK, RandomizedEgdOptions.DEFAULT_RANK),
            !c.has(RunConfig.RANK), c.require(RunConfig.POWER_ITERS), c.require(RunConfig.OVERSAMPLE),
            RandomizedEgd.Residual.valueOf(c.require(RunConfig.RSVD_RESIDUAL).toUpperCase(Locale.ROOT)),
            c.require(RunConfig.RSVD_SKETCH).equals("fixed")))));
    register(new Method("colnorm", true, Set.of(RunConfig.COLNORM_MIN),
        (c, layers) -> Transforms.colnorm(layers, c.require(RunConfig.COLNORM_MIN))));
    register(new Method("grokfast-ema", false, Set.of(RunConfig.EMA_ALPHA, RunConfig.EMA_LAMBDA),
        (c, layers) -> Transforms.grokfastEma(c.require(RunConfig.EMA_ALPHA), c.require(RunConfig.EMA_LAMBDA))));
    register(new Method("grokfast-ma", false, Set.of(RunConfig.MA_WINDOW, RunConfig.MA_LAMBDA),
        (c, layers) -> Transforms.grokfastMa(c.require(RunConfig.MA_WINDOW), c.require(RunConfig.MA_LAMBDA))));
    // An optimizer for the selected matrices rather than a transform before the optimizer: Experiments.chain
    // partitions the parameters, muon on the selection, the task's optimizer on the rest.
    register(new Method(MUON, false, Set.of(RunConfig.MUON_LR, RunConfig.MUON_MOMENTUM, RunConfig.NS_STEPS, RunConfig.EGD_LAYERS),
        (c, layers) -> null));
  }

  /**
   * Whether a method spec includes muon.
   *
   * @param spec a method spec, e.g. {@code muon+grokfast-ema}
   * @return whether one of its parts is muon
   * @throws ValidationException ({@code method}) if the spec is not valid
   */
  public static boolean usesMuon(String spec) {
    for (Method m : parse(spec)) if (m.name().equals(MUON)) return true;
    return false;
  }

  private static ExactEgd.Route route(String name) {
    return ExactEgd.Route.valueOf(name.toUpperCase(Locale.ROOT).replace('-', '_'));
  }

  /** egd_max_rank: none (0), batch (the minibatch size) or an integer >= 1. */
  static int maxRank(RunConfig c) {
    String v = c.get(RunConfig.EGD_MAX_RANK, "none").trim().toLowerCase(Locale.ROOT);
    if (v.equals("none")) return 0;
    if (v.equals("batch")) return c.require(RunConfig.BATCH);
    try {
      int r = Integer.parseInt(v);
      if (r >= 1) return r;
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ValidationException("egd_max_rank", "must be an integer >= 1, batch or none", "'" + v + "'");
  }

  /**
   * The single methods, in registration order.
   *
   * @return the names, an unmodifiable list
   */
  public static List<String> names() { return List.copyOf(REGISTRY.keySet()); }

  /**
   * The methods a spec names ({@code egd+grokfast-ema}), checked: every part registered, none empty,
   * none twice, vanilla alone.
   *
   * @param spec one name, or several joined with {@code +}
   * @return the methods, in the spec's order
   * @throws ValidationException ({@code method}) if a part is empty, unknown or repeated, or vanilla is combined
   */
  public static List<Method> parse(String spec) {
    if (spec == null || spec.isBlank()) throw new ValidationException("method", "must name a method (" + String.join(", ", names()) + ")", "''");
    String[] parts = spec.split("\\+", -1);
    List<Method> out = new ArrayList<>();
    for (String raw : parts) {
      String part = raw.trim();
      Method m = REGISTRY.get(part);
      if (m == null) {
        throw new ValidationException("method", (part.isEmpty() ? "has an empty part" : "has an unknown method '" + part + "'")
            + "; valid: " + String.join(", ", names()) + ", or several joined with +", "'" + spec + "'");
      }
      if (out.contains(m)) throw new ValidationException("method", "names " + part + " twice", "'" + spec + "'");
      out.add(m);
    }
    if (out.size() > 1 && out.stream().anyMatch(m -> m.name().equals("vanilla")))
      throw new ValidationException("method", "'vanilla' means no transform and cannot be combined", "'" + spec + "'");
    return out;
  }

  /** The method's own transforms, in order (switchable ones wrapped in their switch-off); empty for vanilla. */
  static List<GradientTransform> transforms(String spec, RunConfig c, ParamSelector layers) {
    List<GradientTransform> out = new ArrayList<>();
    double switchOff = c.require(RunConfig.SWITCH_OFF);
    SwitchOffMode mode = SwitchOffMode.valueOf(c.require(RunConfig.SWITCH_OFF_MODE).toUpperCase(Locale.ROOT));
    for (Method m : parse(spec)) {
      GradientTransform t = m.build().apply(c, layers);
      if (t == null) continue;
      if (m.switchable()) {
        dev.egd.Check.fraction("switch_off", switchOff);
        if (switchOff < 1) t = Transforms.switchOff(t, switchOff, mode);
      }
      out.add(t);
    }
    return out;
  }
}
