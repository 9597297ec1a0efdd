package dev.egd.train;

import java.util.List;
import java.util.Map;

/**
 * How a run ended and its milestones. Milestone fields are null when the target was never reached.
 *
 * @param status {@code completed} (epoch cap), {@code stopped-after-target}, {@code diverged} or {@code interrupted}
 * @param message what went wrong or why the run stopped early, in one sentence; null for a run that completed
 * @param epochsRun epochs completed
 * @param stepsRun optimizer updates made
 * @param epochsToTarget the first epoch whose test accuracy exceeded the target, or null
 * @param stepsToTarget the updates made by then, or null
 * @param secondsToTarget the wall time by then, in seconds, or null
 * @param target the test accuracy to exceed, from the settings
 * @param last the last evaluation, or null when there was none
 * @param secondsTotal wall time of training, setup excluded (a resumed run's earlier time included), in seconds
 * @param secondsPerEpoch {@code secondsTotal / epochsRun}; NaN when no epoch completed
 * @param setupSeconds wall time before the first step (initialisation, workspaces), in seconds
 * @param history every evaluation, in order (a resumed run's included)
 * @param transformStats the transform's counters ({@code Reporting}), empty when it has none
 * @param phaseSeconds wall time by phase over the whole run: forward_backward (including the gradient
 *     reduction and weight decay), transform (the chain, optimizer included), update, evaluation
 */
public record RunResult(
    String status, String message, long epochsRun, long stepsRun, Long epochsToTarget, Long stepsToTarget,
    Double secondsToTarget, double target, EpochRecord last, double secondsTotal, double secondsPerEpoch,
    double setupSeconds, List<EpochRecord> history, Map<String, Object> transformStats, Map<String, Double> phaseSeconds) {}
