/**
 * The training loop: {@link Trainer} runs shuffled minibatches over data-parallel shards on Java threads
 * through one chain of gradient transforms, evaluates ({@link Evaluator}), records milestones
 * ({@link EpochRecord}, {@link RunResult}) and checkpoints ({@link Checkpoints}); {@link SpectrumLogger}
 * records gradient singular values on the way. The same seed and thread count give the same bits, with or
 * without checkpoints, listeners and the spectrum logger.
 */
package dev.egd.train;
