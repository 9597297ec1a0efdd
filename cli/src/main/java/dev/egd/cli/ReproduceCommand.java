package dev.egd.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "reproduce", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, sortOptions = false,
    description = {"Re-run a paper's experiment as a sweep and write its report, our figures beside the published ones.",
        "  egd-tables            EGD paper, Tables 2-4: modular addition and multiplication (p = 79, 97, 127) and sparse parity,",
        "                        vanilla, egd, egd-rsvd, colnorm (epochs to 95%% test accuracy)",
        "  grokfast-transformer  Grokfast's transformer on x*y mod 97: vanilla (Adam), grokfast-ema, egd (steps to 95%%)",
        "  fair-tuning           every method with the same grid over lr and wd, each compared at its best setting",
        "Interrupted? Run the same command again: finished runs are kept and interrupted ones resume."})
final class ReproduceCommand implements Callable<Integer> {
  static final List<String> PRESETS = List.of("egd-tables", "grokfast-transformer", "fair-tuning");

  @Parameters(index = "0", paramLabel = "EXPERIMENT", description = "egd-tables, grokfast-transformer or fair-tuning.")
  String preset;

  @Option(names = "--quick", description = "Few seeds and short caps (the baseline is cut off early, so its figures are lower bounds): minutes, not hours.")
  boolean quick;

  @Option(names = "--seeds", description = "Seeds per configuration (default: 2 with --quick, 5 otherwise).")
  Integer seeds;

  @Option(names = "--out", description = "Directory (default: runs/reproduce-<experiment>[-quick]).")
  Path out;

  @Option(names = "--parallel", description = "Runs at a time (default: the number of cores).")
  Integer parallel;

  @picocli.CommandLine.Mixin EngineOptions engine;

  @Option(names = "--force", description = "Reuse --out although it holds another sweep.")
  boolean force;

  @Option(names = {"-q", "--quiet"}, description = "Only the final table.")
  boolean quiet;

  @Override public Integer call() throws Exception {
    if (!PRESETS.contains(preset)) throw new BadInput("EXPERIMENT must be one of " + String.join(", ", PRESETS) + ": " + preset);
    if (seeds != null && (seeds < 1 || seeds > 1000)) throw new BadInput("--seeds must be in [1, 1000]: " + seeds);
    ObjectNode spec = spec(preset, quick, seeds != null ? seeds : quick ? 2 : 5);
    Path dir = out != null ? out : Path.of("runs", "reproduce-" + preset + (quick ? "-quick" : ""));
    return SweepCommand.run(new SweepSpec("reproduce " + preset + (quick ? " --quick" : ""), spec, null), dir, parallel, force, quiet,
        engine, System.out);
  }

  static ObjectNode spec(String preset, boolean quick, int seeds) {
    ObjectNode s = RunFiles.JSON.createObjectNode();
    s.put("name", preset + (quick ? "-quick" : ""));
    s.put("seeds", seeds);
    ObjectNode flags = s.putObject("flags");
    flags.put("stop-after", 0);
    ArrayNode configs = s.putArray("configs");
    ObjectNode paper = RunFiles.JSON.createObjectNode();
    switch (preset) {
      case "egd-tables": {
        s.putArray("methods").add("vanilla").add("egd").add("egd-rsvd").add("colnorm");
        // EGD paper, Tables 2-4: epochs to 95% test accuracy (vanilla / egd)
        int[][] add = {{79, 10099, 222}, {97, 5392, 116}, {127, 3293, 62}};
        int[][] mul = {{79, 10116, 221}, {97, 5715, 107}, {127, 3261, 65}};
        for (String op : new String[] {"add", "mul"}) {
          for (int[] r : op.equals("add") ? add : mul) {
            String name = op + "-p" + r[0];
            configs.addObject().put("name", name).put("op", op).put("p", r[0]);
            paper.putObject(name).put("vanilla", r[1]).put("egd", r[2]);
          }
        }
        int[][] parity = {{400, 2, 7873, 109}, {100, 3, 1784, 115}, {50, 4, 5273, 254}};
        for (int[] r : parity) {
          String name = "parity-n" + r[0] + "-k" + r[1];
          configs.addObject().put("name", name).put("task", "parity").put("n", r[0]).put("k", r[1]);
          paper.putObject(name).put("vanilla", r[2]).put("egd", r[3]);
        }
        if (quick) {
          s.putObject("method_flags").putObject("vanilla").put("epochs", 500);
          flags.put("epochs", 1500);
        }
        break;
      }
      case "grokfast-transformer": {
        s.putArray("methods").add("vanilla").add("grokfast-ema").add("egd");
        configs.addObject().put("name", "transformer-mul-p97").put("model", "transformer").put("op", "mul").put("p", 97);
        if (quick) {
          s.putObject("method_flags").putObject("vanilla").put("epochs", 150);
          flags.put("epochs", 600);
        }
        break;
      }
      default: { // fair-tuning
        s.putArray("methods").add("vanilla").add("egd").add("colnorm").add("grokfast-ema");
        configs.addObject().put("name", "add-p97").put("op", "add").put("p", 97);
        ObjectNode grid = s.putObject("grid");
        if (quick) {
          grid.putArray("lr").add(0.5).add(1.0);
          grid.putArray("wd").add(1e-4).add(1e-3);
          flags.put("epochs", 1000);
        } else {
          grid.putArray("lr").add(0.1).add(0.3).add(0.7).add(1.0);
          grid.putArray("wd").add(1e-5).add(1e-4).add(1e-3).add(1e-2);
        }
      }
    }
    if (!paper.isEmpty()) s.set("paper", paper);
    return s;
  }
}
