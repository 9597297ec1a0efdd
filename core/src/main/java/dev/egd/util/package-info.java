/**
 * Small utilities with fixed, JDK-independent behaviour: {@link Rng} (xoshiro256**, the same numbers on
 * every JVM), {@link State} (the binary checkpoint format), {@link Json} (indented JSON without a
 * library) and {@link Workers} (a fixed thread group that runs one task per shard).
 */
package dev.egd.util;
