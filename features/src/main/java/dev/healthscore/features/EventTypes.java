package dev.healthscore.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.databind.JsonNode;
import dev.healthscore.features.config.ConfigException;
import dev.healthscore.features.config.HealthscoreConfig;
import dev.healthscore.features.config.SectionReader;
import dev.healthscore.features.warehouse.ValidatedWarehouse;
import dev.healthscore.features.warehouse.Contract;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Per-event-type usage metrics, declared by naming event types in {@code features.event_types}
 * (values of {@code usage_events.feature}). Each type E gives two counts, computed in the usage
 * table's one pass with every other usage feature, and three ratios over them:
 *
 * <ul>
 *   <li>{@code ev_<e>_per_user_30d}: events of E in the last 30 days per active user (null: no active user);
 *   <li>{@code ev_<e>_share_30d}: E's share of all events in the last 30 days (null: no events);
 *   <li>{@code ev_<e>_change_30d}: E's events of the last 30 days against the 30 before, as a change
 *       (-1 = stopped; null: none before).
 * </ul>
 *
 * {@code <e>} is E in lower case with every run of other characters than a-z and 0-9 made one {@code _}.
 */
public final class EventTypes {
  private EventTypes() {}

  public static final String FAMILY = "event_types";
  private static final String PREFIX = "ev_";
  /** The config key naming the list of types. */
  public static final String LIST_KEY = "event_types";
  /** The config key asking for the K most frequent types instead (0 = off: the list decides). */
  public static final String TOP_KEY = "event_types_top";

  /** The base counts of every configured event type (two per type). */
  static List<Feature> features(HealthscoreConfig config) {
    List<Feature> out = new ArrayList<>();
    for (String type : types(config)) {
      String e = PREFIX + sanitize(type);
      Column isType = col("feature").equalTo(lit(type));
      out.add(Feature.of(e + "_30d", FAMILY, Contract.USAGE_EVENTS, Agg.COUNT, null, 30,
          "'" + type + "' events in the last 30 days").where(isType));
      out.add(Feature.of(e + "_prior_30d", FAMILY, Contract.USAGE_EVENTS, Agg.COUNT, null, 60,
          "'" + type + "' events 31 to 60 days before T").where(isType).offset(30));
    }
    return out;
  }

  /** The ratios of the event-type counts among {@code features}. */
  static List<DerivedFeature> derived(List<Feature> features) {
    List<DerivedFeature> out = new ArrayList<>();
    for (Feature f : features) {
      if (!f.family().equals(FAMILY) || !f.name().endsWith("_prior_30d")) continue;
      String e = f.name().substring(0, f.name().length() - "_prior_30d".length());
      String type = f.description().substring(1, f.description().indexOf('\'', 1));
      Column now = col(e + "_30d");
      out.add(new DerivedFeature(e + "_per_user_30d", FAMILY, now.divide(when(col("active_users_30d").gt(0), col("active_users_30d"))),
          "'" + type + "' events per active user, last 30 days"));
      out.add(new DerivedFeature(e + "_share_30d", FAMILY, now.divide(when(col("events_30d").gt(0), col("events_30d"))),
          "share of '" + type + "' in all events, last 30 days"));
      out.add(new DerivedFeature(e + "_change_30d", FAMILY,
          now.divide(when(col(f.name()).gt(0), col(f.name()))).minus(1.0),
          "'" + type + "' events, last 30 days against the 30 before, as a change (-1 = stopped)"));
    }
    return out;
  }

  /** The model inputs the event types give: the three ratios of each. */
  public static List<String> modelInputs(HealthscoreConfig config) {
    List<String> out = new ArrayList<>();
    for (String type : types(config)) {
      String e = PREFIX + sanitize(type);
      out.addAll(List.of(e + "_per_user_30d", e + "_share_30d", e + "_change_30d"));
    }
    return out;
  }

  static String sanitize(String type) {
    String s = type.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("^_|_$", "");
    return s.isEmpty() ? "blank" : s;
  }

  /**
   * K of {@code features.event_types_top}: {@code train} chooses the K most frequent types
   * ({@link #topByVolume}) and stores them with the model; 0 = the explicit list decides.
   */
  public static int top(HealthscoreConfig config) {
    int k = new SectionReader(config, "features").integer(TOP_KEY, 0, 1000);
    if (k > 0 && !types(config).isEmpty()) {
      throw new ConfigException("config " + config.source() + ": features." + TOP_KEY
          + ": give either a list in features.event_types or a number here, not both");
    }
    return k;
  }

  /**
   * The K values of {@code usage_events.feature} with the most accepted events on the days
   * {@code firstDay} to T (nothing after T), most first; equal volumes in name order, so the
   * choice is the same on every run.
   */
  public static List<String> topByVolume(ValidatedWarehouse warehouse, LocalDate firstDay, LocalDate asOf, int k) {
    Dataset<Row> usage = warehouse.accepted(Contract.USAGE_EVENTS);
    Column after = lit(Date.valueOf(firstDay)).cast("timestamp");
    Column untilEndOfT = lit(Date.valueOf(asOf.plusDays(1))).cast("timestamp");
    return usage.filter(col("event_time").geq(after).and(col("event_time").lt(untilEndOfT)))
        .groupBy("feature").agg(count(lit(1)).as("events"))
        .orderBy(col("events").desc(), col("feature").asc()).limit(k)
        .collectAsList().stream().map(r -> r.getString(0)).toList();
  }

  /** {@code config} measuring exactly {@code types} (a model's stored choice), with no top-K request. */
  public static HealthscoreConfig withTypes(HealthscoreConfig config, List<String> types) {
    var features = HealthscoreConfig.yamlMapper().createObjectNode();
    features.putArray(LIST_KEY).addAll(types.stream().map(com.fasterxml.jackson.databind.node.TextNode::valueOf).toList());
    features.put(TOP_KEY, 0);
    var root = HealthscoreConfig.yamlMapper().createObjectNode();
    root.set("features", features);
    try {
      return config.merged(HealthscoreConfig.yamlMapper().writeValueAsString(root), config.source());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The types the config names explicitly ({@code features.event_types}), checked. */
  public static List<String> declared(HealthscoreConfig config) {
    return types(config);
  }

  private static List<String> types(HealthscoreConfig config) {
    JsonNode n = config.section("features").path(LIST_KEY);
    String where = "config " + config.source() + ": features.event_types";
    if (n.isMissingNode() || n.isNull()) return List.of();
    if (!n.isArray()) throw new ConfigException(where + ": must be a list of usage_events.feature values (got " + n + ")");
    Set<String> types = new LinkedHashSet<>();
    Set<String> names = new LinkedHashSet<>();
    for (JsonNode v : n) {
      if (!v.isTextual() || v.asText().isBlank()) throw new ConfigException(where + ": must be a list of usage_events.feature values (got " + v + ")");
      if (!types.add(v.asText())) throw new ConfigException(where + ": lists '" + v.asText() + "' twice");
      if (!names.add(sanitize(v.asText()))) {
        throw new ConfigException(where + ": '" + v.asText() + "' gives the same column names as another type (" + PREFIX + sanitize(v.asText()) + "_*)");
      }
    }
    return List.copyOf(types);
  }
}
