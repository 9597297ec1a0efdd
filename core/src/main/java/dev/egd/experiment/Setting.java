package dev.egd.experiment;

import dev.egd.ValidationException;
import java.io.Serializable;
import java.util.List;
import java.util.Locale;

/**
 * One named setting of a run ({@link RunConfig}): its name in the library's terms (snake case, as in a
 * run's recorded configuration), its type, and for text settings the values it takes. Settings parse
 * the text form that command lines and spec files give, with errors that name the setting.
 *
 * @param <T> String, Integer, Long, Double or Boolean
 */
public final class Setting<T> implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The name, snake case. */
  private final String name;
  /** The type of the values. */
  private final Class<T> type;
  /** The values a text setting takes; empty: any text. */
  private final List<String> choices; // text settings with a fixed set of values; empty: any text
  /** What the setting means, in a line. */
  private final String help;

  private Setting(String name, Class<T> type, List<String> choices, String help) {
    this.name = name;
    this.type = type;
    this.choices = List.copyOf(choices);
    this.help = help;
  }

  static Setting<String> text(String name, String help, String... choices) { return new Setting<>(name, String.class, List.of(choices), help); }
  static Setting<Integer> integer(String name, String help) { return new Setting<>(name, Integer.class, List.of(), help); }
  static Setting<Long> whole(String name, String help) { return new Setting<>(name, Long.class, List.of(), help); }
  static Setting<Double> real(String name, String help) { return new Setting<>(name, Double.class, List.of(), help); }
  static Setting<Boolean> flag(String name, String help) { return new Setting<>(name, Boolean.class, List.of(), help); }

  /**
   * The name, snake case ({@code egd_rcond}).
   *
   * @return the setting's name
   */
  public String name() { return name; }

  /**
   * What the setting means, in a line.
   *
   * @return the help line
   */
  public String help() { return help; }

  /** @return the type of the setting's values: String, Integer, Long, Double or Boolean */
  public Class<T> type() { return type; }

  /**
   * The values a text setting takes; empty when any text is valid.
   *
   * @return the choices, lower case, an unmodifiable list
   */
  public List<String> choices() { return choices; }

  /**
   * Parses the text form ({@code 0.5}, {@code true}, {@code svd}); throws a {@link ValidationException} naming the setting.
   * Surrounding space is ignored; a choice is matched in any case and returned in lower case.
   *
   * @param text the value's text
   * @return the value
   * @throws ValidationException naming the setting, if the text is null or not a value of the setting
   */
  public T parse(String text) {
    if (text == null) throw ValidationException.of(name, "needs a value");
    String t = text.trim();
    try {
      if (type == String.class) return type.cast(checkChoice(t));
      if (type == Integer.class) return type.cast(Integer.valueOf(t));
      if (type == Long.class) return type.cast(Long.valueOf(t));
      if (type == Double.class) return type.cast(Double.valueOf(t));
      if (type == Boolean.class) {
        if (t.equalsIgnoreCase("true")) return type.cast(Boolean.TRUE);
        if (t.equalsIgnoreCase("false")) return type.cast(Boolean.FALSE);
        throw new ValidationException(name, "must be true or false", "'" + text + "'");
      }
    } catch (NumberFormatException e) {
      throw new ValidationException(name, "must be " + (type == Double.class ? "a number" : "an integer"), "'" + text + "'");
    }
    throw new IllegalStateException(type.toString());
  }

  /**
   * A value of this setting's type (numbers widened or narrowed exactly, enums by their lower-case name).
   * Other values are parsed from their text.
   *
   * @param value a value of the setting's type, a Number, an Enum, a Path (for text) or anything whose
   *     {@code String.valueOf} parses; null
   * @return the value as the setting's type, or null for null
   * @throws ValidationException if the value is none of the setting's
   */
  public T coerce(Object value) {
    if (value == null) return null;
    if (type.isInstance(value)) return type == String.class ? type.cast(checkChoice((String) value)) : type.cast(value);
    if (value instanceof Enum) return parse(((Enum<?>) value).name().toLowerCase(Locale.ROOT));
    if (value instanceof java.nio.file.Path && type == String.class) return type.cast(value.toString());
    if (value instanceof Number) {
      Number n = (Number) value;
      if (type == Double.class) return type.cast(n.doubleValue());
      if (type == Long.class && n.doubleValue() == n.longValue()) return type.cast(n.longValue());
      if (type == Integer.class && n.longValue() == n.intValue() && n.doubleValue() == n.longValue()) return type.cast(n.intValue());
    }
    return parse(String.valueOf(value));
  }

  private String checkChoice(String t) {
    if (choices.isEmpty()) return t;
    String lower = t.toLowerCase(Locale.ROOT);
    if (choices.contains(lower)) return lower;
    throw new ValidationException(name, "must be one of: " + String.join(", ", choices), "'" + t + "'");
  }

  /** @return the setting's name */
  @Override public String toString() { return name; }
}
