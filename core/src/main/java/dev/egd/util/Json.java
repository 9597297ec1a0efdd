package dev.egd.util;

import java.util.Collection;
import java.util.Map;

/**
 * Writes maps, lists, strings, numbers, booleans and null as indented JSON (the layout Jackson's
 * default pretty printer gives), so that core can record a run's summary without a JSON library.
 * Non-finite numbers are written as the strings "NaN", "Infinity" and "-Infinity", as Jackson does.
 */
public final class Json {
  private Json() {}

  /** The value as indented JSON text. */
  public static String write(Object value) {
    StringBuilder sb = new StringBuilder();
    write(sb, value, 0);
    return sb.toString();
  }

  private static void write(StringBuilder sb, Object v, int depth) {
    if (v == null) {
      sb.append("null");
    } else if (v instanceof Map) {
      Map<?, ?> m = (Map<?, ?>) v;
      if (m.isEmpty()) {
        sb.append("{ }");
        return;
      }
      sb.append("{\n");
      int i = 0;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        indent(sb, depth + 1);
        string(sb, String.valueOf(e.getKey()));
        sb.append(" : ");
        write(sb, e.getValue(), depth + 1);
        sb.append(++i < m.size() ? ",\n" : "\n");
      }
      indent(sb, depth);
      sb.append('}');
    } else if (v instanceof Collection || v instanceof double[] || v instanceof long[] || v instanceof int[]) {
      Collection<?> c = v instanceof Collection ? (Collection<?>) v : boxed(v);
      if (c.isEmpty()) {
        sb.append("[ ]");
        return;
      }
      sb.append("[ ");
      int i = 0;
      for (Object o : c) {
        write(sb, o, depth + 1);
        if (++i < c.size()) sb.append(", ");
      }
      sb.append(" ]");
    } else if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      if (Double.isFinite(d)) sb.append(v);
      else string(sb, Double.isNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
    } else if (v instanceof Number || v instanceof Boolean) {
      sb.append(v);
    } else {
      string(sb, v.toString());
    }
  }

  private static Collection<?> boxed(Object array) {
    if (array instanceof double[]) return java.util.Arrays.stream((double[]) array).boxed().collect(java.util.stream.Collectors.toList());
    if (array instanceof long[]) return java.util.Arrays.stream((long[]) array).boxed().collect(java.util.stream.Collectors.toList());
    return java.util.Arrays.stream((int[]) array).boxed().collect(java.util.stream.Collectors.toList());
  }

  private static void indent(StringBuilder sb, int depth) {
    for (int i = 0; i < depth; i++) sb.append("  ");
  }

  private static void string(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"': sb.append("\\\""); break;
        case '\\': sb.append("\\\\"); break;
        case '\n': sb.append("\\n"); break;
        case '\r': sb.append("\\r"); break;
        case '\t': sb.append("\\t"); break;
        default:
          if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
          else sb.append(c);
      }
    }
    sb.append('"');
  }
}
