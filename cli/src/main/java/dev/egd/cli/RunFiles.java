package dev.egd.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;

/** Writing a run directory: checked before a run starts, files replaced atomically. */
final class RunFiles {
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private RunFiles() {}

  static void writeAtomically(Path file, byte[] content) throws IOException {
    dev.egd.experiment.RunDirectory.writeAtomically(file, content);
  }

  static void writeJson(Path file, Object value) throws IOException {
    writeAtomically(file, JSON.writeValueAsBytes(value));
  }

  static String fmt(double v) { return dev.egd.experiment.RunDirectory.fmt(v); }
}
