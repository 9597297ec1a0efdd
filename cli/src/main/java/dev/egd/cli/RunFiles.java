package dev.egd.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writing a run directory: checked before a run starts, files replaced atomically. */
final class RunFiles {
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private RunFiles() {}

  /** Fails with BadInput (nothing created) unless dir exists writable or can be created. */
  static void checkWritable(Path dir, String flag) {
    Path p = dir.toAbsolutePath();
    if (Files.exists(p)) {
      if (!Files.isDirectory(p)) throw new BadInput(flag + " " + dir + " exists and is not a directory");
      if (!Files.isWritable(p)) throw new BadInput(flag + " " + dir + " is not writable");
      return;
    }
    Path parent = p.getParent();
    while (parent != null && !Files.exists(parent)) parent = parent.getParent();
    if (parent == null || !Files.isDirectory(parent) || !Files.isWritable(parent))
      throw new BadInput(flag + " " + dir + " cannot be created (" + (parent == null ? "no parent" : parent + " is not a writable directory") + ")");
  }

  static void writeAtomically(Path file, byte[] content) throws IOException {
    dev.egd.experiment.RunDirectory.writeAtomically(file, content);
  }

  static void writeJson(Path file, Object value) throws IOException {
    writeAtomically(file, JSON.writeValueAsBytes(value));
  }

  static String fmt(double v) { return dev.egd.experiment.RunDirectory.fmt(v); }
}
