package dev.egd.optim;

/** A transform that can turn itself off (a switch-off, or a chain holding one). */
public interface Switchable {
  /**
   * Whether every switch-off in it is still on, judged by the latest test accuracy reported.
   *
   * @return true while every switch-off in it is on
   */
  boolean active();
}
