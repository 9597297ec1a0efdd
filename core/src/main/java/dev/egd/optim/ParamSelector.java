package dev.egd.optim;

import dev.egd.ValidationException;
import dev.egd.nn.ParamSet;
import dev.egd.nn.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Chooses the parameters a transform acts on, by name or kind. Matrix transforms (EGD, column
 * normalisation) take {@link #first} (the first weight matrix), {@link #all} (every weight, matrices and
 * vectors) or {@link #matching} (any parameter by name); weight decay takes {@link #weights}. A vector
 * parameter is a 1 x n or n x 1 matrix: its one singular direction is the vector itself, so EGD makes
 * its gradient g into g / ||g||, and column normalisation does the same to each column.
 */
public final class ParamSelector {
  private enum Rule { FIRST, ALL, REGEX, WEIGHTS }

  private final Rule rule;
  private final String spec;
  private final Pattern pattern;
  private final String parameter;

  private ParamSelector(Rule rule, String spec, Pattern pattern, String parameter) {
    this.rule = rule;
    this.spec = spec;
    this.pattern = pattern;
    this.parameter = parameter;
  }

  /**
   * The first weight matrix, as in the EGD paper.
   *
   * @return a selector of the first parameter of kind {@code WEIGHT} with more than one row and column
   */
  public static ParamSelector first() { return new ParamSelector(Rule.FIRST, "first", null, "egd_layers"); }

  /**
   * Every weight, matrices and vectors (not embeddings, biases or gains).
   *
   * @return a selector of every parameter of kind {@code WEIGHT}
   */
  public static ParamSelector all() { return new ParamSelector(Rule.ALL, "all", null, "egd_layers"); }

  /**
   * Every parameter of kind {@link Tensor.Kind#WEIGHT}, matrices and vectors: what L2 weight decay acts on.
   *
   * @return a selector of every parameter of kind {@code WEIGHT}, which may be none
   */
  public static ParamSelector weights() { return new ParamSelector(Rule.WEIGHTS, "weights", null, "wd"); }

  /**
   * Every parameter whose full name matches the regular expression.
   *
   * @param regex a {@link java.util.regex.Pattern} the whole name must match, e.g. {@code W[12]}
   * @return a selector of the parameters whose names match
   * @throws ValidationException ({@code egd_layers}) if {@code regex} is not a valid regular expression
   */
  public static ParamSelector matching(String regex) { return matching(regex, "egd_layers"); }

  private static ParamSelector matching(String regex, String parameter) {
    try {
      return new ParamSelector(Rule.REGEX, regex, Pattern.compile(regex), parameter);
    } catch (PatternSyntaxException e) {
      throw new ValidationException(parameter, "must be first, all or a regular expression (" + e.getDescription() + ")", "'" + regex + "'");
    }
  }

  /**
   * Parses {@code first}, {@code all} or a regular expression.
   *
   * @param s {@code first}, {@code all}, or a regular expression
   * @return the selector
   * @throws ValidationException ({@code egd_layers}) if {@code s} is not a valid regular expression
   */
  public static ParamSelector parse(String s) { return parse(s, "egd_layers"); }

  /**
   * Parses {@code first}, {@code all} or a regular expression given as the setting {@code parameter} (for its errors).
   *
   * @param s {@code first}, {@code all}, or a regular expression
   * @param parameter the setting's name, snake case
   * @return the selector, reporting failures as problems of {@code parameter}
   * @throws ValidationException ({@code parameter}) if {@code s} is not a valid regular expression
   */
  public static ParamSelector parse(String s, String parameter) {
    if (s.equals("first")) return first().as(parameter);
    if (s.equals("all")) return all().as(parameter);
    return matching(s, parameter);
  }

  /**
   * The same selection, reporting a failure to match as a problem of the named setting (default {@code egd_layers}).
   *
   * @param parameterName the setting's name, snake case
   * @return a new selector with the same rule
   */
  public ParamSelector as(String parameterName) { return new ParamSelector(rule, spec, pattern, parameterName); }

  /**
   * Indices of the selected tensors, in layout order. Throws a {@link ValidationException} naming the
   * candidates when a matrix selection matches nothing; {@link #weights} may select nothing.
   *
   * @param params the parameters to choose from
   * @return the positions of the selected tensors, ascending
   * @throws ValidationException if a selection other than {@link #weights} matches nothing
   */
  public int[] select(ParamSet params) {
    List<Integer> out = new ArrayList<>();
    List<String> candidates = new ArrayList<>();
    for (int i = 0; i < params.count(); i++) {
      Tensor t = params.get(i);
      if (rule == Rule.WEIGHTS) {
        if (t.kind == Tensor.Kind.WEIGHT) out.add(i);
        continue;
      }
      boolean matrix = t.rows > 1 && t.cols > 1;
      candidates.add(t.name);
      if (rule == Rule.REGEX) {
        if (pattern.matcher(t.name).matches()) out.add(i);
      } else if (t.kind == Tensor.Kind.WEIGHT && (matrix || rule == Rule.ALL)) {
        out.add(i);
        if (rule == Rule.FIRST) break;
      }
    }
    if (out.isEmpty() && rule != Rule.WEIGHTS)
      throw new ValidationException(parameter, "matches no parameter; have " + candidates, "'" + spec + "'");
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  /** @return the selection as given: {@code first}, {@code all}, {@code weights} or the regular expression */
  @Override public String toString() { return spec; }
}
