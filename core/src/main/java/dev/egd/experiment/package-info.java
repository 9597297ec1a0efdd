/**
 * The papers' experiments by name: a {@link RunConfig} of named {@link Setting}s (snake case, as a run's
 * summary records them) becomes a run with {@link Experiments#build}, the task's and method's presets
 * filling what is unset ({@link Task}, {@link Methods}). {@link RunDirectory} writes a run's files as it
 * goes (metrics, timing, summary, checkpoint) under the rules of {@link OutputDirectory}; {@link Engine}
 * and {@link SweepEngine} let other modules compute runs and sweeps into the same directories;
 * {@link Stats} summarises times to target across seeds.
 */
package dev.egd.experiment;
