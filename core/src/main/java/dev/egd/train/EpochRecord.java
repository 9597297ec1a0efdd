package dev.egd.train;

/** What one evaluation measured. {@code seconds} is wall time since training began. */
public record EpochRecord(
    long epoch, long step, double trainLoss, double trainAcc, double testLoss, double testAcc,
    double weightNorm, double seconds, boolean transformActive) {}
