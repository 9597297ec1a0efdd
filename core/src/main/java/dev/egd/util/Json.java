package dev.egd.util;

import java.util.Collection;
import java.util.Map;

/**
 * Writes maps, lists, strings, numbers, booleans and null as indented JSON (the layout Jackson's
 * default pretty printer gives), and reads JSON back into the same types, so that core can record and
 * re-read a run's summary without a JSON library. Non-finite numbers are written as the strings "NaN",
 * "Infinity" and "-Infinity", as Jackson does. Reading gives {@code Map<String, Object>} (insertion
 * order), {@code List<Object>}, String, Long (integers that fit), Double, Boolean and null.
 */
public final class Json {
  private Json() {}

  /**
   * The value as indented JSON text.
   *
   * @param value a {@code Map} (keys written with {@code String.valueOf}), {@code Collection}, {@code double[]},
   *     {@code long[]}, {@code int[]}, String, Number, Boolean or null, nested to any depth
   * @return the JSON text, two-space indented, without a trailing newline
   */
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

  /**
   * Parses one JSON value (surrounding white space allowed, nothing after it).
   *
   * @param text the JSON text
   * @return the value as the types listed in the class comment
   * @throws IllegalArgumentException if the text is not JSON, with the position of the first error
   */
  public static Object parse(String text) {
    Reader r = new Reader(text);
    r.space();
    Object v = r.value(0);
    r.space();
    if (r.i != text.length()) throw r.error("trailing text");
    return v;
  }

  private static final class Reader {
    private static final int MAX_DEPTH = 200;
    final String s;
    int i;

    Reader(String s) { this.s = s; }

    IllegalArgumentException error(String what) { return new IllegalArgumentException("not valid JSON: " + what + " at character " + i); }

    void space() {
      while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
    }

    Object value(int depth) {
      if (depth > MAX_DEPTH) throw error("nested too deeply");
      if (i >= s.length()) throw error("unexpected end");
      char c = s.charAt(i);
      if (c == '{') return object(depth);
      if (c == '[') return array(depth);
      if (c == '"') return string();
      if (s.startsWith("true", i)) { i += 4; return Boolean.TRUE; }
      if (s.startsWith("false", i)) { i += 5; return Boolean.FALSE; }
      if (s.startsWith("null", i)) { i += 4; return null; }
      return number();
    }

    Map<String, Object> object(int depth) {
      Map<String, Object> m = new java.util.LinkedHashMap<>();
      i++;
      space();
      if (i < s.length() && s.charAt(i) == '}') { i++; return m; }
      while (true) {
        space();
        if (i >= s.length() || s.charAt(i) != '"') throw error("expected a key");
        String k = string();
        space();
        if (i >= s.length() || s.charAt(i) != ':') throw error("expected ':'");
        i++;
        space();
        if (m.containsKey(k)) throw error("duplicate key '" + k + "'");
        m.put(k, value(depth + 1));
        space();
        if (i < s.length() && s.charAt(i) == ',') { i++; continue; }
        if (i < s.length() && s.charAt(i) == '}') { i++; return m; }
        throw error("expected ',' or '}'");
      }
    }

    java.util.List<Object> array(int depth) {
      java.util.List<Object> l = new java.util.ArrayList<>();
      i++;
      space();
      if (i < s.length() && s.charAt(i) == ']') { i++; return l; }
      while (true) {
        space();
        l.add(value(depth + 1));
        space();
        if (i < s.length() && s.charAt(i) == ',') { i++; continue; }
        if (i < s.length() && s.charAt(i) == ']') { i++; return l; }
        throw error("expected ',' or ']'");
      }
    }

    String string() {
      StringBuilder b = new StringBuilder();
      i++;
      while (i < s.length()) {
        char c = s.charAt(i++);
        if (c == '"') return b.toString();
        if (c != '\\') { b.append(c); continue; }
        if (i >= s.length()) break;
        char e = s.charAt(i++);
        switch (e) {
          case 'n': b.append('\n'); break;
          case 't': b.append('\t'); break;
          case 'r': b.append('\r'); break;
          case 'b': b.append('\b'); break;
          case 'f': b.append('\f'); break;
          case 'u':
            if (i + 4 > s.length()) throw error("bad escape");
            try {
              b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
            } catch (NumberFormatException x) {
              throw error("bad escape");
            }
            i += 4;
            break;
          default: b.append(e);
        }
      }
      throw error("unterminated string");
    }

    Object number() {
      int start = i;
      while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) i++;
      String t = s.substring(start, i);
      if (t.isEmpty()) throw error("unexpected character '" + s.charAt(i) + "'");
      try {
        if (t.matches("-?\\d+")) {
          try {
            return Long.valueOf(t);
          } catch (NumberFormatException big) {
            return Double.valueOf(t);
          }
        }
        return Double.valueOf(t);
      } catch (NumberFormatException e) {
        throw error("bad number '" + t + "'");
      }
    }
  }
}
