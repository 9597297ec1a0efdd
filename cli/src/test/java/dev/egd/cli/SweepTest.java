package dev.egd.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.egd.train.EpochRecord;
import dev.egd.train.TrainListener;
import dev.egd.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SweepTest {
  @TempDir Path tmp;

  static final String SPEC = String.join("\n",
      "name: tiny",
      "methods: [vanilla, egd]",
      "seeds: 2",
      "flags: {p: 31, train-fraction: 0.8, width: 128, batch: 128, epochs: 70, stop-after: 0, target: 0.5}",
      "grid: {lr: [0.7, 1.0]}",
      "method_flags: {vanilla: {epochs: 20}}",
      "paper: {base: {vanilla: 5392, egd: 116}}",
      "");

  Path spec(String text) throws Exception {
    Path f = tmp.resolve("spec-" + Integer.toHexString(text.hashCode()) + ".yaml");
    Files.writeString(f, text);
    return f;
  }

  @Test
  void sweepRunsEveryCombinationSkipsFinishedRunsAndResumesInterruptedOnes() throws Exception {
    Path out = tmp.resolve("sweep");
    Path file = spec(SPEC);
    CliTest.Outcome o = CliTest.egd("sweep", file.toString(), "--out", out.toString(), "--quiet");
    assertEquals(0, o.code(), o.err());
    SweepSpec s = SweepSpec.read(file).placeRuns(out.resolve("runs"));
    assertEquals(2 * 2 * 2, s.runs.size());
    for (SweepSpec.Run r : s.runs) assertTrue(SweepCommand.complete(r.dir()), r.dir().toString());
    JsonNode vanillaCfg = RunFiles.JSON.readTree(s.runs.get(0).dir().resolve("summary.json").toFile()).get("config");
    assertEquals(20, vanillaCfg.get("epochs").asInt(), "method_flags apply to their method only");
    assertEquals(1, vanillaCfg.get("threads").asInt());
    for (String f : new String[] {"stats.json", "report.md", "report.html", "report/to-target.png", "report/curves-1.png"})
      assertTrue(Files.size(out.resolve(f)) > 100, f);
    String html = Files.readString(out.resolve("report.html"));
    assertTrue(html.contains("data:image/png;base64,") && !html.contains("src=\"report/"), "charts embedded");
    assertTrue(html.contains("5,392"), "the paper's figure beside ours");
    JsonNode stats = RunFiles.JSON.readTree(out.resolve("stats.json").toFile());
    assertEquals(4, stats.get("rows").size());
    JsonNode egd = stats.get("rows").get(1);
    assertEquals("egd", egd.get("method").asText());
    assertEquals(2, egd.get("reached").asInt(), "egd reaches 50% within 70 epochs on both seeds");
    assertEquals(">=", egd.get("speedup_bound").asText(), "vanilla never arrives in its 20 epochs: a lower bound");
    assertTrue(egd.get("speedup").asDouble() < 1, "20 / ~50 epochs: the bound itself is honest about the short cap");

    // A finished sweep re-run does nothing; a deleted run is redone and a stopped one resumes.
    SweepSpec.Run redo = s.runs.get(3), stopped = s.runs.get(7);
    long untouched = Files.getLastModifiedTime(s.runs.get(0).dir().resolve("summary.json")).toMillis();
    byte[] redoMetrics = Files.readAllBytes(redo.dir().resolve("metrics.csv"));
    byte[] stoppedMetrics = Files.readAllBytes(stopped.dir().resolve("metrics.csv"));
    deleteTree(redo.dir());
    stopPartWay(stopped, 7);
    assertFalse(SweepCommand.complete(stopped.dir()));
    assertTrue(dev.egd.experiment.RunDirectory.hasCheckpoint(stopped.dir()));
    Thread.sleep(20);
    o = CliTest.egd("sweep", file.toString(), "--out", out.toString(), "--quiet");
    assertEquals(0, o.code(), o.err());
    assertEquals(untouched, Files.getLastModifiedTime(s.runs.get(0).dir().resolve("summary.json")).toMillis(), "finished runs skipped");
    assertArrayEquals(redoMetrics, Files.readAllBytes(redo.dir().resolve("metrics.csv")));
    assertArrayEquals(stoppedMetrics, Files.readAllBytes(stopped.dir().resolve("metrics.csv")), "resumed bit-identical");

    // Another spec is refused on this directory unless forced.
    Path other = spec(SPEC.replace("seeds: 2", "seeds: 3"));
    CliTest.Outcome refused = CliTest.egd("sweep", other.toString(), "--out", out.toString(), "--quiet");
    assertEquals(2, refused.code());
    assertTrue(refused.err().contains("another spec") && refused.err().contains("--force"), refused.err());

    // The report command regenerates the report from the directory alone.
    Files.delete(out.resolve("report.md"));
    assertEquals(0, CliTest.egd("report", out.toString()).code());
    assertTrue(Files.exists(out.resolve("report.md")));
  }

  /** Runs r's configuration in its directory and stops it after n evaluations, as Ctrl-C would. */
  static void stopPartWay(SweepSpec.Run r, int n) throws Exception {
    deleteTree(r.dir());
    runAndStop(r.settings(), r.dir(), n);
  }

  /** Runs a configuration into dir and stops it after n evaluations, as Ctrl-C would (it checkpoints). */
  static void runAndStop(dev.egd.experiment.RunConfig c, Path dir, int n) throws Exception {
    dev.egd.experiment.Experiment ex = dev.egd.experiment.Experiments.build(c);
    dev.egd.experiment.RunDirectory.run(dir, ex, false, new TrainListener() {
      int seen;
      @Override public void onEpoch(EpochRecord rec) {
        if (++seen == n) ex.requestStop();
      }
    }, null);
  }

  static void deleteTree(Path p) throws Exception {
    if (!Files.exists(p)) return;
    try (var w = Files.walk(p)) {
      for (Path f : w.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(f);
    }
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(delimiter = '|', value = {
      "colour: red | colour: unknown field",
      "seeds: [] | seeds: empty list",
      "grid: {} | grid: empty grid",
      "grid: {lr: []} | grid.lr: empty list",
      "grid: {lr: [0.5, -1]} | grid.lr",
      "flags: {p: 1} | flags.p",
      "flags: {epochs: many} | flags.epochs",
      "flags: {frobnicate: 3} | flags.frobnicate: not a train flag",
      "threads: two | threads: must be an integer",
      "seeds: 2.5 | seeds",
      "methods: [vanilla, sgd9] | methods: unknown method",
      "baseline: egd | baseline",
      "flags: {seed: 3} | flags.seed",
  })
  void badSpecsNameTheFileAndTheFieldBeforeAnythingRuns(String line, String expected) throws Exception {
    String text = "methods: [vanilla]\nflags: {p: 13, epochs: 2, batch: 16}\n" + line + "\n";
    if (line.startsWith("flags:")) text = "methods: [vanilla]\n" + line + "\n";
    if (line.startsWith("methods:")) text = line + "\n";
    Path file = spec(text);
    Path out = tmp.resolve("bad");
    CliTest.Outcome o = CliTest.egd("sweep", file.toString(), "--out", out.toString(), "--quiet");
    assertEquals(2, o.code(), o.err());
    assertEquals(1, o.err().trim().lines().count(), o.err());
    assertTrue(o.err().contains(file.toString()), "names the file: " + o.err());
    assertTrue(o.err().contains(expected.trim()), "names the field: " + o.err());
    assertFalse(Files.exists(out), "nothing written");
  }

  @Test
  void reproducePresetsAreValidSpecs() {
    for (String preset : ReproduceCommand.PRESETS) for (boolean quick : new boolean[] {true, false}) {
      SweepSpec s = new SweepSpec(preset, ReproduceCommand.spec(preset, quick, 2), tmp);
      assertTrue(s.runs.size() >= 6, preset);
    }
    SweepSpec tables = new SweepSpec("egd-tables", ReproduceCommand.spec("egd-tables", true, 2), tmp);
    assertEquals(9 * 4 * 2, tables.runs.size(), "9 configurations x 4 methods x 2 seeds");
    assertEquals(5392.0, tables.paper.get("add-p97").get("vanilla"));
    List<String> unknown = List.of("reproduce", "table9");
    CliTest.Outcome o = CliTest.egd(unknown.toArray(new String[0]));
    assertEquals(2, o.code());
    assertTrue(o.err().contains("EXPERIMENT"), o.err());
  }
}
