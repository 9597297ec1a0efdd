package dev.egd.experiment;

import dev.egd.ValidationException;
import dev.egd.util.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The rules for a directory egd writes into (a run's, a comparison's, a sweep's), shared by every
 * command and engine:
 * <ul>
 *   <li>{@link #checkUsable}: before anything is written, the path must be one this system can create
 *       and write (no over-long names, dangling links, files in the way, read-only parents);</li>
 *   <li>{@link #inspect}: what the directory holds now (nothing, a finished or interrupted run, a
 *       comparison, a sweep, or files egd did not write), so a command can refuse to mix results;</li>
 *   <li>{@link #lock}: one writer at a time: an exclusive lock on {@code .egd.lock}, held for the
 *       process's life and released by the operating system when the process dies (kill -9 included);
 *       a second writer is refused, naming the holder;</li>
 *   <li>{@link #clearRun}: what a forced claim ({@link #claimRun} with {@code force}) does to a run
 *       directory: removes egd's own files.</li>
 * </ul>
 */
public final class OutputDirectory {
  /** The lock file's name, in every directory egd writes. */
  public static final String LOCK = ".egd.lock";
  /** Longest name of one path component most file systems accept, in bytes. */
  static final int MAX_NAME_BYTES = 255;
  /** The files a run directory may hold that egd wrote. */
  static final Set<String> RUN_FILES = Set.of(RunDirectory.SUMMARY, RunDirectory.METRICS, RunDirectory.TIMING, RunDirectory.SPECTRUM,
      RunDirectory.CHECKPOINT, LOCK);

  private OutputDirectory() {}

  /** What a directory holds. */
  public enum Kind {
    /** Nothing is there. */
    ABSENT,
    /** An empty directory. */
    EMPTY,
    /** A run that wrote its summary. */
    FINISHED_RUN,
    /** A run that started and did not finish (it may hold a checkpoint). */
    INTERRUPTED_RUN,
    /** A comparison of methods. */
    COMPARISON,
    /** A sweep. */
    SWEEP,
    /** Files egd did not write. */
    FOREIGN
  }

  /**
   * What {@link #inspect} found.
   *
   * @param kind what the directory holds
 * @param summary a run's parsed summary.json (FINISHED_RUN; null if unreadable)
   * @param example for FOREIGN, a file egd did not write
   */
  public record Contents(Kind kind, Map<String, Object> summary, String example) {}

  /**
   * Checks, writing nothing, that {@code dir} exists as a writable directory or can be created: every
   * name fits, no link dangles, nothing that is not a directory is in the way. Throws a
   * {@link ValidationException} of {@code parameter} otherwise.
   *
   * @param dir the directory
   * @param parameter the setting that named it, snake case (e.g. {@code out})
   * @throws ValidationException of {@code parameter} if the directory cannot be used
   */
  public static void checkUsable(Path dir, String parameter) {
    Path p = dir.toAbsolutePath().normalize();
    for (Path part : p) {
      if (part.toString().getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES)
        throw new ValidationException(parameter, "has a name longer than " + MAX_NAME_BYTES + " bytes", abbreviate(part.toString()));
    }
    if (Files.isSymbolicLink(p) && !Files.exists(p)) throw new ValidationException(parameter, "is a dangling symbolic link", dir);
    if (Files.exists(p)) {
      if (!Files.isDirectory(p)) throw new ValidationException(parameter, "exists and is not a directory", dir);
      if (!Files.isWritable(p) || p.startsWith("/proc") || p.startsWith("/sys")) throw new ValidationException(parameter, "is not writable", dir);
      return;
    }
    Path parent = p.getParent();
    while (parent != null && !Files.exists(parent, LinkOption.NOFOLLOW_LINKS)) parent = parent.getParent();
    if (parent == null || !Files.isDirectory(parent) || !Files.isWritable(parent) || parent.startsWith("/proc") || parent.startsWith("/sys"))
      throw new ValidationException(parameter, "cannot be created (" + (parent == null ? "no parent" : parent + " is not a writable directory") + ")", dir);
  }

  /**
   * The first of {@code names} that exists in {@code dir} as something egd cannot replace with a file (a
   * directory, say), or null: checked before anything is written, so a run does not fail at its end.
   *
   * @param dir the directory
   * @param names file names egd will write there
   * @return the first name in the way, or null
   */
  public static String inTheWay(Path dir, java.util.Collection<String> names) {
    for (String n : names) {
      Path f = dir.resolve(n);
      if (Files.exists(f) && !Files.isRegularFile(f)) return n;
    }
    return null;
  }

  private static String abbreviate(String s) { return s.length() > 40 ? s.substring(0, 37) + "..." : s; }

  /**
   * What {@code dir} holds, read without changing anything.
   *
   * @param dir the directory
   * @return what it holds
   */
  public static Contents inspect(Path dir) {
    if (!Files.exists(dir)) return new Contents(Kind.ABSENT, null, null);
    List<String> names = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.forEach(f -> names.add(f.getFileName().toString()));
    } catch (IOException e) {
      throw new ValidationException("out", "cannot be read (" + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")", dir);
    }
    names.remove(LOCK);
    names.removeIf(n -> n.startsWith(".") && n.endsWith(".tmp"));
    if (names.isEmpty()) return new Contents(Kind.EMPTY, null, null);
    if (names.contains("sweep.json")) return new Contents(Kind.SWEEP, null, null);
    if (names.contains(RunDirectory.CHECKPOINT)) return new Contents(Kind.INTERRUPTED_RUN, readSummary(dir), null);
    if (names.contains(RunDirectory.SUMMARY)) return new Contents(Kind.FINISHED_RUN, readSummary(dir), null);
    if (names.contains(RunDirectory.METRICS)) return new Contents(Kind.INTERRUPTED_RUN, null, null); // killed before its first checkpoint
    if (names.contains("comparison.json")) return new Contents(Kind.COMPARISON, null, null);
    for (String n : names) {
      Path sub = dir.resolve(n);
      if (Files.isDirectory(sub) && (Files.exists(sub.resolve(RunDirectory.METRICS)) || Files.exists(sub.resolve(RunDirectory.SUMMARY))))
        return new Contents(Kind.COMPARISON, null, null);
    }
    return new Contents(Kind.FOREIGN, null, names.get(0));
  }

  /**
   * A run directory's summary.json, parsed, or null when missing or unreadable.
   *
   * @param dir a run directory
   * @return the summary, or null
   */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> readSummary(Path dir) {
    try {
      Object o = Json.parse(Files.readString(dir.resolve(RunDirectory.SUMMARY)));
      return o instanceof Map ? (Map<String, Object>) o : null;
    } catch (IOException | IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * Whether a summary's recorded configuration is that of a run with these settings (numbers compared
   * as numbers, everything else as text).
   *
   * @param summary a run's parsed summary, or null
   * @param settings a run's settings record ({@link TrainingRun#settingsRecord})
   * @return whether every setting of {@code settings} (but {@code model}, {@code loss} and {@code data}, recorded as
   *     descriptions) has the same value in the summary's {@code config}; false for a null summary or one without it
   */
  public static boolean sameSettings(Map<String, Object> summary, Map<String, Object> settings) {
    if (summary == null || !(summary.get("config") instanceof Map)) return false;
    Map<?, ?> cfg = (Map<?, ?>) summary.get("config");
    for (var e : settings.entrySet()) {
      if (Set.of("model", "loss", "data").contains(e.getKey())) continue; // recorded as descriptions of what was built
      Object a = cfg.get(e.getKey()), b = e.getValue();
      if (a instanceof Number && b instanceof Number) {
        if (((Number) a).doubleValue() != ((Number) b).doubleValue()) return false;
      } else if (!String.valueOf(a).equals(String.valueOf(b))) {
        return false;
      }
    }
    return true;
  }

  /** An exclusive hold on a directory; closing it (or the process ending) lets the next writer in. */
  public static final class Lock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private Lock(FileChannel channel, FileLock lock) {
      this.channel = channel;
      this.lock = lock;
    }

    /**
     * Releases the lock and closes the lock file.
     *
     * @throws IOException if releasing fails
     */
    @Override public void close() throws IOException {
      try {
        lock.release();
      } finally {
        channel.close();
      }
    }
  }

  /**
   * Creates {@code dir} if needed and takes its lock, recording this process in the lock file. Throws a
   * {@link ValidationException} of {@code parameter} naming the holder when another writer has it.
   *
   * @param what a line saying what holds the lock (the command, say)
   * @param dir the directory, created with its parents if needed
   * @param parameter the setting that named it, snake case, for the exception
   * @return the lock, held until closed or the process ends
   * @throws IOException if the directory or lock file cannot be created
   * @throws ValidationException of {@code parameter} if another writer (in this process or another) holds it
   */
  public static Lock lock(Path dir, String parameter, String what) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(LOCK);
    FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      String holder;
      try {
        holder = Files.readString(file).trim();
      } catch (IOException e) {
        holder = "";
      }
      ch.close();
      throw new ValidationException(parameter, "is in use by another egd process" + (holder.isEmpty() ? "" : " (" + holder + ")")
          + "; wait for it to finish or choose another directory", dir);
    }
    ch.truncate(0);
    ch.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + ": " + what + "\n").getBytes(StandardCharsets.UTF_8)), 0);
    ch.force(false);
    return new Lock(ch, lock);
  }

  /**
   * Takes {@code dir} for one run, locked: a new or empty directory; with {@code resume}, one holding
   * an interrupted run; with {@code force}, one holding a run (finished or not), whose files are
   * cleared first. Anything else is refused, naming the flag that would do what the user may want: a
   * finished run is never overwritten, an interrupted one never restarted, by accident.
   * Errors name the setting {@code out} or {@code resume}, and say where {@code force} or {@code resume} would help.
   *
   * @param dir the run's directory
   * @param settings the run's settings record, compared with a finished run's
   * @param resume whether to continue an interrupted run (it must hold one, with a checkpoint)
   * @param force whether to replace a run the directory holds
   * @param holder what holds the lock, for another writer's message
   * @return the lock, held until closed
   * @throws IOException if the directory cannot be read, created or cleared
   * @throws ValidationException ({@code out}, {@code resume}) if the directory cannot be taken for this run
   */
  public static Lock claimRun(Path dir, Map<String, Object> settings, boolean resume, boolean force, String holder) throws IOException {
    checkUsable(dir, "out");
    String blocked = inTheWay(dir, RUN_FILES);
    if (blocked != null)
      throw new ValidationException("out", "holds " + blocked + " as a directory (or another thing that is not a file), in the way of the run's "
          + blocked + "; move it away", dir);
    refuseUnlessFree(dir, inspect(dir), settings, resume, force);
    Lock lock = lock(dir, "out", holder);
    try {
      Contents now = inspect(dir); // again, under the lock: another process may have written it meanwhile
      refuseUnlessFree(dir, now, settings, resume, force);
      if (force && !resume && (now.kind() == Kind.FINISHED_RUN || now.kind() == Kind.INTERRUPTED_RUN)) clearRun(dir);
      return lock;
    } catch (RuntimeException | IOException e) {
      lock.close();
      throw e;
    }
  }

  private static void refuseUnlessFree(Path dir, Contents c, Map<String, Object> settings, boolean resume, boolean force) {
    if (resume) {
      if (c.kind() != Kind.INTERRUPTED_RUN || !RunDirectory.hasCheckpoint(dir))
        throw new ValidationException("resume", "needs an interrupted run to continue, and " + dir + " holds " + describe(c), dir);
      return;
    }
    switch (c.kind()) {
      case ABSENT:
      case EMPTY:
        return;
      case FINISHED_RUN:
        if (force) return;
        if (sameSettings(c.summary(), settings))
          throw new ValidationException("out", "already holds this finished run; {force} runs it again", dir);
        throw new ValidationException("out", "holds another finished run" + whose(c.summary()) + "; choose another directory, or {force} to replace it", dir);
      case INTERRUPTED_RUN:
        if (force) return;
        throw new ValidationException("out", "holds an interrupted run" + whose(c.summary())
            + ": {resume} continues it (with the same flags), {force} starts afresh", dir);
      case COMPARISON:
      case SWEEP:
        throw new ValidationException("out", "holds a " + (c.kind() == Kind.SWEEP ? "sweep" : "comparison") + ", not a run; choose another directory", dir);
      default:
        throw new ValidationException("out", "holds files egd did not write (" + c.example() + "); choose a new or empty directory", dir);
    }
  }

  private static String describe(Contents c) {
    switch (c.kind()) {
      case ABSENT: return "nothing (it does not exist)";
      case EMPTY: return "nothing";
      case FINISHED_RUN: return "a finished run";
      case COMPARISON: return "a comparison";
      case SWEEP: return "a sweep";
      case FOREIGN: return "files egd did not write";
      default: return "an interrupted run without a checkpoint (it was stopped before its first one)";
    }
  }

  private static String whose(Map<String, Object> summary) {
    if (summary == null) return "";
    return " (" + summary.get("task") + ", method " + summary.get("method") + ", seed " + summary.get("seed") + ")";
  }

  /**
   * Removes the files egd writes into a run directory (what a forced {@link #claimRun} does); other files stay, and so
   * does the lock file.
   *
   * @param dir a run directory
   * @throws IOException if a file cannot be deleted
   */
  public static void clearRun(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      for (Path f : (Iterable<Path>) s::iterator) {
        String n = f.getFileName().toString();
        if (n.equals(LOCK)) continue;
        boolean ours = RUN_FILES.contains(n) || (n.startsWith("spectrum") && n.endsWith(".png")) || n.equals("accuracy.png")
            || n.equals("loss.png") || (n.startsWith(".") && n.endsWith(".tmp"));
        if (ours && Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) Files.delete(f);
      }
    }
  }
}
