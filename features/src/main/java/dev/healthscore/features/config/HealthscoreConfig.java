package dev.healthscore.features.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The run configuration: the built-in defaults ({@code healthscore-defaults.yaml}) with the
 * user's file laid over them key by key: mappings merge, lists and scalars replace, so a
 * one-key override changes one key. The {@code scorecard} section is the exception: given,
 * it replaces the default scorecard whole, because its parts refer to each other (segment
 * weights name groups, band keys depend on the band mode) and a custom scorecard must never
 * inherit stray default measures.
 */
public final class HealthscoreConfig {
  public static final String DEFAULTS_RESOURCE = "/healthscore-defaults.yaml";
  static final Set<String> SECTIONS = Set.of("features", "scorecard", "model", "evaluation", "alerts", "quality", "run",
      "tuning", "forecast", "worklist", "monitoring", "overrides", "opportunities");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION); // a repeated key is a mistake, not an override

  private final ObjectNode root;
  private final String source;

  private HealthscoreConfig(ObjectNode root, String source) {
    this.root = root;
    this.source = source;
  }

  public static HealthscoreConfig defaults() {
    try (InputStream in = HealthscoreConfig.class.getResourceAsStream(DEFAULTS_RESOURCE)) {
      return new HealthscoreConfig((ObjectNode) YAML.readTree(in), "built-in defaults");
    } catch (IOException e) {
      throw new IllegalStateException("cannot read built-in " + DEFAULTS_RESOURCE, e);
    }
  }

  /** Loads {@code file} over the defaults; {@code null} means defaults only. */
  public static HealthscoreConfig load(Path file) {
    if (file == null) return defaults();
    try {
      return fromYaml(Files.readString(file), file.toString());
    } catch (IOException e) {
      throw new ConfigException("config " + file + ": cannot read (" + e.getMessage() + ")");
    }
  }

  public static HealthscoreConfig fromYaml(String yaml, String source) {
    return defaults().merged(yaml, source);
  }

  /** This configuration with {@code yaml} laid over it key by key (see the class comment). */
  public HealthscoreConfig merged(String yaml, String source) {
    JsonNode user;
    try {
      user = YAML.readTree(yaml);
    } catch (IOException e) {
      throw new ConfigException("config " + source + ": not valid YAML (" + firstLine(e.getMessage()) + ")");
    }
    ObjectNode merged = root.deepCopy();
    if (user != null && !user.isNull() && !user.isMissingNode()) {
      if (!user.isObject()) throw new ConfigException("config " + source + ": top level must be a mapping of sections " + SECTIONS);
      for (Iterator<String> it = user.fieldNames(); it.hasNext(); ) {
        String name = it.next();
        if (!SECTIONS.contains(name)) {
          throw new ConfigException("config " + source + ": unknown section '" + name + "' (known: " + String.join(", ", new java.util.TreeSet<>(SECTIONS)) + ")");
        }
        merged.set(name, merge(merged.get(name), user.get(name), name));
        dropDependents(merged.get(name), user.get(name), name);
      }
    }
    return new HealthscoreConfig(merged, source);
  }

  /** Paths (section.key) whose value the user's file replaces whole even when both are mappings. */
  static final Set<String> REPLACED_WHOLE = Set.of("scorecard");

  /**
   * Keys built on another key: given the first, the defaults of the others are not inherited.
   * A model.features list of your own says what the model reads: it starts without the
   * default derived inputs (SQL over the default features) and categorical columns (give
   * them too to keep some).
   */
  static final java.util.Map<String, List<String>> BUILT_ON = java.util.Map.of(
      "model.features", List.of("model.derived", "model.categorical"));

  private static void dropDependents(JsonNode merged, JsonNode user, String section) {
    if (merged == null || !merged.isObject() || user == null || !user.isObject()) return;
    BUILT_ON.forEach((key, dependents) -> {
      if (!key.startsWith(section + ".") || !user.has(key.substring(section.length() + 1))) return;
      for (String dependent : dependents) {
        String d = dependent.substring(section.length() + 1);
        JsonNode inherited = merged.get(d);
        if (!user.has(d) && inherited != null) {
          ((ObjectNode) merged).set(d, inherited.isArray() ? YAML.createArrayNode() : YAML.createObjectNode()); // empty, still set
        }
      }
    });
  }

  private static JsonNode merge(JsonNode base, JsonNode over, String path) {
    if (base == null || !base.isObject() || over == null || !over.isObject() || REPLACED_WHOLE.contains(path)) return over;
    ObjectNode out = ((ObjectNode) base).deepCopy();
    for (Iterator<String> it = over.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      out.set(key, merge(out.get(key), over.get(key), path + "." + key));
    }
    return out;
  }

  /** The effective configuration as YAML (defaults merged with the user's file). */
  public String toYaml() {
    try {
      return YAML.writeValueAsString(root);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A section; an empty mapping if absent. */
  public JsonNode section(String name) {
    JsonNode n = root.get(name);
    return n == null || n.isNull() ? YAML.createObjectNode() : n;
  }

  public String source() {
    return source;
  }

  public <T> T sectionAs(String name, Class<T> type) {
    try {
      return YAML.treeToValue(section(name), type);
    } catch (IOException e) {
      throw new ConfigException("config " + source + ": section '" + name + "': " + firstLine(e.getMessage()));
    }
  }

  public static ObjectMapper yamlMapper() {
    return YAML;
  }

  private static String firstLine(String s) {
    if (s == null) return "";
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
