package dev.egd.train;

/**
 * What one evaluation measured. {@code epoch} is the epoch the evaluation fell in (1-based; with
 * evaluation every epoch, the epochs completed), {@code step} the updates made so far, {@code seconds}
 * wall time since training began.
 */
public record EpochRecord(
    long epoch, long step, double trainLoss, double trainAcc, double testLoss, double testAcc,
    double weightNorm, double seconds, boolean transformActive) {}
