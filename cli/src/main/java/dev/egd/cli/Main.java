package dev.egd.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code egd} command line. Exit codes: 0 done, 2 bad input, 3 run diverged, 130 interrupted. */
@Command(name = "egd", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Egalitarian Gradient Descent and Grokfast: make networks grok fast, and measure it.",
    subcommands = {TrainCommand.class, CompareCommand.class, DemoCommand.class, SweepCommand.class, ReportCommand.class,
        ReproduceCommand.class, ToyCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  public static final int EXIT_BAD_INPUT = 2;
  public static final int EXIT_DIVERGED = 3;
  public static final int EXIT_INTERRUPTED = 130;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override public void run() {
    spec.commandLine().usage(System.out);
  }

  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setOverwrittenOptionsAllowed(true); // the last occurrence of a flag wins, so scripts can append overrides
    cl.setParameterExceptionHandler((ex, args) -> {
      String msg = ex.getMessage();
      ex.getCommandLine().getErr().println("egd: " + (msg == null ? ex.toString() : msg.split("\n")[0])
          + " (see '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
      return EXIT_BAD_INPUT;
    });
    cl.setExecutionExceptionHandler((ex, command, parse) -> {
      if (ex instanceof dev.egd.ValidationException) {
        command.getErr().println("egd: " + BadInput.of((dev.egd.ValidationException) ex).getMessage());
        return EXIT_BAD_INPUT;
      }
      if (ex instanceof BadInput || ex instanceof IllegalArgumentException) {
        command.getErr().println("egd: " + ex.getMessage());
        return EXIT_BAD_INPUT;
      }
      throw ex;
    });
    return cl;
  }

  /** What --version prints, on every command. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override public String[] getVersion() {
      return new String[] {"egd " + dev.egd.experiment.Versions.egd(), "OpenBLAS: " + dev.egd.linalg.Blas.config(),
          "Java: " + System.getProperty("java.runtime.version")};
    }
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }
}
