package dev.egd.cli;

/** A user error: reported as one line, exit code 2, before anything is written. */
public final class BadInput extends RuntimeException {
  public BadInput(String message) { super(message, null, false, false); }

  /** The command-line flag of a library parameter: {@code egd_rcond} is {@code --egd-rcond}. */
  static String flag(String parameter) { return "--" + parameter.replace('_', '-'); }

  /** A library's validation error, worded in flags. */
  static BadInput of(dev.egd.ValidationException e) { return new BadInput(e.render(BadInput::flag)); }
}
