/**
 * egd: Egalitarian Gradient Descent and Grokfast, with the models, data sets and training loop to measure
 * them. This package holds what every other one shares: {@link ValidationException}, the one exception
 * the library throws for bad input (it names the setting in snake case, the constraint and the value),
 * and {@link Check}, the range checks that throw it.
 *
 * <p>The packages, from the bottom up:
 * <ul>
 *   <li>{@code dev.egd.util}: a reproducible random generator, the checkpoint format, JSON, thread groups;</li>
 *   <li>{@code dev.egd.linalg}: OpenBLAS and LAPACK, and the EGD kernels (exact, randomized, Newton-Schulz);</li>
 *   <li>{@code dev.egd.nn}: tensors, parameter sets, batches, layers, the MLP and transformer, losses;</li>
 *   <li>{@code dev.egd.optim}: gradient transforms in the style of optax (EGD, Grokfast, SGD, Adam, Muon);</li>
 *   <li>{@code dev.egd.data}: modular arithmetic, sparse parity and MNIST as data sets;</li>
 *   <li>{@code dev.egd.train}: the training loop, evaluation and spectrum logging;</li>
 *   <li>{@code dev.egd.experiment}: the papers' experiments as named settings, run directories, sweeps;</li>
 *   <li>{@code dev.egd.toy}: the EGD paper's analytical two-scale setting.</li>
 * </ul>
 *
 * <p>Results are reproducible: the same seed and thread count give the same bits on the same OpenBLAS
 * kernel. Arrays passed in are used in place unless a method says it copies them.
 */
package dev.egd;
