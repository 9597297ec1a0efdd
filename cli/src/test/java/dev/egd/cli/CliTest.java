package dev.egd.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CliTest {
  @TempDir Path tmp;

  record Outcome(int code, String err) {}

  static Outcome egd(String... args) {
    StringWriter err = new StringWriter();
    var cl = Main.commandLine();
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Outcome(code, err.toString());
  }

  /** Bad input: exit code 2, one line on stderr that mentions the flag, and no output directory. */
  static void assertBadInput(List<String> args, String mentioned, Path out) {
    Outcome o = egd(args.toArray(new String[0]));
    assertEquals(2, o.code(), o.err());
    assertEquals(1, o.err().trim().lines().count(), "one line: " + o.err());
    assertTrue(o.err().contains(mentioned.trim()), o.err());
    assertFalse(Files.exists(out), "nothing written");
  }

  /** A small, fast modular run. */
  static List<String> small(Path out, String... extra) {
    List<String> a = new ArrayList<>(List.of("train", "--p", "13", "--width", "24", "--batch", "16", "--epochs", "6",
        "--train-fraction", "0.6", "--out", out.toString(), "--quiet"));
    a.addAll(List.of(extra));
    return a;
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "--p 1 | --p",
      "--p abc | --p",
      "--op div --p 12 | prime",
      "--train-fraction 0 | --train-fraction",
      "--train-fraction 1.5 | --train-fraction",
      "--method egd-rsvd --rank 0 | --rank",
      "--method egd-rsvd --rank 25 | --rank",
      "--lr 0 | --lr",
      "--lr -1 | --lr",
      "--wd -0.1 | --wd",
      "--op pow | add, sub, mul, div",
      "--method sgdx | --method",
      "--egd-layers nomatch | matches no",
      "--batch 1000 | --batch",
      "--target 1.5 | --target",
      "--threads 0 | --threads",
      "--egd-route fastest | --egd-route",
      "--egd-rcond 1 | --egd-rcond",
      "--egd-floor 0 | --egd-floor",
  })
  void badInputGivesOneLineExitTwoAndWritesNothing(String flags, String mentioned) {
    Path out = tmp.resolve("run");
    List<String> args = small(out);
    args.addAll(List.of(flags.trim().split(" ")));
    assertBadInput(args, mentioned, out);
  }

  @Test
  void anUnknownFlagIsNamedBeforeAMissingSpec() {
    Outcome o = egd("sweep", "--no-such-flag");
    assertEquals(2, o.code(), o.err());
    assertTrue(o.err().contains("Unknown option: '--no-such-flag'"), o.err());
    Outcome missing = egd("sweep");
    assertEquals(2, missing.code(), missing.err());
    assertTrue(missing.err().contains("SPEC"), missing.err());
  }

  @Test
  void unwritableOutputDirectoryIsBadInput() throws Exception {
    Path file = tmp.resolve("a-file");
    Files.writeString(file, "x");
    Outcome o = egd(small(file.resolve("sub")).toArray(new String[0]));
    assertEquals(2, o.code());
    assertTrue(o.err().contains("--out"), o.err());
    Outcome o2 = egd(small(file).toArray(new String[0]));
    assertEquals(2, o2.code());
    assertTrue(o2.err().contains("not a directory"), o2.err());
  }

  @Test
  void trainWritesSummaryAndMetricsAndSameSeedGivesIdenticalMetrics() throws Exception {
    Path a = tmp.resolve("a"), b = tmp.resolve("b");
    assertEquals(0, egd(small(a, "--method", "egd-rsvd", "--rank", "4", "--seed", "5").toArray(new String[0])).code());
    assertEquals(0, egd(small(b, "--method", "egd-rsvd", "--rank", "4", "--seed", "5").toArray(new String[0])).code());
    JsonNode s = RunFiles.JSON.readTree(a.resolve("summary.json").toFile());
    for (String field : new String[] {"task", "op", "p", "method", "seed", "epochs_run", "epochs_to_target", "seconds_to_target",
        "target", "final_train_acc", "final_test_acc", "seconds_per_epoch", "config", "versions"}) {
      assertTrue(s.has(field), "summary.json has " + field);
    }
    assertEquals("egd-rsvd", s.get("method").asText());
    assertEquals(13, s.get("p").asInt());
    assertEquals(6, s.get("epochs_run").asInt());
    assertEquals(4, s.get("config").get("rank").asInt());
    List<String> rows = Files.readAllLines(a.resolve("metrics.csv"));
    assertEquals(1 + 6, rows.size());
    assertEquals(dev.egd.experiment.RunDirectory.METRICS_HEADER, rows.get(0));
    assertEquals(1 + 6, Files.readAllLines(a.resolve("timing.csv")).size());
    assertArrayEquals(Files.readAllBytes(a.resolve("metrics.csv")), Files.readAllBytes(b.resolve("metrics.csv")));
    Path c = tmp.resolve("c");
    assertEquals(0, egd(small(c, "--method", "egd-rsvd", "--rank", "4", "--seed", "6").toArray(new String[0])).code());
    assertFalse(java.util.Arrays.equals(Files.readAllBytes(a.resolve("metrics.csv")), Files.readAllBytes(c.resolve("metrics.csv"))));
  }

  @Test
  void everyMethodRuns() throws Exception {
    for (String m : dev.egd.experiment.Methods.names()) {
      Path out = tmp.resolve(m);
      Outcome o = egd((m.equals("egd-rsvd") ? small(out, "--method", m, "--rank", "3") : small(out, "--method", m)).toArray(new String[0]));
      assertEquals(0, o.code(), m + ": " + o.err());
      JsonNode s = RunFiles.JSON.readTree(out.resolve("summary.json").toFile());
      assertEquals(m, s.get("method").asText());
      assertTrue(s.get("final_train_acc").asDouble() > 0);
    }
  }

  @Test
  void divergedRunExitsThreeAndKeepsItsFiles() throws Exception {
    Path out = tmp.resolve("nan");
    Outcome o = egd(small(out, "--method", "vanilla", "--lr", "1e7").toArray(new String[0]));
    assertEquals(3, o.code());
    JsonNode s = RunFiles.JSON.readTree(out.resolve("summary.json").toFile());
    assertEquals("diverged", s.get("status").asText());
    assertTrue(Files.exists(out.resolve("metrics.csv")));
  }
}
