package dev.egd.optim;

import java.util.Map;

/** A transform with counters worth recording in a run's summary (routes taken, steps active). */
public interface Reporting {
  /** Counters keyed by name; values are numbers, text or null. */
  Map<String, Object> stats();
}
