package dev.egd.experiment;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;

/**
 * One run of a sweep as an engine receives it: its settings (method and seed included), the methods of
 * the sweep (settings need only apply to one of them), and its directory, as text so that the record
 * travels to a cluster's executors (every executor must see the same path: a shared file system).
 *
 * @param id a short name for progress lines ({@code add-p97 egd s3})
 */
public record SweepRun(String id, RunConfig config, List<String> methods, String dir) implements Serializable {
  public SweepRun {
    methods = List.copyOf(methods);
  }

  public Path path() { return Path.of(dir); }
}
