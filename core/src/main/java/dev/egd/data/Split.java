package dev.egd.data;

/**
 * A task's training and test sets, with a one-line description.
 *
 * @param train the examples to train on
 * @param test the held-out examples the test accuracy is measured on
 * @param description one line for a run's log: the task and how many examples each set has
 */
public record Split(Dataset train, Dataset test, String description) {}
