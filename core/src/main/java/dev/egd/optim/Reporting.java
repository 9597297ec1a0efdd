package dev.egd.optim;

import java.util.Map;

/** A transform with counters worth recording in a run's summary (routes taken, steps active). */
public interface Reporting {
  /**
   * Counters keyed by name; values are numbers, text or null.
   *
   * @return the counters, in a stable order (e.g. {@code egd_route_svd})
   */
  Map<String, Object> stats();
}
