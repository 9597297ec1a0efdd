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
    cl.registerConverter(java.nio.file.Path.class, Main::path);
    cl.setParameterExceptionHandler((ex, args) -> {
      String msg = ex.getMessage();
      // picocli checks required parameters before it reports what it did not understand: an unknown flag
      // is the likelier mistake (sweep --no-such-flag), so it is named first
      java.util.List<String> unmatched = ex.getCommandLine().getUnmatchedArguments();
      if (ex instanceof CommandLine.MissingParameterException && !unmatched.isEmpty())
        msg = (unmatched.get(0).startsWith("-") ? "Unknown option: '" : "Unmatched argument: '") + unmatched.get(0) + "'";
      ex.getCommandLine().getErr().println("egd: " + (msg == null ? ex.toString() : msg.split("\n")[0])
          + " (see '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
      return EXIT_BAD_INPUT;
    });
    cl.setExecutionExceptionHandler((ex, command, parse) -> {
      java.io.PrintWriter err = command.getErr();
      if (System.getenv("EGD_DEBUG") != null && !System.getenv("EGD_DEBUG").isEmpty()) ex.printStackTrace(err);
      int code = EXIT_BAD_INPUT;
      String msg;
      Throwable cause = ex instanceof java.io.UncheckedIOException ? ex.getCause() : ex;
      if (cause instanceof dev.egd.ValidationException) msg = BadInput.of((dev.egd.ValidationException) cause).getMessage();
      else if (cause instanceof BadInput || cause instanceof IllegalArgumentException)
        msg = cause.getMessage() == null ? "invalid input (" + cause.getClass().getSimpleName() + ")" : cause.getMessage();
      else if (cause instanceof java.io.IOException) msg = describe((java.io.IOException) cause);
      else if (cause instanceof OutOfMemoryError)
        msg = "out of memory (" + cause.getMessage() + "): lower the sizes, or raise the JVM's limit with EGD_JAVA_OPTS=-Xmx<size>";
      else {
        code = 1;
        msg = "internal error: " + cause + (cause.getStackTrace().length > 0 ? " at " + cause.getStackTrace()[0] : "")
            + " (EGD_DEBUG=1 prints the stack trace)";
      }
      err.println("egd: " + oneLine(msg));
      err.flush();
      return code;
    });
    return cl;
  }

  /** A path flag's value; one the file system cannot name (a NUL byte) is refused in words, not as an exception's name. */
  static java.nio.file.Path path(String text) {
    try {
      return java.nio.file.Path.of(text);
    } catch (java.nio.file.InvalidPathException e) {
      throw new CommandLine.TypeConversionException("'" + text.replace("\0", "\\0") + "' is not a valid path (" + e.getReason() + ")");
    }
  }

  /** A file-system error as a user reads it: what went wrong with which file. */
  static String describe(java.io.IOException e) {
    if (e instanceof java.nio.file.AccessDeniedException) return "cannot write or read " + ((java.nio.file.FileSystemException) e).getFile() + ": permission denied";
    if (e instanceof java.nio.file.NoSuchFileException) return "no such file or directory: " + ((java.nio.file.FileSystemException) e).getFile();
    if (e instanceof java.nio.file.FileAlreadyExistsException) return "in the way: " + ((java.nio.file.FileSystemException) e).getFile() + " exists";
    if (e instanceof java.nio.file.NotDirectoryException) return "not a directory: " + ((java.nio.file.FileSystemException) e).getFile();
    if (e instanceof java.nio.file.DirectoryNotEmptyException) return "in the way: " + ((java.nio.file.FileSystemException) e).getFile() + " is a non-empty directory";
    if (e instanceof java.nio.file.FileSystemException) {
      java.nio.file.FileSystemException f = (java.nio.file.FileSystemException) e;
      return "file system error on " + f.getFile() + (f.getOtherFile() != null ? " (to " + f.getOtherFile() + ")" : "")
          + (f.getReason() != null ? ": " + f.getReason() : "");
    }
    return "input/output error: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
  }

  static String oneLine(String s) {
    if (s == null) return "(no message)";
    String first = s.split("\\R", 2)[0];
    return first.length() > 2000 ? first.substring(0, 2000) + "..." : first;
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
