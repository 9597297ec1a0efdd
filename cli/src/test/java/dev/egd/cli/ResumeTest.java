package dev.egd.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints and --resume through the command line, with a real kill -9 of a running JVM. */
class ResumeTest {
  @TempDir Path tmp;

  static List<String> args(Path out, String... extra) {
    List<String> a = new ArrayList<>(List.of("train", "--p", "31", "--width", "64", "--batch", "64", "--epochs", "1500",
        "--method", "egd-rsvd", "--rank", "8", "--stop-after", "-1", "--threads", "1", "--checkpoint-every", "20",
        "--out", out.toString(), "--quiet"));
    a.addAll(List.of(extra));
    return a;
  }

  @Test
  void aKilledRunResumesToTheSameBitsAsAnUninterruptedOne() throws Exception {
    Path ref = tmp.resolve("ref"), killed = tmp.resolve("killed");
    assertEquals(0, CliTest.egd(args(ref).toArray(new String[0])).code());
    assertFalse(Files.exists(ref.resolve(dev.egd.experiment.RunDirectory.CHECKPOINT)), "a finished run leaves no checkpoint");

    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    cmd.addAll(args(killed));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile()).start();
    Path ck = killed.resolve(dev.egd.experiment.RunDirectory.CHECKPOINT);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.exists(ck) && p.isAlive() && System.nanoTime() < deadline) Thread.sleep(2);
    long first = Files.exists(ck) ? Files.getLastModifiedTime(ck).toMillis() : 0;
    Thread.sleep(150); // let it overwrite the checkpoint a few times, then kill it mid-flight
    p.destroyForcibly().waitFor();
    assertTrue(first > 0, "the child wrote a checkpoint: " + Files.readString(tmp.resolve("child.log")));
    assertFalse(Files.exists(killed.resolve("summary.json")), "killed before the end (make the run longer if this fails)");
    long rowsBefore = Files.readAllLines(killed.resolve("metrics.csv")).size();

    CliTest.Outcome o = CliTest.egd(args(killed, "--resume").toArray(new String[0]));
    assertEquals(0, o.code(), o.err());
    assertArrayEquals(Files.readAllBytes(ref.resolve("metrics.csv")), Files.readAllBytes(killed.resolve("metrics.csv")),
        "metrics.csv byte for byte (the kill came after " + rowsBefore + " rows)");
    JsonNode a = RunFiles.JSON.readTree(ref.resolve("summary.json").toFile()), b = RunFiles.JSON.readTree(killed.resolve("summary.json").toFile());
    for (String f : new String[] {"status", "epochs_run", "epochs_to_target", "final_test_acc", "final_train_loss", "transform_stats"})
      assertEquals(a.get(f), b.get(f), f);
    assertFalse(Files.exists(ck));
  }

  @Test
  void resumeRefusesMissingOrForeignCheckpoints() throws Exception {
    Path none = tmp.resolve("none");
    CliTest.assertBadInput(args(none, "--resume"), "--resume", none);
    Path d = tmp.resolve("d");
    Files.createDirectories(d);
    Files.write(d.resolve(dev.egd.experiment.RunDirectory.CHECKPOINT), new byte[] {1, 2, 3});
    CliTest.Outcome o = CliTest.egd(args(d, "--resume").toArray(new String[0]));
    assertEquals(2, o.code());
    assertTrue(o.err().contains("--resume") && o.err().trim().lines().count() == 1, o.err());
    assertFalse(Files.exists(d.resolve("metrics.csv")), "nothing written");
    // a whole checkpoint of another configuration: refused, naming the setting that differs
    Path f = tmp.resolve("foreign");
    List<String> other = args(f, "--lr", "0.3");
    SweepTest.runAndStop(TrainCommand.parse(other.subList(1, other.size())).config(), f, 2);
    assertTrue(Files.exists(f.resolve(dev.egd.experiment.RunDirectory.CHECKPOINT)));
    CliTest.Outcome foreign = CliTest.egd(args(f, "--resume").toArray(new String[0]));
    assertEquals(2, foreign.code(), foreign.err());
    assertTrue(foreign.err().contains("--resume") && foreign.err().contains("lr = 0.3"), foreign.err());
    CliTest.assertBadInput(args(tmp.resolve("e"), "--checkpoint-every", "-1"), "--checkpoint-every", tmp.resolve("e"));
  }

  @Test
  void atomicWritesReplaceWholeFilesAndLeaveNoTemporaries() throws Exception {
    Path f = tmp.resolve("summary.json");
    RunFiles.writeAtomically(f, "old".getBytes());
    // a writer killed after writing the temporary file and before the rename leaves the old file whole
    Files.writeString(f.resolveSibling(".summary.json.tmp"), "half-writ");
    assertEquals("old", Files.readString(f));
    RunFiles.writeAtomically(f, "new".getBytes());
    assertEquals("new", Files.readString(f));
    try (var s = Files.list(tmp)) {
      assertEquals(List.of("summary.json"), s.map(p -> p.getFileName().toString()).toList());
    }
  }

  @Test
  void aResumedRunKeepsItsSpectrumRows() throws Exception {
    List<String> flags = List.of("--p", "23", "--width", "32", "--batch", "32", "--epochs", "30", "--method", "egd",
        "--stop-after", "-1", "--threads", "1", "--log-spectrum", "--spectrum-every", "3", "--quiet");
    Path ref = tmp.resolve("spec-ref"), cut = tmp.resolve("spec-cut");
    List<String> a = new ArrayList<>(List.of("train", "--out", ref.toString()));
    a.addAll(flags);
    assertEquals(0, CliTest.egd(a.toArray(new String[0])).code());
    // the same run, stopped after 14 evaluations as Ctrl-C would, then resumed from the command line
    List<String> parsed = new ArrayList<>(flags.subList(0, flags.size() - 1));
    SweepTest.runAndStop(TrainCommand.parse(parsed).config(), cut, 14);
    assertTrue(Files.exists(cut.resolve(dev.egd.experiment.RunDirectory.CHECKPOINT)));
    List<String> b = new ArrayList<>(List.of("train", "--out", cut.toString(), "--resume"));
    b.addAll(flags);
    CliTest.Outcome o = CliTest.egd(b.toArray(new String[0]));
    assertEquals(0, o.code(), o.err());
    assertArrayEquals(Files.readAllBytes(ref.resolve("metrics.csv")), Files.readAllBytes(cut.resolve("metrics.csv")));
    assertArrayEquals(Files.readAllBytes(ref.resolve("spectrum.csv")), Files.readAllBytes(cut.resolve("spectrum.csv")),
        "spectrum rows from before the stop are kept, the rest regenerated identically");
  }
}
