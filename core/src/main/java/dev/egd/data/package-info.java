/**
 * The papers' data sets as flat arrays ({@link Dataset}) split into training and test sets
 * ({@link Split}): {@link ModularArithmetic} (a op b mod p, as one-hot pairs or token sequences),
 * {@link SparseParity} (the product of k secret bits of n), and {@link Mnist} (the standard IDX files, read
 * by {@link Idx}, or 10,000 bundled digits from the {@code egd-data} artifact). Every split is
 * deterministic: the same arguments (seeds included) give the same examples.
 */
package dev.egd.data;
