package dev.egd.experiment;

import dev.egd.ValidationException;
import dev.egd.linalg.Spectrum;
import dev.egd.train.Checkpoints;
import dev.egd.train.EpochRecord;
import dev.egd.train.RunResult;
import dev.egd.train.SpectrumLogger;
import dev.egd.train.TrainListener;
import dev.egd.util.Json;
import java.io.BufferedWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A run's directory, written as the run goes: {@code metrics.csv} and {@code timing.csv} row by row
 * ({@code spectrum.csv} when the spectrum is logged), {@code summary.json} at the end, and
 * {@code checkpoint.bin} while the run can still be resumed. {@code metrics.csv} holds only what the
 * seed determines, so the same seed, thread count and OpenBLAS kernel give a byte-identical file;
 * wall-clock time goes to {@code timing.csv}. Every whole file is replaced atomically (a temporary file
 * and a rename), so a killed run never leaves a truncated summary or checkpoint.
 */
public final class RunDirectory {
  /** The names of the files a run directory holds. */
  public static final String SUMMARY = "summary.json", METRICS = "metrics.csv", TIMING = "timing.csv", SPECTRUM = "spectrum.csv",
      CHECKPOINT = "checkpoint.bin";
  /** The header line of {@code metrics.csv}. */
  public static final String METRICS_HEADER = "epoch,step,train_loss,train_acc,test_loss,test_acc,weight_norm,transform_active";
  /** The header line of {@code timing.csv}. */
  public static final String TIMING_HEADER = "epoch,seconds";
  /** The header line of {@code spectrum.csv}. */
  public static final String SPECTRUM_HEADER =
      "epoch,step,layer,rows,cols,stage,source,s_max,s_min,condition_number,effective_rank,stable_rank,frobenius,top_sv,bottom_sv";
  private static final String CHECKPOINT_MAGIC = "egd-checkpoint/2";
  private static final int DIGEST_BYTES = 32;

  /** Called once a run's summary is written: draws its charts, say. */
  public interface Finished {
    /**
     * Called on the run's thread after {@code summary.json} is written.
     *
     * @param dir the run's directory
     * @param run the run
     * @param result how it ended
     * @param spectrum the spectrum records it made, empty unless the spectrum is logged
     * @throws IOException if writing fails; the run's files stay as they are
     */
    void accept(Path dir, TrainingRun run, RunResult result, List<SpectrumLogger.Record> spectrum) throws IOException;
  }

  /**
   * How a run went, with the spectrum records it made (empty unless the spectrum is logged).
   *
   * @param result how the run ended
   * @param spectrum the spectrum records, in the order made
   */
  public record Outcome(RunResult result, List<SpectrumLogger.Record> spectrum) {}

  private RunDirectory() {}

  /**
   * Trains {@code experiment} into {@code dir}: fresh, or continued from
   * the directory's checkpoint when {@code resume} is set (after checking that the checkpoint is whole
   * and was made with the same settings). Checkpoints every {@code checkpoint_every} evaluations and
   * whenever stopped early; removes the checkpoint once the run has ended any other way, so a directory
   * with a summary and no checkpoint holds a finished run.
   *
   * @param dir the run's directory, created if needed (claim it first: {@link OutputDirectory#claimRun})
   * @param experiment the run, used once
   * @param resume whether to continue from the directory's checkpoint
   * @param display told of every evaluation and of the end, besides the files
   * @param finished called once the summary is written, or null
   * @return how the run went
   * @throws IOException if a file cannot be written (also after the run, when a write during it failed)
   * @throws ValidationException ({@code resume}) if the checkpoint is damaged or was made with other settings
   */
  public static Outcome run(Path dir, TrainingRun experiment, boolean resume, TrainListener display, Finished finished) throws IOException {
    Map<String, Object> flags = experiment.settingsRecord();
    if (resume) experiment.resumeFrom(readCheckpoint(dir, flags));
    Files.createDirectories(dir);
    RunResult r;
    List<SpectrumLogger.Record> spectrum;
    try (Recorder rec = new Recorder(dir, experiment, display, resume, finished)) {
      r = experiment.run(rec, new CheckpointFile(dir, experiment.config().get(RunConfig.CHECKPOINT_EVERY, 0L), flags));
      rec.failure();
      spectrum = rec.spectrum;
    }
    if (!r.status().equals("interrupted")) Files.deleteIfExists(dir.resolve(CHECKPOINT));
    return new Outcome(r, spectrum);
  }

