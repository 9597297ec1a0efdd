package dev.egd.optim;

/** When a switch-off ({@link Transforms#switchOff}) lets its transform run. */
public enum SwitchOffMode {
  /** Off for good once test accuracy has exceeded the threshold (egd's default). */
  STICKY,
  /** The paper's rule, re-judged at every evaluation: on exactly while the latest test accuracy is at or below the threshold. */
  RECHECK
}
