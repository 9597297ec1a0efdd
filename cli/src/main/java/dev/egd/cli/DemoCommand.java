package dev.egd.cli;

import dev.egd.experiment.OutputDirectory;
import dev.egd.experiment.RunConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = {"The headline comparison: plain SGD, EGD, randomized EGD, column normalisation and Grokfast-EMA",
        "on a + b mod 97 with a 2-layer MLP (the EGD paper's setting). A few minutes on 2 cores."})
final class DemoCommand implements Callable<Integer> {
  @Option(names = "--out", defaultValue = "runs/demo", description = "Where to write the runs (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--seed", defaultValue = "0", description = "Seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--epochs", defaultValue = "15000", description = "Epoch cap per method (default: ${DEFAULT-VALUE}).")
  long epochs;

  @Override public Integer call() throws Exception {
    System.out.println("egd demo: a 2-layer ReLU MLP learns a + b mod 97 from half of all pairs.");
    System.out.println("It fits the training pairs early; test accuracy stays near zero until it groks. Each method stops at 95% test accuracy.");
    RunConfig c = RunConfig.empty().with(RunConfig.SEED, seed).with(RunConfig.EPOCHS, epochs).with(RunConfig.STOP_AFTER, 0L)
        .with(RunConfig.TARGET, 0.95);
    List<String> methods = List.of(CompareCommand.DEFAULT_METHODS.split(","));
    // The demo's directory is its own: a second demo replaces the first.
    boolean again = OutputDirectory.inspect(out).kind() == OutputDirectory.Kind.COMPARISON;
    return CompareCommand.run(methods, c, "vanilla", null, out, false, false, again, System.out, cmp -> System.out.println(cmp.verdict(0.95)));
  }
}