  /**
   * Whether {@code dir} holds a finished run: a summary that says so and no checkpoint left to resume.
   *
   * @param dir a directory
   * @return whether it holds a finished run
   */
  public static boolean isFinished(Path dir) {
    if (Files.exists(dir.resolve(CHECKPOINT)) || !Files.isRegularFile(dir.resolve(SUMMARY))) return false;
    try {
      String s = Files.readString(dir.resolve(SUMMARY));
      return s.contains("\"status\" : ") && !s.contains("\"status\" : \"interrupted\"");
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * A finished run read back from its directory (summary.json, metrics.csv, timing.csv), as the run
   * returned it; throws a {@link ValidationException} of {@code out} when the files are missing or
   * malformed.
   *
   * @param dir a run directory
   * @return the run's result, history included
   * @throws ValidationException ({@code out}) if the files are missing or malformed
   */
  public static RunResult load(Path dir) {
    Map<String, Object> s = OutputDirectory.readSummary(dir);
    if (s == null) throw new ValidationException("out", "holds no readable " + SUMMARY, dir);
    try {
      List<String> metrics = Files.readAllLines(dir.resolve(METRICS)), timing = Files.readAllLines(dir.resolve(TIMING));
      List<EpochRecord> history = new ArrayList<>();
      for (int i = 1; i < metrics.size(); i++) {
        String[] f = metrics.get(i).split(","), t = i < timing.size() ? timing.get(i).split(",") : new String[] {"", "NaN"};
        history.add(new EpochRecord(Long.parseLong(f[0]), Long.parseLong(f[1]), num(f[2]), num(f[3]), num(f[4]), num(f[5]), num(f[6]),
            num(t[1]), f[7].equals("1")));
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> stats = s.get("transform_stats") instanceof Map ? (Map<String, Object>) s.get("transform_stats") : Map.of();
      Map<String, Double> phases = new LinkedHashMap<>();
      if (s.get("phase_seconds") instanceof Map) for (var e : ((Map<?, ?>) s.get("phase_seconds")).entrySet()) phases.put(String.valueOf(e.getKey()), ((Number) e.getValue()).doubleValue());
      return new RunResult((String) s.get("status"), (String) s.get("message"), ((Number) s.get("epochs_run")).longValue(),
          ((Number) s.get("steps_run")).longValue(), longOrNull(s.get("epochs_to_target")), longOrNull(s.get("steps_to_target")),
          s.get("seconds_to_target") == null ? null : ((Number) s.get("seconds_to_target")).doubleValue(), ((Number) s.get("target")).doubleValue(),
          history.isEmpty() ? null : history.get(history.size() - 1), ((Number) s.get("seconds_total")).doubleValue(),
          s.get("seconds_per_epoch") == null ? Double.NaN : ((Number) s.get("seconds_per_epoch")).doubleValue(),
          ((Number) s.get("setup_seconds")).doubleValue(), history, stats, phases);
    } catch (IOException | RuntimeException e) {
      throw new ValidationException("out", "holds a run whose files cannot be read back (" + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")", dir);
    }
  }

  private static double num(String v) { return v.equals("nan") ? Double.NaN : Double.parseDouble(v); }

  private static Long longOrNull(Object o) { return o == null ? null : ((Number) o).longValue(); }

  /**
   * Whether {@code dir} holds a checkpoint to resume from.
   *
   * @param dir a directory
   * @return whether {@code checkpoint.bin} is there
   */
  public static boolean hasCheckpoint(Path dir) { return Files.isRegularFile(dir.resolve(CHECKPOINT)); }

  // ---- files ----

  /**
   * Writes {@code content} to a temporary file beside {@code file}, then renames it over {@code file}.
   *
   * @param file the file to write
   * @param content its new bytes
   * @throws IOException if writing or renaming fails (the old file, if any, is then left as it was)
   */
  public static void writeAtomically(Path file, byte[] content) throws IOException {
    Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
    Files.write(tmp, content);
    try {
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) { // the file is in the way (a directory, say): leave no temporary file behind
      Files.deleteIfExists(tmp);
      throw e;
    }
  }

  /**
   * A number as metrics.csv writes it: six significant digits, "nan" for NaN.
   *
   * @param v the value
   * @return the text, e.g. {@code 0.953125}
   */
  public static String fmt(double v) {
    if (Double.isNaN(v)) return "nan";
    return String.format(Locale.ROOT, "%.6g", v);
  }

  /** One metrics.csv row. */
  static String metricsRow(EpochRecord r) {
    return r.epoch() + "," + r.step() + "," + fmt(r.trainLoss()) + "," + fmt(r.trainAcc()) + "," + fmt(r.testLoss()) + ","
        + fmt(r.testAcc()) + "," + fmt(r.weightNorm()) + "," + (r.transformActive() ? 1 : 0);
  }

  /**
   * One spectrum.csv row; top_sv and bottom_sv hold the keep largest and smallest values (all in top_sv when keep is 0 or covers them).
   *
   * @param r the record
   * @param keep values kept from each end; 0 keeps all
   * @return the row, without a line end
   */
  public static String spectrumRow(SpectrumLogger.Record r, int keep) {
    double[] s = r.singularValues();
    Spectrum.Stats st = r.stats();
    boolean all = keep == 0 || 2L * keep >= s.length;
    StringBuilder top = new StringBuilder(), bottom = new StringBuilder();
    for (int i = 0; i < (all ? s.length : keep); i++) top.append(i == 0 ? "" : " ").append(fmt(s[i]));
    if (!all) for (int i = s.length - keep; i < s.length; i++) bottom.append(i == s.length - keep ? "" : " ").append(fmt(s[i]));
    return r.epoch() + "," + r.step() + "," + r.layer() + "," + r.rows() + "," + r.cols() + "," + r.stage().label() + "," + r.source() + ","
        + fmt(st.sMax()) + "," + fmt(st.sMin()) + "," + fmt(st.condition()) + "," + fmt(st.effectiveRank()) + ","
        + fmt(st.stableRank()) + "," + fmt(st.frobenius()) + "," + top + "," + bottom;
  }

  /**
   * The summary.json of a finished run.
   *
   * @param experiment the run
   * @param r how it ended
   * @return a new map, in the order {@code summary.json} writes it
   */
  public static Map<String, Object> summary(TrainingRun experiment, RunResult r) {
    Map<String, Object> cfg = experiment.description();
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("task", cfg.get("task"));
    for (String key : new String[] {"op", "p", "n", "k"}) if (cfg.containsKey(key)) s.put(key, cfg.get(key));
    s.put("method", experiment.method());
    s.put("seed", cfg.get("seed"));
    s.put("status", r.status());
    if (r.message() != null) s.put("message", r.message());
    s.put("target", r.target());
    s.put("epochs_run", r.epochsRun());
    s.put("steps_run", r.stepsRun());
    s.put("epochs_to_target", r.epochsToTarget());
    s.put("steps_to_target", r.stepsToTarget());
    s.put("seconds_to_target", r.secondsToTarget());
    s.put("final_train_acc", r.last() == null ? null : r.last().trainAcc());
    s.put("final_test_acc", r.last() == null ? null : r.last().testAcc());
    s.put("final_train_loss", r.last() == null ? null : finite(r.last().trainLoss()));
    s.put("final_test_loss", r.last() == null ? null : finite(r.last().testLoss()));
    s.put("best_test_acc", r.history().stream().mapToDouble(EpochRecord::testAcc).max().orElse(Double.NaN));
    s.put("seconds_per_epoch", finite(r.secondsPerEpoch()));
    s.put("seconds_total", r.secondsTotal());
    s.put("setup_seconds", r.setupSeconds());
    s.put("phase_seconds", r.phaseSeconds());
    s.put("transform_stats", r.transformStats());
    s.put("config", cfg);
    s.put("versions", Versions.all());
    return s;
  }

  private static Double finite(double v) { return Double.isFinite(v) ? v : null; }

  // ---- checkpoints ----

  /**
   * The trainer state in dir's checkpoint, after checking that the file is whole (its length and
   * SHA-256 digest) and was written by a run with these settings. Throws a {@link ValidationException}
   * of the setting {@code resume} otherwise.
   *
   * @param dir a run directory
   * @param flags the settings record of the run that is to continue
   * @return the trainer's state
   * @throws ValidationException ({@code resume}) if the checkpoint is missing, damaged or of other settings
   */
  public static byte[] readCheckpoint(Path dir, Map<String, Object> flags) {
    Path f = dir.resolve(CHECKPOINT);
    if (!Files.isRegularFile(f)) throw ValidationException.of("resume", "found no " + CHECKPOINT + " in " + dir + " to resume from");
    byte[] all;
    try {
      all = Files.readAllBytes(f);
    } catch (IOException e) {
      throw ValidationException.of("resume", "cannot read " + f + ": " + e.getMessage());
    }
    byte[] body = checkedBody(all);
    if (body == null) throw ValidationException.of("resume", "found " + f + " damaged (truncated or altered); start afresh without {resume}");
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(body));
      int n = in.readInt();
      Map<String, String> saved = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) saved.put(in.readUTF(), in.readUTF());
      for (var e : flags.entrySet()) {
        String now = String.valueOf(e.getValue()), then = saved.get(e.getKey());
        if (!Objects.equals(then, now))
          throw ValidationException.of("resume", "refused: " + f + " was written with " + e.getKey() + " = " + then + ", this run has " + now
              + "; give the same settings (thread count included) or start afresh without {resume}");
      }
      for (String k : saved.keySet())
        if (!flags.containsKey(k)) throw ValidationException.of("resume", "refused: " + f + " was written with " + k + " = " + saved.get(k) + ", which this run does not set");
      return Arrays.copyOfRange(body, body.length - in.available(), body.length);
    } catch (IOException e) {
      throw ValidationException.of("resume", "found " + f + " damaged: " + e.getMessage());
    }
  }

