package dev.egd.train;

/**
 * What one evaluation measured. {@code epoch} is the epoch the evaluation fell in (1-based; with
 * evaluation every epoch, the epochs completed), {@code step} the updates made so far, {@code seconds}
 * wall time since training began.
 *
 * @param epoch the epoch the evaluation fell in, from 1
 * @param step the optimizer updates made so far
 * @param trainLoss mean loss per training example ({@link TrainSettings.TrainMetrics}: the whole set, or the batches
 *     since the last evaluation)
 * @param trainAcc training accuracy, in [0, 1]
 * @param testLoss mean loss per test example
 * @param testAcc test accuracy, in [0, 1]
 * @param weightNorm the Euclidean norm of every parameter of kind {@code WEIGHT}
 * @param seconds wall time since training began, in seconds
 * @param transformActive whether the transform was still on (false once a switch-off turned off)
 */
public record EpochRecord(
    long epoch, long step, double trainLoss, double trainAcc, double testLoss, double testAcc,
    double weightNorm, double seconds, boolean transformActive) {}
