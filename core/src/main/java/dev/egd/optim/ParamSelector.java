package dev.egd.optim;

import dev.egd.nn.ParamSet;
import dev.egd.nn.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Chooses which gradient matrices a matrix transform (EGD, column normalisation) acts on. */
public final class ParamSelector {
  private final String spec;
  private final Pattern pattern; // null: first or all weight matrices

  private ParamSelector(String spec, Pattern pattern) {
    this.spec = spec;
    this.pattern = pattern;
  }

  /** The first weight matrix, as in the EGD paper. */
  public static ParamSelector first() { return new ParamSelector("first", null); }

  /** Every weight matrix. */
  public static ParamSelector all() { return new ParamSelector("all", null); }

  /** Every matrix parameter whose full name matches the regular expression. */
  public static ParamSelector matching(String regex) {
    try {
      return new ParamSelector(regex, Pattern.compile(regex));
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("invalid parameter pattern '" + regex + "': " + e.getDescription());
    }
  }

  /** Parses {@code first}, {@code all} or a regular expression. */
  public static ParamSelector parse(String s) {
    if (s.equals("first")) return first();
    if (s.equals("all")) return all();
    return matching(s);
  }

  /** Indices of the selected tensors; throws IllegalArgumentException when nothing matches. */
  public int[] select(ParamSet params) {
    List<Integer> out = new ArrayList<>();
    List<String> candidates = new ArrayList<>();
    for (int i = 0; i < params.count(); i++) {
      Tensor t = params.get(i);
      boolean matrix = t.rows > 1 && t.cols > 1;
      if (!matrix) continue;
      candidates.add(t.name);
      if (pattern == null) {
        if (t.kind != Tensor.Kind.WEIGHT) continue;
        out.add(i);
        if (spec.equals("first")) break;
      } else if (pattern.matcher(t.name).matches()) {
        out.add(i);
      }
    }
    if (out.isEmpty())
      throw new IllegalArgumentException("parameter selection '" + spec + "' matches no matrix parameter; have " + candidates);
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  @Override public String toString() { return spec; }
}
