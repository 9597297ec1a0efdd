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
    r.write();
    System.out.print(r.table());
    for (var e : r.unusable.entrySet()) System.out.println("not used: " + e.getKey().dir() + ": " + e.getValue());
    System.out.println("report: " + dir.resolve("report.html") + " (and report.md, stats.json)");
    return 0;
  }
}