  /** The body of a checkpoint file whose magic, length and digest check out; null otherwise. */
  private static byte[] checkedBody(byte[] all) {
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(all));
      if (!CHECKPOINT_MAGIC.equals(in.readUTF())) return null;
      long length = in.readLong();
      int header = all.length - in.available();
      if (length < 0 || length != (long) all.length - header - DIGEST_BYTES) return null;
      byte[] digest = sha256(all, 0, all.length - DIGEST_BYTES);
      if (!Arrays.equals(digest, Arrays.copyOfRange(all, all.length - DIGEST_BYTES, all.length))) return null;
      return Arrays.copyOfRange(all, header, header + (int) length);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static byte[] sha256(byte[] b, int from, int to) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(b, from, to - from);
      return md.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** checkpoint.bin: magic, body length, body (the settings, then the trainer's state), SHA-256 of all before it. */
  private static final class CheckpointFile implements Checkpoints {
    private final Path file;
    private final long every;
    private final byte[] settings;

    CheckpointFile(Path dir, long every, Map<String, Object> flags) throws IOException {
      this.file = dir.resolve(CHECKPOINT);
      this.every = every;
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(b);
      out.writeInt(flags.size());
      for (var e : flags.entrySet()) {
        out.writeUTF(e.getKey());
        out.writeUTF(String.valueOf(e.getValue()));
      }
      out.flush();
      settings = b.toByteArray();
    }

    @Override public boolean due(long evaluations) { return every > 0 && evaluations % every == 0; }

    @Override public void save(byte[] state) throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream(settings.length + state.length + 64);
      DataOutputStream out = new DataOutputStream(b);
      out.writeUTF(CHECKPOINT_MAGIC);
      out.writeLong((long) settings.length + state.length);
      out.write(settings);
      out.write(state);
      out.flush();
      byte[] head = b.toByteArray();
      b.write(sha256(head, 0, head.length));
      writeAtomically(file, b.toByteArray());
    }
  }

