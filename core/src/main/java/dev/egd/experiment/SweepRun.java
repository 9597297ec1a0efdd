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
 * @param config the run's settings, method and seed included
 * @param methods the methods of the sweep; copied
 * @param dir the run's directory, as a path string every executor can read
 * @serial exclude
 */
public record SweepRun(String id, RunConfig config, List<String> methods, String dir) implements Serializable {
  /**
   * Copies {@code methods}.
   *
   * @param id a short name for progress lines
   * @param config the run's settings
   * @param methods the methods of the sweep
   * @param dir the run's directory
   */
  public SweepRun {
    methods = List.copyOf(methods);
  }

  /** @return {@link #dir()} as a path */
  public Path path() { return Path.of(dir); }
}
