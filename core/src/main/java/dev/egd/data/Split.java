package dev.egd.data;

/** A task's training and test sets, with a one-line description. */
public record Split(Dataset train, Dataset test, String description) {}
