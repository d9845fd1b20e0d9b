package dev.healthscore.models.scorecard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Writes a configuration file whose {@code scorecard:} section is the suggested one, every
 * number that differs from the current scorecard followed by {@code # was <old>} (a key the
 * current one lacks by {@code # added}). Other sections of the user's file are written as they
 * were (their comments are not kept). Block style, with lists of flat mappings (tiers) in flow
 * style; the result parses back with the project's config loader.
 */
public final class SuggestedYaml {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z_][A-Za-z0-9_.\\-/]*");
  private static final Set<String> RESERVED = Set.of("true", "false", "null", "yes", "no", "on", "off", "y", "n", "~");

  private SuggestedYaml() {}

  /**
   * @param userSections the user's --config file as a tree (empty when there is none); its scorecard section is replaced
   * @param current the scorecard section in use (the comparison base of the comments)
   * @param suggested the suggested scorecard section
   * @param header comment lines written first (without {@code #})
   */
  public static String write(JsonNode userSections, JsonNode current, ObjectNode suggested, List<String> header) {
    StringBuilder out = new StringBuilder();
    for (String h : header) out.append(h.isEmpty() ? "#" : "# " + h).append('\n');
    boolean wroteScorecard = false;
    if (userSections != null && userSections.isObject()) {
      for (Map.Entry<String, JsonNode> e : userSections.properties()) {
        if (e.getKey().equals("scorecard")) {
          section(out, "scorecard", suggested, current);
          wroteScorecard = true;
        } else {
          section(out, e.getKey(), e.getValue(), e.getValue());
        }
      }
    }
    if (!wroteScorecard) section(out, "scorecard", suggested, current);
    return out.toString();
  }

  private static void section(StringBuilder out, String name, JsonNode node, JsonNode base) {
    out.append('\n');
    entry(out, 0, name, node, base, false);
  }

  /** {@code inAdded}: inside a mapping marked as added, whose keys need no mark of their own. */
  private static void entry(StringBuilder out, int indent, String key, JsonNode node, JsonNode base, boolean inAdded) {
    String pad = " ".repeat(indent);
    if (node.isObject() && !node.isEmpty()) {
      out.append(pad).append(text(key)).append(":");
      if (base == null && !inAdded) out.append("  # added");
      out.append('\n');
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        entry(out, indent + 2, e.getKey(), e.getValue(), base == null || !base.isObject() ? null : base.get(e.getKey()),
            inAdded || base == null);
      }
      return;
    }
    String mark = inAdded ? "" : comment(node, base);
    if (node.isArray() && !node.isEmpty() && !allScalars(node)) {
      out.append(pad).append(text(key)).append(":").append(mark).append('\n');
      for (JsonNode el : node) out.append(pad).append("  - ").append(flow(el)).append('\n');
      return;
    }
    out.append(pad).append(text(key)).append(": ").append(flow(node)).append(mark).append('\n');
  }

  private static String comment(JsonNode node, JsonNode base) {
    if (base == null) return "  # added";
    if (same(node, base)) return "";
    return node.isContainerNode() ? "  # changed" : "  # was " + flow(base);
  }

  private static boolean same(JsonNode a, JsonNode b) {
    if (a.isNumber() && b.isNumber()) return a.asDouble() == b.asDouble();
    return a.equals(b);
  }

  private static boolean allScalars(JsonNode array) {
    for (JsonNode el : array) if (el.isContainerNode()) return false;
    return true;
  }

  /** A value in flow style: scalars, [a, b], {k: v}. */
  static String flow(JsonNode n) {
    if (n == null || n.isNull()) return "null";
    if (n.isNumber()) return number(n.asDouble());
    if (n.isBoolean()) return Boolean.toString(n.asBoolean());
    if (n.isTextual()) return text(n.asText());
    StringBuilder b = new StringBuilder();
    if (n.isArray()) {
      b.append('[');
      for (int i = 0; i < n.size(); i++) b.append(i > 0 ? ", " : "").append(flow(n.get(i)));
      return b.append(']').toString();
    }
    b.append('{');
    boolean first = true;
    for (Map.Entry<String, JsonNode> e : n.properties()) {
      b.append(first ? "" : ", ").append(text(e.getKey())).append(": ").append(flow(e.getValue()));
      first = false;
    }
    return b.append('}').toString();
  }

  public static String number(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }

  /** Plain when unambiguous, else a double-quoted (JSON) string, which YAML reads the same. */
  static String text(String s) {
    if (PLAIN.matcher(s).matches() && !RESERVED.contains(s.toLowerCase(Locale.ROOT))) return s;
    try {
      return JSON.writeValueAsString(s);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
