package dev.egd;

import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A setting outside its valid range: the one exception egd's library throws for bad input.
 *
 * <p>It names the parameter in the library's own terms (snake case, the keys of a run's recorded
 * configuration: {@code lr}, {@code egd_rcond}, {@code batch}), the constraint the value breaks, and
 * the value, so that a caller can report it in its own vocabulary: the command line turns
 * {@code lr} into its flag, a sweep spec into the field that set it. A constraint may refer to
 * other parameters as <code>{name}</code>; {@link #getMessage()} shows them as plain names and
 * {@link #render} in the caller's form.
 */
public class ValidationException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  private static final Pattern REFERENCE = Pattern.compile("\\{([a-z0-9_]+)}");
  private static final Object NO_VALUE = new Object();

  /** The parameter's name, snake case. */
  private final String parameter;
  /** The constraint the value breaks, other parameters as <code>{name}</code>. */
  private final String constraint;
  private final transient Object value;

  /**
   * @param parameter the parameter's name, snake case ({@code lr})
   * @param constraint what a valid value is, e.g. {@code must be > 0}; other parameters as <code>{name}</code>
   * @param value the value given (shown after a colon)
   */
  public ValidationException(String parameter, String constraint, Object value) {
    super(compose(parameter, constraint, value, UnaryOperator.identity()), null);
    this.parameter = parameter;
    this.constraint = constraint;
    this.value = value;
  }

  /**
   * A broken constraint that has no single value to show (a combination of settings, a missing one).
   *
   * @param parameter the parameter's name, snake case
   * @param constraint what a valid value or combination is; other parameters as <code>{name}</code>
   * @return the exception, with {@link #hasValue()} false
   */
  public static ValidationException of(String parameter, String constraint) {
    return new ValidationException(parameter, constraint, NO_VALUE);
  }

  /** @return the parameter's name in the library's terms (snake case, e.g. {@code lr}) */
  public String parameter() { return parameter; }

  /** @return the constraint, with other parameters written as <code>{name}</code> */
  public String constraint() { return constraint; }

  /**
   * @return the value given, or null when there is none to show (see {@link #hasValue()}); a null value given is also
   *     returned as null
   */
  public Object value() { return value == NO_VALUE ? null : value; }

  /** @return whether the exception carries a value (false for those made by {@link #of}) */
  public boolean hasValue() { return value != NO_VALUE; }

  /**
   * The message with every parameter name (this one and those the constraint names) written by {@code names}.
   *
   * @param names maps a snake-case name to the caller's form of it (a flag, a field of a spec)
   * @return the message in the caller's vocabulary, e.g. "lr must be &gt; 0: -1" with the names mapped
   */
  public String render(UnaryOperator<String> names) {
    return compose(parameter, constraint, value, names);
  }

  private static String compose(String parameter, String constraint, Object value, UnaryOperator<String> names) {
    Matcher m = REFERENCE.matcher(constraint);
    StringBuilder text = new StringBuilder();
    while (m.find()) m.appendReplacement(text, Matcher.quoteReplacement(names.apply(m.group(1))));
    m.appendTail(text);
    return names.apply(parameter) + " " + text + (value == NO_VALUE ? "" : ": " + value);
  }
}
