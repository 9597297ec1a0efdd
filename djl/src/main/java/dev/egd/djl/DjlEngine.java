package dev.egd.djl;

import dev.egd.ValidationException;
import dev.egd.experiment.Engine;
import dev.egd.experiment.Experiments;
import dev.egd.experiment.Methods;
import dev.egd.experiment.RunConfig;
import dev.egd.experiment.TrainingRun;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * egd's runs computed by DJL (PyTorch's CPU engine), {@code engine = djl}: the MNIST task of egd's
 * own engine ({@code task = mnist}, the papers' presets: 1,000 training images, batch 200, AdamW lr
 * 1e-3, weight decay 0.01 for vanilla and 2.0 for the methods, evaluation every 100 steps, target 85%)
 * on the MLP ({@code model = mlp}, 784-200-200-10, egd's initialisation copied over, so a seed starts
 * both engines from the same weights and the same batches) or the LeNet-like CNN
 * ({@code model = cnn}, {@link MnistModels#lenet}), with the methods vanilla, egd, egd-rsvd,
 * grokfast-ema, grokfast-ma and their combinations, through {@link EgdOptimizer}. The run directory
 * is the same as egd's engine writes ({@code RunDirectory.run}), so compare, sweep and report treat
 * both alike.
 *
 * <p>Settings are egd's own ({@link RunConfig}), resolved by egd's presets; those that do not apply to
 * the run are refused as by egd's engine, and so are those this engine does not offer, each with a
 * ValidationException naming the setting and what is valid: another task or model, colnorm (egd's
 * acts on its [in, out] weights' columns, DJL's rows), spectrum logging, a learning-rate warm-up, SGD
 * with weight decay (DJL's acts after the transforms, egd's before), width or depth of the CNN. A
 * randomized EGD rank above a selected matrix's limit (the CNN's first kernel is 6 x 25) and an
 * {@code egd_layers} pattern matching none of DJL's parameter names are refused too. {@code threads}
 * is PyTorch's intra-op thread count (its inter-op pool is one thread) and the threads the matrices'
 * transforms run on at once ({@link EgdOptimizer.Builder#parallel}).
 *
 * <p>Registered for {@link java.util.ServiceLoader} in {@code META-INF/services/dev.egd.experiment.Engine}.
 */
public final class DjlEngine implements Engine {
  /** The single methods this engine runs. */
  static final List<String> METHODS = List.of("vanilla", "egd", "egd-rsvd", "grokfast-ema", "grokfast-ma");

  @Override public String name() { return "djl"; }

  @Override public TrainingRun build(RunConfig given, List<String> methods) {
    String task = given.get(RunConfig.TASK, "modular");
    if (!task.equals("mnist"))
      throw new ValidationException("task", "must be mnist with {engine} djl (it runs the MNIST MLP and CNN; other tasks run on {engine} egd)", task);
    String model = given.get(RunConfig.MODEL, "mlp");
    if (!model.equals("mlp") && !model.equals("cnn"))
      throw new ValidationException("model", "must be mlp or cnn with {engine} djl", model);
    Set<String> all = new LinkedHashSet<>(methods);
    all.add(given.get(RunConfig.METHOD, "egd"));
    for (String m : all) {
      for (Methods.Method part : Methods.parse(m)) {
        if (!METHODS.contains(part.name()))
          throw new ValidationException("method", "has " + part.name() + ", which {engine} djl does not offer"
              + (part.name().equals("colnorm") ? " (egd's colnorm normalises the columns of its [in, out] weights, which are the rows of DJL's)" : "")
              + "; valid: " + String.join(", ", METHODS) + ", or several joined with +", "'" + m + "'");
      }
    }
    // egd's own refusal of settings no method, task or model of the run reads (the CNN reads what the MLP does, less its sizes)
    RunConfig asMlp = given.with(RunConfig.MODEL, "mlp");
    List<String> unused = Experiments.unused(asMlp, all);
    if (!unused.isEmpty()) {
      String name = unused.get(0);
      throw new ValidationException(name, "does not apply to task mnist or method " + String.join(", ", all) + " (engine djl)", given.asMap().get(name));
    }
    if (model.equals("cnn")) {
      for (var s : List.of(RunConfig.WIDTH, RunConfig.DEPTH))
        if (given.has(s)) throw new ValidationException(s.name(), "does not apply to {model} cnn (the LeNet-like CNN has fixed sizes: "
            + MnistModels.LENET + ")", given.get(s));
    }
    if (given.get(RunConfig.LOG_SPECTRUM, false)) throw new ValidationException("log_spectrum", "is not offered with {engine} djl", true);
    RunConfig c = Experiments.resolve(asMlp).with(RunConfig.MODEL, model).with(RunConfig.ENGINE, "djl");
    if (c.get(RunConfig.WARMUP) != 0)
      throw new ValidationException("warmup", "is not offered with {engine} djl (DJL's warm-up tracker ramps otherwise than egd's); give 0", c.get(RunConfig.WARMUP));
    if (c.get(RunConfig.OPTIMIZER).equals("sgd") && c.get(RunConfig.WD) != 0)
      throw new ValidationException("wd", "must be 0 with {optimizer} sgd and {engine} djl (DJL's SGD adds the decay after the transforms, egd's "
          + "engine before EGD sees the gradient); or use {optimizer} adam or adamw", c.get(RunConfig.WD));
    return DjlTrainingRun.build(c);
  }
}
