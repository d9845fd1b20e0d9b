package dev.healthscore.features.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Typed, validated reads of one small config section (model, evaluation, alerts, quality).
 * Every mistake is one line naming the file and the key: {@code config my.yaml: model.max_iter:
 * must be a whole number >= 1 (got 0)}. Unknown keys are mistakes too (a typo must not be
 * silently ignored).
 */
public final class SectionReader {
  private final JsonNode node;
  private final String path;
  private final String source;

  public SectionReader(HealthscoreConfig config, String section) {
    this(config.section(section), section, config.source());
  }

  private SectionReader(JsonNode node, String path, String source) {
    this.node = node;
    this.path = path;
    this.source = source;
  }

  /** Fails on any key not in {@code known}. */
  public SectionReader onlyKeys(Set<String> known) {
    if (!node.isObject()) throw error(path, "must be a mapping");
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!known.contains(k)) throw error(path + "." + k, "unknown key (known: " + String.join(", ", known.stream().sorted().toList()) + ")");
    }
    return this;
  }

  public boolean has(String key) {
    return node.hasNonNull(key);
  }

  public SectionReader child(String key) {
    JsonNode n = node.path(key);
    return new SectionReader(n.isMissingNode() || n.isNull() ? HealthscoreConfig.yamlMapper().createObjectNode() : n,
        path + "." + key, source);
  }

  /** The key's value; every key a reader asks for is set in the built-in defaults, so Java never restates a default. */
  private JsonNode required(String key, String expected) {
    JsonNode n = node.get(key);
    if (n == null || n.isNull()) throw error(path + "." + key, "must be set (" + expected + ")");
    return n;
  }

  public int integer(String key, int min, int max) {
    JsonNode n = required(key, "a whole number in " + min + ".." + max);
    if (!n.isIntegralNumber() || n.asLong() < min || n.asLong() > max) {
      throw error(path + "." + key, "must be a whole number in " + min + ".." + max + " (got " + show(n) + ")");
    }
    return n.asInt();
  }

  public double number(String key, double min, double max) {
    String expected = "a number in [" + fmt(min) + ", " + fmt(max) + "]";
    JsonNode n = required(key, expected);
    if (!n.isNumber() || n.asDouble() < min || n.asDouble() > max) throw error(path + "." + key, "must be " + expected + " (got " + show(n) + ")");
    return n.asDouble();
  }

  /** A number the defaults leave {@code null} on purpose (the reader then derives it); null when unset. */
  public Double optionalNumber(String key, double min, double max) {
    return has(key) ? number(key, min, max) : null;
  }

  public String text(String key, Set<String> allowed) {
    JsonNode n = required(key, "one of " + allowed);
    if (!n.isTextual() || !allowed.contains(n.asText())) throw error(path + "." + key, "must be one of " + allowed + " (got " + show(n) + ")");
    return n.asText();
  }

  public boolean bool(String key) {
    JsonNode n = required(key, "true or false");
    if (!n.isBoolean()) throw error(path + "." + key, "must be true or false (got " + show(n) + ")");
    return n.asBoolean();
  }

  /** A non-empty list of numbers in [min, max]. */
  public List<Double> numbers(String key, double min, double max) {
    String expected = "a non-empty list of numbers in [" + fmt(min) + ", " + fmt(max) + "]";
    JsonNode n = required(key, expected);
    List<Double> out = new ArrayList<>();
    if (n.isArray()) for (JsonNode v : n) if (v.isNumber() && v.asDouble() >= min && v.asDouble() <= max) out.add(v.asDouble());
    if (!n.isArray() || n.isEmpty() || out.size() != n.size()) throw error(path + "." + key, "must be " + expected + " (got " + show(n) + ")");
    return out;
  }

  /** A list of lower_snake_case names (may be empty: {@code []}). */
  public List<String> names(String key) {
    JsonNode n = required(key, "a list of lower_snake_case names");
    List<String> out = new ArrayList<>();
    if (n.isArray()) for (JsonNode v : n) if (v.isTextual() && v.asText().matches("[a-z][a-z0-9_]*")) out.add(v.asText());
    if (!n.isArray() || out.size() != n.size()) throw error(path + "." + key, "must be a list of lower_snake_case names (got " + show(n) + ")");
    return out;
  }

  /** A mapping of lower_snake_case names to text (e.g. SQL expressions; may be empty: <code>{}</code>). */
  public Map<String, String> textMap(String key) {
    JsonNode n = required(key, "a mapping of name: text");
    if (!n.isObject()) throw error(path + "." + key, "must be a mapping of name: text (got " + show(n) + ")");
    Map<String, String> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getKey().matches("[a-z][a-z0-9_]*")) throw error(path + "." + key + "." + e.getKey(), "name must be lower_snake_case");
      if (!e.getValue().isTextual() || e.getValue().asText().isBlank()) throw error(path + "." + key + "." + e.getKey(), "must be text");
      out.put(e.getKey(), e.getValue().asText());
    }
    return out;
  }

  public ConfigException error(String key, String message) {
    return new ConfigException("config " + source + ": " + key + ": " + message);
  }

  /** Error at a key of this section. */
  public ConfigException errorAt(String key, String message) {
    return error(path + "." + key, message);
  }

  private static String show(JsonNode n) {
    return n.isTextual() ? "'" + n.asText() + "'" : n.toString();
  }

  private static String fmt(double d) {
    if (d == Double.MAX_VALUE) return "inf";
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }
}
