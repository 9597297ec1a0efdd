package dev.egd.cli;

import dev.egd.train.Checkpoints;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * A run directory's checkpoint.bin: the run's resolved flags (JSON) followed by the trainer's state,
 * replaced atomically (temp file and rename) so a killed run always leaves the previous checkpoint
 * whole. A resumed run must have exactly the same flags, thread count included: the bits depend on it.
 */
final class CheckpointFile implements Checkpoints {
  static final String NAME = "checkpoint.bin";
  private static final String MAGIC = "egd-checkpoint/1";

  private final Path file;
  private final long every;
  private final byte[] header;

  /** @param every save after every this many evaluations (0: only when the run is stopped early) */
  CheckpointFile(Path dir, long every, Map<String, Object> flags) {
    this.file = dir.resolve(NAME);
    this.every = every;
    try {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(b);
      out.writeUTF(MAGIC);
      byte[] json = RunFiles.JSON.writeValueAsBytes(flags);
      out.writeInt(json.length);
      out.write(json);
      out.flush();
      header = b.toByteArray();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Override public boolean due(long evaluations) { return every > 0 && evaluations % every == 0; }

  @Override public void save(byte[] state) throws IOException {
    byte[] all = new byte[header.length + state.length];
    System.arraycopy(header, 0, all, 0, header.length);
    System.arraycopy(state, 0, all, header.length, state.length);
    RunFiles.writeAtomically(file, all);
  }

  static boolean exists(Path dir) { return Files.isRegularFile(dir.resolve(NAME)); }

  static void delete(Path dir) throws IOException { Files.deleteIfExists(dir.resolve(NAME)); }

  /**
   * The trainer state stored in dir, after checking it was written by a run with these flags; a
   * missing, unreadable or foreign checkpoint is a BadInput naming the flag.
   */
  @SuppressWarnings("unchecked")
  static byte[] read(Path dir, Map<String, Object> flags, String flag) {
    Path f = dir.resolve(NAME);
    if (!Files.isRegularFile(f)) throw new BadInput(flag + ": no " + NAME + " in " + dir + " to resume from");
    try {
      byte[] all = Files.readAllBytes(f);
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(all));
      if (!MAGIC.equals(in.readUTF())) throw new IOException("not an egd checkpoint");
      byte[] json = new byte[in.readInt()];
      in.readFully(json);
      Map<String, Object> saved = RunFiles.JSON.readValue(json, Map.class);
      Map<String, Object> now = RunFiles.JSON.readValue(RunFiles.JSON.writeValueAsBytes(flags), Map.class);
      for (String k : now.keySet()) {
        if (!Objects.equals(saved.get(k), now.get(k)))
          throw new BadInput(flag + ": " + f + " was written with " + k + " = " + saved.get(k) + ", this run has " + now.get(k)
              + "; give the same flags (thread count included) or start afresh without " + flag);
      }
      for (String k : saved.keySet())
        if (!now.containsKey(k)) throw new BadInput(flag + ": " + f + " was written with " + k + " = " + saved.get(k) + ", which this run does not set");
      int headerLength = all.length - in.available();
      return java.util.Arrays.copyOfRange(all, headerLength, all.length);
    } catch (IOException e) {
      throw new BadInput(flag + ": " + f + " cannot be read: " + e.getMessage());
    }
  }
}
