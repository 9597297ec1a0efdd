package dev.egd.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.egd.ValidationException;
import dev.egd.experiment.Experiments;
import dev.egd.experiment.RunConfig;
import dev.egd.experiment.RunDirectory;
import dev.egd.experiment.TrainingRun;
import dev.egd.train.EpochRecord;
import dev.egd.train.RunResult;
import dev.egd.train.TrainListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The DJL engine as egd's experiment API sees it: found by name, settings refused, run directories, checkpoints. */
class DjlEngineTest {
  /** 1,000 training digits, 10 steps of batch 200, evaluated every 5 steps, PyTorch on one thread. */
  static RunConfig small(String model, String method) {
    return RunConfig.empty().with(RunConfig.ENGINE, "djl").with(RunConfig.TASK, "mnist").with(RunConfig.MODEL, model).with(RunConfig.METHOD, method)
        .with(RunConfig.EPOCHS, 2L).with(RunConfig.EVAL_EVERY, 5L).with(RunConfig.THREADS, 1);
  }

  static TrainingRun prepare(RunConfig c) { return Experiments.prepare(c, List.of(c.get(RunConfig.METHOD))); }

  static ValidationException refused(RunConfig c) { return assertThrows(ValidationException.class, () -> prepare(c)); }

  @Test void settingsThatDoNotApplyAreRefusedByName() {
    assertEquals("task", refused(small("mlp", "egd").with(RunConfig.TASK, "modular")).parameter());
    assertEquals("model", refused(small("transformer", "egd")).parameter());
    ValidationException colnorm = refused(small("mlp", "egd+colnorm"));
    assertEquals("method", colnorm.parameter());
    assertTrue(colnorm.getMessage().contains("valid: vanilla, egd, egd-rsvd, grokfast-ema, grokfast-ma"), colnorm.getMessage());
    assertEquals("width", refused(small("cnn", "egd").with(RunConfig.WIDTH, 100)).parameter());
    assertEquals("p", refused(small("mlp", "egd").with(RunConfig.P, 7)).parameter());
    assertEquals("rank", refused(small("mlp", "vanilla").with(RunConfig.RANK, 4)).parameter()); // a setting of egd-rsvd only
    ValidationException rank = refused(small("cnn", "egd-rsvd").with(RunConfig.RANK, 8));
    assertEquals("rank", rank.parameter());
    assertTrue(rank.getMessage().contains("[1, 6]") && rank.getMessage().contains("01Conv2d_weight") && rank.getMessage().contains("(6, 1, 5, 5)"),
        rank.getMessage());
    ValidationException layers = refused(small("mlp", "egd").with(RunConfig.EGD_LAYERS, "W1"));
    assertEquals("egd_layers", layers.parameter());
    assertTrue(layers.getMessage().contains("01Linear_weight"), layers.getMessage());
    assertEquals("wd", refused(small("mlp", "egd").with(RunConfig.OPTIMIZER, "sgd")).parameter());
    assertEquals("warmup", refused(small("mlp", "egd").with(RunConfig.WARMUP, 5)).parameter());
    assertEquals("log_spectrum", refused(small("mlp", "egd").with(RunConfig.LOG_SPECTRUM, true)).parameter());
  }

  @Test void theMnistPresetsApply() {
    TrainingRun r = prepare(small("cnn", "grokfast-ema"));
    RunConfig c = r.config();
    assertEquals(1000, c.get(RunConfig.TRAIN_POINTS));
    assertEquals(2.0, c.get(RunConfig.WD));
    assertEquals(0.8, c.get(RunConfig.EMA_ALPHA));
    assertEquals("adamw", c.get(RunConfig.OPTIMIZER));
    assertEquals(0.85, r.settings().target());
    assertEquals("djl", r.settingsRecord().get("engine"));
    assertEquals(0.01, prepare(small("cnn", "vanilla")).config().get(RunConfig.WD));
    assertEquals(4, prepare(small("cnn", "egd-rsvd")).config().get(RunConfig.RANK));
  }

  /**
   * The DJL engine's MLP starts from egd's weights and sees egd's batches for the same seed, so the
   * two engines' runs differ by float32 rounding only (amplified by EGD, see EquivalenceTest): after
   * 10 steps with EGD the losses agree to 1e-3 relative (measured 3e-5) and the accuracies to 0.5%.
   */
  @Test void theMlpFollowsEgdsEngineForTheSameSeed(@TempDir Path tmp) throws Exception {
    RunConfig c = small("mlp", "egd").with(RunConfig.TRAIN_METRICS, "running");
    RunResult djl = RunDirectory.run(tmp.resolve("djl"), prepare(c), false, new TrainListener() {}, null).result();
    RunResult egd = RunDirectory.run(tmp.resolve("egd"), prepare(c.with(RunConfig.ENGINE, "egd").with(RunConfig.MODEL, "mlp")), false,
        new TrainListener() {}, null).result();
    assertEquals(egd.history().size(), djl.history().size());
    for (int i = 0; i < egd.history().size(); i++) {
      EpochRecord e = egd.history().get(i), d = djl.history().get(i);
      assertEquals(e.step(), d.step());
      assertEquals(e.trainLoss(), d.trainLoss(), 1e-3 * e.trainLoss(), "train loss at step " + e.step());
      assertEquals(e.testAcc(), d.testAcc(), 5e-3, "test accuracy at step " + e.step());
    }
    assertEquals(egd.transformStats().get("preconditioned_steps"), djl.transformStats().get("preconditioned_steps"));
  }

  /** The run directory of egd's engine, and a run stopped at an evaluation and resumed ends as the uninterrupted one. */
  @Test void aRunDirectoryIsWrittenAndAStoppedRunResumesBitForBit(@TempDir Path tmp) throws Exception {
    RunConfig c = small("mlp", "egd+grokfast-ema").with(RunConfig.TRAIN_METRICS, "running");
    Path whole = tmp.resolve("whole"), parts = tmp.resolve("parts");
    RunDirectory.run(whole, prepare(c), false, new TrainListener() {}, null);
    for (String f : List.of(RunDirectory.SUMMARY, RunDirectory.METRICS, RunDirectory.TIMING)) assertTrue(Files.isRegularFile(whole.resolve(f)), f);
    assertFalse(Files.exists(whole.resolve(RunDirectory.CHECKPOINT)));
    assertEquals(3, Files.readAllLines(whole.resolve(RunDirectory.METRICS)).size()); // header, steps 5 and 10

    TrainingRun first = prepare(c);
    RunResult stopped = RunDirectory.run(parts, first, false, new TrainListener() {
      @Override public void onEpoch(EpochRecord r) {
        if (r.step() == 5) first.requestStop();
      }
    }, null).result();
    assertEquals("interrupted", stopped.status());
    assertTrue(RunDirectory.hasCheckpoint(parts));
    RunResult resumed = RunDirectory.run(parts, prepare(c), true, new TrainListener() {}, null).result();
    assertEquals("completed", resumed.status());
    assertEquals(Files.readString(whole.resolve(RunDirectory.METRICS)), Files.readString(parts.resolve(RunDirectory.METRICS)));
    assertFalse(Files.exists(parts.resolve(RunDirectory.CHECKPOINT)));
  }
}
