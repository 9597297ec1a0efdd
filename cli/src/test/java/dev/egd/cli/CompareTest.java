package dev.egd.cli;

import dev.egd.experiment.Experiments;
import dev.egd.experiment.RunConfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CompareTest {
  @TempDir Path tmp;

  private static List<String> parity(Path out, String... extra) {
    List<String> a = new ArrayList<>(List.of("--task", "parity", "--n", "12", "--k", "2", "--width", "16", "--train-size", "200",
        "--test-size", "300", "--epochs", "8", "--out", out.toString(), "--quiet"));
    a.addAll(List.of(extra));
    return a;
  }

  private static void assertPng(Path file) throws Exception {
    byte[] head = java.util.Arrays.copyOf(Files.readAllBytes(file), 8);
    assertEquals(0x89, head[0] & 0xff);
    assertEquals("PNG", new String(head, 1, 3, java.nio.charset.StandardCharsets.US_ASCII));
    BufferedImage img = ImageIO.read(file.toFile());
    assertEquals(Charts.WIDTH, img.getWidth());
    assertEquals(Charts.HEIGHT, img.getHeight());
  }

  @Test
  void compareWritesEveryRunTheTablesAndOneChart() throws Exception {
    Path out = tmp.resolve("cmp");
    List<String> args = new ArrayList<>(List.of("compare", "--methods", "vanilla,egd,egd+grokfast-ema,grokfast-ma"));
    args.addAll(parity(out, "--ma-window", "3"));
    CliTest.Outcome o = CliTest.egd(args.toArray(new String[0]));
    assertEquals(0, o.code(), o.err());
    for (String m : List.of("vanilla", "egd", "egd+grokfast-ema", "grokfast-ma")) {
      JsonNode s = RunFiles.JSON.readTree(out.resolve(m).resolve("summary.json").toFile());
      assertEquals(m, s.get("method").asText());
      assertEquals(8, s.get("epochs_run").asInt());
      assertPng(out.resolve(m).resolve("accuracy.png"));
    }
    assertPng(out.resolve("comparison.png"));
    List<String> md = Files.readAllLines(out.resolve("comparison.md"));
    assertEquals(2 + 4, md.size());
    assertTrue(md.get(0).contains("speed-up (epochs)"));
    JsonNode j = RunFiles.JSON.readTree(out.resolve("comparison.json").toFile());
    assertEquals(4, j.get("runs").size());
    assertTrue(j.get("runs").get(2).get("method").asText().equals("egd+grokfast-ema"));
    String transform = RunFiles.JSON.readTree(out.resolve("egd+grokfast-ema").resolve("summary.json").toFile())
        .get("config").get("transform").asText();
    assertTrue(transform.indexOf("egd(") < transform.indexOf("grokfast-ema") && transform.indexOf("grokfast-ema") < transform.indexOf("sgd"),
        "chain order as given, optimizer last: " + transform);
  }

  @Test
  void mnistRunOnTheBundledDigitsTrains() throws Exception {
    Path out = tmp.resolve("mnist");
    CliTest.Outcome o = CliTest.egd("train", "--task", "mnist", "--train-points", "200", "--width", "32", "--init-scale", "1",
        "--method", "egd", "--epochs", "30", "--eval-every", "5", "--stop-after", "0", "--out", out.toString(), "--quiet");
    assertEquals(0, o.code(), o.err());
    List<String> rows = Files.readAllLines(out.resolve("metrics.csv"));
    String[] first = rows.get(1).split(","), last = rows.get(rows.size() - 1).split(",");
    assertTrue(Double.parseDouble(last[3]) > Double.parseDouble(first[3]) + 0.2, "training accuracy rises: " + rows.get(1) + " -> " + rows.get(rows.size() - 1));
    JsonNode c = RunFiles.JSON.readTree(out.resolve("summary.json").toFile()).get("config");
    assertEquals("adamw", c.get("optimizer").asText());
    assertEquals(0.85, c.get("target").asDouble(), 1e-12);
    assertTrue(c.get("transform").asText().contains("W1,W2,W3"), c.get("transform").asText());
    assertEquals(0.999, c.get("beta2").asDouble(), 1e-12, "PyTorch's AdamW betas");
    assertEquals(2.0, c.get("wd").asDouble(), 1e-12, "the methods' weight decay in the papers' MNIST comparison");
    assertEquals("relu", c.get("activation").asText());
    CliTest.assertBadInput(new ArrayList<>(List.of("train", "--task", "mnist", "--train-points", "20000", "--out", tmp.resolve("m2").toString())),
        "--train-points", tmp.resolve("m2"));
    CliTest.assertBadInput(new ArrayList<>(List.of("train", "--task", "mnist", "--activation", "swish", "--out", tmp.resolve("m3").toString())),
        "--activation", tmp.resolve("m3"));
    CliTest.assertBadInput(new ArrayList<>(List.of("train", "--model", "transformer", "--activation", "tanh", "--out", tmp.resolve("m4").toString())),
        "--activation", tmp.resolve("m4"));
  }

  @Test
  void mnistPresetsFollowTheMethodAndAcceptOverrides() throws Exception {
    Path out = tmp.resolve("mnist-vanilla");
    CliTest.Outcome o = CliTest.egd("train", "--task", "mnist", "--train-points", "200", "--width", "16", "--depth", "1",
        "--activation", "tanh", "--method", "vanilla", "--epochs", "2", "--eval-every", "1", "--stop-after", "0", "--out", out.toString(), "--quiet");
    assertEquals(0, o.code(), o.err());
    JsonNode c = RunFiles.JSON.readTree(out.resolve("summary.json").toFile()).get("config");
    assertEquals(0.01, c.get("wd").asDouble(), 1e-12, "vanilla AdamW keeps Omnigrok's weight decay");
    assertEquals("tanh", c.get("activation").asText());
    assertEquals(1, c.get("hidden_layers").asInt());
    assertEquals(1, c.get("eval_every").asInt());
    assertEquals(3, Files.readAllLines(out.resolve("metrics.csv")).size(), "header and one row per step");
  }

  @Test
  void speedupTextHandlesBaselinesThatNeverArrived() {
    assertEquals("10.0x", Comparison.speedup(1000.0, true, 100.0));
    assertEquals("> 15.0x", Comparison.speedup(1500.0, false, 100.0));
    assertEquals("-", Comparison.speedup(1000.0, true, null));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "--k 13 | --k",
      "--k 0 | --k",
      "--n 0 | --n",
      "--ema-alpha 1 | --ema-alpha",
      "--ema-lambda -1 | --ema-lambda",
      "--ma-window 0 | --ma-window",
      "--ma-lambda -2 | --ma-lambda",
      "--loss cross-entropy | --loss",
      "--secret middle | --secret",
  })
  void parityAndGrokfastBadInput(String flags, String mentioned) {
    Path out = tmp.resolve("bad");
    List<String> args = new ArrayList<>(List.of("train", "--method", "egd+grokfast-ema+grokfast-ma"));
    args.addAll(parity(out));
    args.addAll(List.of(flags.trim().split(" ")));
    CliTest.assertBadInput(args, mentioned, out);
  }

  @Test
  void unknownMethodInACombinationIsNamed() {
    Path out = tmp.resolve("bad2");
    List<String> args = new ArrayList<>(List.of("compare", "--methods", "vanilla,egd+grokfast-emma"));
    args.addAll(parity(out));
    CliTest.Outcome o = CliTest.egd(args.toArray(new String[0]));
    assertEquals(2, o.code());
    assertTrue(o.err().contains("grokfast-emma") && o.err().contains("grokfast-ema"), o.err());
    assertFalse(Files.exists(out), "no run of a valid method was started either");
  }

  @Test
  void parityPresetsApplyUnlessOverridden() throws Exception {
    RunConfig o = RunConfig.empty().with(RunConfig.TASK, "parity").with(RunConfig.N, 400).with(RunConfig.K, 2);
    RunConfig r = Experiments.resolve(o);
    assertEquals(50, r.get(RunConfig.WIDTH));
    assertEquals(0.01, r.get(RunConfig.LR));
    assertEquals(1e-3, r.get(RunConfig.WD));
    assertEquals(32, r.get(RunConfig.BATCH));
    assertEquals(77, Experiments.resolve(o.with(RunConfig.WIDTH, 77)).get(RunConfig.WIDTH));
  }
}
