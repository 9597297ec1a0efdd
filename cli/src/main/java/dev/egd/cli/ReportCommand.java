package dev.egd.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "report", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = {"Write the report of a sweep directory: report.html (self-contained), report.md, stats.json.",
        "Works on an unfinished sweep too: runs not yet finished are listed as such."})
final class ReportCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "DIR", description = "A directory made by 'egd sweep' or 'egd reproduce'.")
  Path dir;

  @Override public Integer call() throws Exception {
    Report r = Report.of(dir);
    checkWritable(dir);
    r.write();
    System.out.print(r.table());
    for (var e : r.unusable.entrySet()) System.out.println("not used: " + e.getKey().dir() + ": " + e.getValue());
    System.out.println("report: " + dir.resolve("report.html") + " (and report.md, stats.json)");
    return 0;
  }

  /** The files a report writes (into a sweep directory, and charts into its report/). */
  static final java.util.List<String> FILES = java.util.List.of("stats.json", "report.md", "report.html");

  /** Before anything is written: the report's files can be replaced (none is a directory), and the directory is writable. */
  static void checkWritable(Path dir) {
    String blocked = dev.egd.experiment.OutputDirectory.inTheWay(dir, FILES);
    if (blocked == null && java.nio.file.Files.exists(dir.resolve("report")) && !java.nio.file.Files.isDirectory(dir.resolve("report")))
      blocked = "report";
    if (blocked != null)
      throw new BadInput("report: " + dir + " holds " + blocked + " as " + (blocked.equals("report") ? "a file, where the charts' directory goes"
          : "a directory, in the way of the report's file") + "; move it away");
    if (!java.nio.file.Files.isWritable(dir)) throw new BadInput("report: " + dir + " is not writable");
  }
}
