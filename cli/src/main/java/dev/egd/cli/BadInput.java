package dev.egd.cli;

/** A user error: reported as one line, exit code 2, before anything is written. */
public final class BadInput extends RuntimeException {
  public BadInput(String message) { super(message, null, false, false); }
}
