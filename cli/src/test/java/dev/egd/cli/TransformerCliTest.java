package dev.egd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TransformerCliTest {
  @TempDir Path tmp;

  private static List<String> small(Path out, String... extra) {
    List<String> a = new ArrayList<>(List.of("train", "--model", "transformer", "--op", "mul", "--p", "11", "--width", "16",
        "--heads", "2", "--depth", "1", "--batch", "16", "--epochs", "3", "--out", out.toString(), "--quiet"));
    a.addAll(List.of(extra));
    return a;
  }

  @Test
  void transformerRunRecordsStepsAndThePresetOfItsMethod() throws Exception {
    Path out = tmp.resolve("tf");
    CliTest.Outcome o = CliTest.egd(small(out, "--method", "egd+grokfast-ema").toArray(new String[0]));
    assertEquals(0, o.code(), o.err());
    JsonNode s = RunFiles.JSON.readTree(out.resolve("summary.json").toFile());
    // 55 training sequences (11 * 10 / 2), batches of 16 with the last partial one kept: 4 steps an epoch
    assertEquals(12, s.get("steps_run").asInt());
    assertTrue(s.has("steps_to_target"));
    JsonNode c = s.get("config");
    assertEquals("adam", c.get("optimizer").asText());
    assertEquals(0.005, c.get("wd").asDouble(), 1e-12);
    assertEquals(10, c.get("warmup").asInt());
    String transform = c.get("transform").asText();
    assertTrue(transform.contains("blocks.0.mlp.fc1.w") && transform.contains("blocks.0.mlp.fc2.w"), transform);
    assertTrue(transform.indexOf("egd(") < transform.indexOf("grokfast-ema") && transform.indexOf("grokfast-ema") < transform.indexOf("adam("), transform);
    assertTrue(Files.exists(out.resolve("accuracy.png")));
  }

  @Test
  void baselinePresetHasNoWeightDecayAndGrokfastMaHasMore() throws Exception {
    for (String[] m : new String[][] {{"vanilla", "0.0"}, {"grokfast-ma", "0.01"}}) {
      Path out = tmp.resolve(m[0]);
      List<String> a = m[0].equals("grokfast-ma") ? small(out, "--method", m[0], "--ma-window", "2") : small(out, "--method", m[0]);
      assertEquals(0, CliTest.egd(a.toArray(new String[0])).code());
      JsonNode c = RunFiles.JSON.readTree(out.resolve("summary.json").toFile()).get("config");
      assertEquals(Double.parseDouble(m[1]), c.get("wd").asDouble(), 1e-12, m[0]);
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "--width 18 --heads 4 | --width must be a positive multiple of --heads",
      "--optimizer rmsprop | --optimizer",
      "--beta1 1.0 | --beta1",
      "--beta2 -0.5 | --beta2",
      "--egd-layers attn.nothing | matches no",
      "--p 1 | --p",
      "--task parity | --model transformer",
      "--train-metrics sometimes | --train-metrics",
  })
  void badInputGivesOneLineExitTwoAndWritesNothing(String flags, String mentioned) {
    Path out = tmp.resolve("bad");
    List<String> args = small(out, "--method", "egd");
    args.addAll(List.of(flags.trim().split(" ")));
    CliTest.assertBadInput(args, mentioned, out);
  }
}
