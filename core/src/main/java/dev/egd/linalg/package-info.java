/**
 * Linear algebra over row-major float32 (and some float64) arrays: {@link Blas}, the one door to
 * OpenBLAS and LAPACK (pinned to one thread), and the egalitarian update of one matrix, G = U S Vᵀ made
 * into U Vᵀ: {@link Egalitarian} for one call, the reusable kernels {@link ExactEgd} (several exact
 * routes, with numerical safeguards), {@link RandomizedEgd} (a randomized SVD of rank r) and
 * {@link NewtonSchulz} (Muon's approximate iteration), and {@link Spectrum} for singular-value statistics.
 *
 * <p>Kernels hold the workspaces of one shape and allocate nothing per call; they are not thread-safe
 * (one per thread or per matrix). {@link Blas}'s methods are thread-safe.
 */
package dev.egd.linalg;
