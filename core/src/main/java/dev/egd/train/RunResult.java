package dev.egd.train;

import java.util.List;
import java.util.Map;

/**
 * How a run ended and its milestones. Milestone fields are null when the target was never reached.
 *
 * @param status {@code completed} (epoch cap), {@code stopped-after-target}, {@code diverged} or {@code interrupted}
 * @param phaseSeconds wall time by phase over the whole run: forward_backward (including the gradient
 *     reduction and weight decay), transform (the chain, optimizer included), update, evaluation
 */
public record RunResult(
    String status, String message, long epochsRun, long stepsRun, Long epochsToTarget, Long stepsToTarget,
    Double secondsToTarget, double target, EpochRecord last, double secondsTotal, double secondsPerEpoch,
    double setupSeconds, List<EpochRecord> history, Map<String, Object> transformStats, Map<String, Double> phaseSeconds) {}
