package dev.egd.cli;

import static dev.egd.cli.CliTest.assertBadInput;
import static dev.egd.cli.CliTest.egd;
import static dev.egd.cli.CliTest.small;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SpectrumCliTest {
  @TempDir Path tmp;

  @ParameterizedTest(name = "{0}")
  @CsvSource({"egd", "vanilla", "egd+grokfast-ema", "colnorm"})
  void loggingTheSpectrumDoesNotChangeTraining(String method) throws Exception {
    Path off = tmp.resolve("off"), on = tmp.resolve("on");
    assertEquals(0, egd(small(off, "--method", method, "--threads", "2").toArray(new String[0])).code());
    CliTest.Outcome o = egd(small(on, "--method", method, "--threads", "2", "--log-spectrum", "--spectrum-every", "2",
        "--spectrum-layers", "all").toArray(new String[0]));
    assertEquals(0, o.code(), o.err());
    assertArrayEquals(Files.readAllBytes(off.resolve("metrics.csv")), Files.readAllBytes(on.resolve("metrics.csv")), method);
    // epochs 1, 2, 4, 6; two layers; before and after
    List<String> rows = Files.readAllLines(on.resolve("spectrum.csv"));
    assertEquals(dev.egd.experiment.RunDirectory.SPECTRUM_HEADER, rows.get(0));
    assertEquals(1 + 4 * 2 * 2, rows.size());
    assertTrue(Files.size(on.resolve("spectrum.png")) > 0);
    assertTrue(Files.size(on.resolve("spectrum-condition.png")) > 0);
    assertTrue(Files.exists(on.resolve("spectrum-W2.png")));
    assertTrue(RunFiles.JSON.readTree(on.resolve("summary.json").toFile()).get("config").has("spectrum_every"));
  }

  @Test
  void spectrumCsvHoldsTheStatisticsAndTheExtremeSingularValues() throws Exception {
    Path out = tmp.resolve("egd");
    assertEquals(0, egd(small(out, "--method", "egd", "--switch-off", "1", "--log-spectrum", "--spectrum-every", "3", "--spectrum-k", "2")
        .toArray(new String[0])).code());
    List<String> rows = Files.readAllLines(out.resolve("spectrum.csv"));
    assertEquals(1 + 3 * 2, rows.size()); // epochs 1, 3, 6; W1 only
    String[] header = rows.get(0).split(",");
    String[] before = rows.get(1).split(",", -1), after = rows.get(2).split(",", -1);
    assertEquals(header.length, before.length);
    assertEquals("1", before[0]);
    assertEquals("W1", before[2]);
    assertEquals("26", before[3]); // W1 is (2p) x width = 26 x 24
    assertEquals("24", before[4]);
    assertEquals("before", before[5]);
    assertTrue(before[6].startsWith("egd-"), before[6]);
    assertEquals("after", after[5]);
    assertEquals("egd-exact", after[6]);
    assertEquals(1.0, Double.parseDouble(after[9]), 0); // condition number
    assertEquals(24.0, Double.parseDouble(after[10]), 1e-4); // effective rank
    String[] top = before[13].split(" "), bottom = before[14].split(" ");
    assertEquals(2, top.length);
    assertEquals(2, bottom.length);
    assertEquals(Double.parseDouble(before[7]), Double.parseDouble(top[0]), 0); // s_max
    assertEquals(Double.parseDouble(before[8]), Double.parseDouble(bottom[1]), 0); // s_min
    double cond = Double.parseDouble(before[9]);
    assertEquals(Double.parseDouble(top[0]) / Double.parseDouble(bottom[1]), cond, 1e-4 * cond);
  }

  @Test
  void compareDrawsTheConditionNumbersOfEveryMethod() throws Exception {
    Path out = tmp.resolve("cmp");
    CliTest.Outcome o = egd("compare", "--methods", "vanilla,egd", "--p", "13", "--width", "24", "--batch", "16", "--epochs", "4",
        "--train-fraction", "0.6", "--parallel", "1", "--threads", "1", "--log-spectrum", "--out", out.toString(), "--quiet");
    assertEquals(0, o.code(), o.err());
    assertTrue(Files.size(out.resolve("comparison-spectrum-condition.png")) > 0);
    assertTrue(Files.exists(out.resolve("egd").resolve("spectrum.csv")));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "--log-spectrum --spectrum-every 0 | --spectrum-every",
      "--log-spectrum --spectrum-every -3 | --spectrum-every",
      "--log-spectrum --spectrum-k 0 | --spectrum-k",
      "--log-spectrum --spectrum-k some | --spectrum-k",
      "--log-spectrum --spectrum-layers nomatch | --spectrum-layers",
      "--log-spectrum --spectrum-layers W[ | --spectrum-layers",
      "--spectrum-every 5 | --log-spectrum",
      "--task toy | egd toy",
  })
  void badSpectrumFlags(String flags, String mentioned) {
    Path out = tmp.resolve("run");
    List<String> args = small(out);
    args.addAll(List.of(flags.trim().split(" ")));
    assertBadInput(args, mentioned, out);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "--eps 1e-1,x | --eps",
      "--eps 1e-1,,1e-2 | --eps",
      "--eps 0 | --eps",
      "--eps 2 | --eps",
      "--eps 0.5 --m 0.1 | --eps",
      "--lr 2 | --lr",
      "--dim 3 | --dim",
      "--egd-decay 0.3 | --egd-decay",
      "--egd-lr 0.1 | --egd-lr",
      "--tol 1 | --tol",
      "--max-steps 0 | --max-steps",
  })
  void badToyFlags(String flags, String mentioned) {
    Path out = tmp.resolve("toy");
    List<String> args = new ArrayList<>(List.of("toy", "--out", out.toString()));
    args.addAll(List.of(flags.trim().split(" ")));
    assertBadInput(args, mentioned, out);
  }

  @Test
  void toyPrintsTheTableAndWritesCsvAndChart() throws Exception {
    Path out = tmp.resolve("toy");
    PrintStream old = System.out;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CliTest.Outcome o;
    try {
      System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
      o = egd("toy", "--eps", "1e-1,1e-2,1e-3", "--out", out.toString());
    } finally {
      System.setOut(old);
    }
    assertEquals(0, o.code(), o.err());
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("GD steps") && text.contains("EGD steps"), text);
    List<String> rows = Files.readAllLines(out.resolve("toy.csv"));
    assertEquals(ToyCommand.CSV_HEADER, rows.get(0));
    assertEquals(4, rows.size());
    long gdFirst = Long.parseLong(rows.get(1).split(",")[2]), gdLast = Long.parseLong(rows.get(3).split(",")[2]);
    assertTrue(gdLast > 80 * gdFirst, rows.toString());
    assertEquals(rows.get(1).split(",")[3], rows.get(3).split(",")[3], "EGD steps equal");
    assertTrue(Files.size(out.resolve("toy.png")) > 0);
  }
}