  // ---- the recorder ----

  /** Writes the files as the trainer reports. A write failure is kept and rethrown after the trainer returns. */
  private static final class Recorder implements TrainListener, AutoCloseable {
    private final Path dir;
    private final TrainingRun experiment;
    private final TrainListener display;
    private final Finished finished;
    // Opened (and so truncated) when the run starts writing: a resumed run's files stay as they were until its
    // checkpoint has been read back, so a checkpoint that does not restore loses nothing.
    private BufferedWriter csv, timing, spectrumCsv;
    final List<SpectrumLogger.Record> spectrum = new ArrayList<>();
    private List<String> earlierSpectrumRows = List.of(); // a resumed run's spectrum.csv rows, rewritten on resume
    private IOException failure;

    Recorder(Path dir, TrainingRun experiment, TrainListener display, boolean resuming, Finished finished) throws IOException {
      this.dir = dir;
      this.experiment = experiment;
      this.display = display;
      this.finished = finished;
      SpectrumLogger logger = experiment.spectrum();
      if (resuming && logger != null && Files.isRegularFile(dir.resolve(SPECTRUM))) {
        List<String> lines = Files.readAllLines(dir.resolve(SPECTRUM));
        earlierSpectrumRows = lines.isEmpty() ? List.of() : lines.subList(1, lines.size());
      }
      if (logger != null) {
        int keep = Experiments.spectrumKeep(experiment.config());
        logger.sink(r -> {
          spectrum.add(r);
          openFiles();
          write(spectrumCsv, spectrumRow(r, keep));
        });
      }
      if (!resuming) openFiles();
    }

    private void openFiles() {
      if (csv != null) return;
      try {
        csv = open(METRICS, METRICS_HEADER);
        timing = open(TIMING, TIMING_HEADER);
        if (experiment.spectrum() != null) spectrumCsv = open(SPECTRUM, SPECTRUM_HEADER);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private BufferedWriter open(String name, String header) throws IOException {
      BufferedWriter w = Files.newBufferedWriter(dir.resolve(name), StandardCharsets.UTF_8);
      w.write(header);
      w.newLine();
      return w;
    }

    private void write(BufferedWriter w, String line) {
      try {
        w.write(line);
        w.newLine();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    void failure() throws IOException {
      if (failure != null) throw failure;
    }

    @Override public void onResume(List<EpochRecord> history) {
      openFiles();
      for (EpochRecord r : history) row(r);
      if (spectrumCsv != null && !history.isEmpty()) {
        long upTo = history.get(history.size() - 1).step();
        for (String line : earlierSpectrumRows) {
          String[] f = line.split(",", 3);
          if (f.length == 3 && f[1].matches("\\d+") && Long.parseLong(f[1]) <= upTo) write(spectrumCsv, line);
        }
      }
      display.onResume(history);
    }

    @Override public void onEpoch(EpochRecord r) {
      row(r);
      display.onEpoch(r);
    }

    private void row(EpochRecord r) {
      openFiles();
      write(csv, metricsRow(r));
      write(timing, r.epoch() + "," + String.format(Locale.ROOT, "%.4f", r.seconds()));
      if (r.epoch() % 50 == 0) {
        try {
          csv.flush();
          timing.flush();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }

    @Override public void onFinish(RunResult r) {
      display.onFinish(r);
      try {
        openFiles();
        csv.flush();
        timing.flush();
        if (spectrumCsv != null) spectrumCsv.flush();
        writeAtomically(dir.resolve(SUMMARY), (Json.write(summary(experiment, r)) + "\n").getBytes(StandardCharsets.UTF_8));
        if (finished != null) finished.accept(dir, experiment, r, spectrum);
      } catch (IOException e) {
        failure = e;
      }
    }

    @Override public void close() throws IOException {
      if (csv == null) return; // a resumed run that never started: its files untouched
      csv.close();
      timing.close();
      if (spectrumCsv != null) spectrumCsv.close();
    }
  }
}
