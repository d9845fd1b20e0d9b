package dev.healthscore.features;

import dev.healthscore.features.pit.ActiveAccounts;
import static dev.healthscore.features.Agg.COUNT;
import static dev.healthscore.features.Agg.COUNT_DISTINCT;
import static dev.healthscore.features.Agg.DAYS_SINCE_LAST;
import static dev.healthscore.features.Agg.LAST;
import static dev.healthscore.features.Agg.MAX;
import static dev.healthscore.features.Agg.MEAN;
import static dev.healthscore.features.Agg.MEDIAN;
import static dev.healthscore.features.Agg.MIN;
import static dev.healthscore.features.Agg.SUM;
import static dev.healthscore.features.Feature.of;
import static dev.healthscore.features.pit.AsOf.ALL_HISTORY;
import static dev.healthscore.features.pit.AsOf.knownAt;
import static dev.healthscore.features.pit.AsOf.knownAtDate;
import static dev.healthscore.features.pit.AsOf.t;
import static dev.healthscore.features.warehouse.Contract.CONTRACTS;
import static dev.healthscore.features.warehouse.Contract.CSM_ASSESSMENTS;
import static dev.healthscore.features.warehouse.Contract.ENGAGEMENTS;
import static dev.healthscore.features.warehouse.Contract.INVOICES;
import static dev.healthscore.features.warehouse.Contract.NPS_RESPONSES;
import static dev.healthscore.features.warehouse.Contract.SUPPORT_TICKETS;
import static dev.healthscore.features.warehouse.Contract.USAGE_EVENTS;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.databind.JsonNode;
import dev.healthscore.features.config.ConfigException;
import dev.healthscore.features.config.HealthscoreConfig;
import dev.healthscore.features.warehouse.Contract;
import dev.healthscore.features.warehouse.TableSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;

/**
 * Every account feature, one short definition each. Windows are (T - N days, T]: a row on
 * T counts, a row exactly N days before T does not.
 */
public final class FeatureCatalog {
  private FeatureCatalog() {}

  // Point-in-time state of a ticket / invoice at T.
  private static final Column TICKET_RESOLVED_AT_T = knownAt(col("resolved_at"));
  private static final Column TICKET_OPEN_AT_T = TICKET_RESOLVED_AT_T.unary_$bang();
  private static final Column INVOICE_PAID_AT_T = knownAtDate(col("paid_date"));
  private static final Column INVOICE_OVERDUE_AT_T = INVOICE_PAID_AT_T.unary_$bang().and(col("due_date").lt(t()));
  /** Week of an event among the last 12 (0 = 78-84 days before T, 11 = the last 7 days); see events_trend_12w. */
  private static final Column WEEK_INDEX = lit(11.0).minus(functions.floor(col(dev.healthscore.features.pit.AsOf.AGE_DAYS).divide(7)));
  private static final Column CONTRACT_ACTIVE_AT_T = col("start_date").leq(t()).and(col("end_date").gt(t()));

  public static final List<Feature> DEFAULT = List.of(
      // usage
      of("active_users_7d", "usage", USAGE_EVENTS, COUNT_DISTINCT, col("user_id"), 7, "distinct users with any event in the last 7 days"),
      of("active_users_30d", "usage", USAGE_EVENTS, COUNT_DISTINCT, col("user_id"), 30, "distinct users with any event in the last 30 days"),
      of("events_30d", "usage", USAGE_EVENTS, COUNT, null, 30, "product events in the last 30 days"),
      of("events_prior_30d", "usage", USAGE_EVENTS, COUNT, null, 60, "product events 31 to 60 days before T").offset(30),
      of("session_minutes_30d", "usage", USAGE_EVENTS, SUM, col("duration_sec").divide(60.0), 30, "minutes of use in the last 30 days"),
      of("distinct_features_30d", "usage", USAGE_EVENTS, COUNT_DISTINCT, col("feature"), 30, "distinct product features used in the last 30 days"),
      of("days_since_last_use", "usage", USAGE_EVENTS, DAYS_SINCE_LAST, null, 90, "days since the latest product event (90 = 90 or more)").ifNone(90.0),
      // usage against the account's own past: the baseline of the 90 days before the last 30, and 12 weekly counts' trend
      of("events_31_120d", "usage", USAGE_EVENTS, COUNT, null, 120, "product events 31 to 120 days before T (the account's own baseline)").offset(30),
      of("session_minutes_31_120d", "usage", USAGE_EVENTS, SUM, col("duration_sec").divide(60.0), 120, "minutes of use 31 to 120 days before T").offset(30),
      of("events_84d", "usage", USAGE_EVENTS, COUNT, null, 84, "product events in the last 12 weeks"),
      of("events_week_index_84d", "usage", USAGE_EVENTS, SUM, WEEK_INDEX, 84, "sum over the last 12 weeks' events of their week's index (0 = oldest, 11 = latest): with events_84d, the weekly trend"),
      // support
      of("open_tickets", "support", SUPPORT_TICKETS, COUNT, null, 365, "tickets open at T (opened in the last 365 days, not resolved by T)").where(TICKET_OPEN_AT_T),
      of("tickets_90d", "support", SUPPORT_TICKETS, COUNT, null, 90, "tickets opened in the last 90 days"),
      of("p1_tickets_90d", "support", SUPPORT_TICKETS, COUNT, null, 90, "priority-1 tickets opened in the last 90 days").where(functions.lower(col("priority")).equalTo("p1")),
      of("sla_breaches_90d", "support", SUPPORT_TICKETS, COUNT, null, 90, "tickets of the last 90 days resolved by T with a breached SLA").where(TICKET_RESOLVED_AT_T.and(col("sla_breached").eqNullSafe(lit(true)))),
      of("median_resolution_hours_90d", "support", SUPPORT_TICKETS, MEDIAN, hoursBetween(col("created_at"), col("resolved_at")), 90, "median hours to resolve tickets of the last 90 days resolved by T").where(TICKET_RESOLVED_AT_T),
      of("mean_csat_180d", "support", SUPPORT_TICKETS, MEAN, col("csat"), 180, "mean CSAT (1-5) of tickets of the last 180 days resolved by T").where(TICKET_RESOLVED_AT_T),
      // finance
      of("arr", "finance", CONTRACTS, SUM, col("arr"), ALL_HISTORY, "annual recurring revenue of contracts running at T").where(CONTRACT_ACTIVE_AT_T),
      of("seats", "finance", CONTRACTS, SUM, col("seats"), ALL_HISTORY, "licensed seats of contracts running at T").where(CONTRACT_ACTIVE_AT_T).ifNone(null),
      of("days_to_renewal", "finance", CONTRACTS, MIN, datediff(col("end_date"), t()), ALL_HISTORY, "days from T to the next renewal date").where(CONTRACT_ACTIVE_AT_T),
      of("overdue_invoices", "finance", INVOICES, COUNT, null, 730, "invoices past due and unpaid at T").where(INVOICE_OVERDUE_AT_T),
      of("max_days_past_due", "finance", INVOICES, MAX, datediff(t(), col("due_date")), 730, "days past due of the oldest unpaid invoice at T (0 = none)").where(INVOICE_OVERDUE_AT_T).ifNone(0.0),
      of("late_payment_share_365d", "finance", INVOICES, MEAN, when(INVOICE_PAID_AT_T.and(col("paid_date").leq(col("due_date"))), 0.0).otherwise(1.0), 365, "share of invoices of the last 365 days, due by T, paid late or still unpaid").where(col("due_date").lt(t())),
      // engagement
      of("meetings_calls_90d", "engagement", ENGAGEMENTS, COUNT, null, 90, "meetings and calls in the last 90 days").where(lower("type").isin("meeting", "call")),
      of("days_since_last_touch", "engagement", ENGAGEMENTS, DAYS_SINCE_LAST, null, 365, "days since the latest engagement of any kind (365 = 365 or more)").ifNone(365.0),
      of("days_since_last_qbr", "engagement", ENGAGEMENTS, DAYS_SINCE_LAST, null, 365, "days since the latest QBR (365 = 365 or more)").where(lower("type").equalTo("qbr")).ifNone(365.0),
      of("executive_contacts_180d", "engagement", ENGAGEMENTS, COUNT, null, 180, "engagements with an executive contact in the last 180 days").where(lower("contact_role").equalTo("executive")),
      of("champion_departures_180d", "engagement", ENGAGEMENTS, COUNT, null, 180, "champion departures in the last 180 days").where(lower("type").equalTo("champion_left")),
      of("advocacy_365d", "engagement", ENGAGEMENTS, COUNT, null, 365, "references and case studies in the last 365 days").where(lower("type").isin("reference", "case_study")),
      // relationship: NPS and CSM gut check
      of("nps_last", "relationship", NPS_RESPONSES, LAST, col("score"), 365, "latest NPS answer (0-10) in the last 365 days"),
      of("nps_mean_180d", "relationship", NPS_RESPONSES, MEAN, col("score"), 180, "mean NPS answer in the last 180 days"),
      of("csm_score_last", "relationship", CSM_ASSESSMENTS, LAST, col("score"), 365, "latest CSM gut check (1-5) in the last 365 days"));

  public static final List<DerivedFeature> DERIVED = List.of(
      new DerivedFeature("active_users_per_seat", "usage",
          col("active_users_30d").divide(when(col("seats").gt(0), col("seats"))), "active users (30 days) per licensed seat"),
      new DerivedFeature("usage_trend_30d", "usage",
          col("events_30d").divide(when(col("events_prior_30d").gt(0), col("events_prior_30d"))).minus(1.0),
          "events of the last 30 days vs the 30 before, as a change (-1 = stopped, 0 = flat)"),
      new DerivedFeature("events_30d_vs_own_90d", "usage",
          when(col(ActiveAccounts.TENURE_DAYS).geq(120), col("events_30d").divide(when(col("events_31_120d").gt(0), col("events_31_120d").divide(3.0)))),
          "events of the last 30 days over the account's own mean 30 days in the 90 before (1 = as usual; null: younger than 120 days or no events then)"),
      new DerivedFeature("session_minutes_30d_vs_own_90d", "usage",
          when(col(ActiveAccounts.TENURE_DAYS).geq(120), col("session_minutes_30d")
              .divide(when(col("session_minutes_31_120d").gt(0), col("session_minutes_31_120d").divide(3.0)))),
          "minutes of use of the last 30 days over the account's own mean 30 days in the 90 before (null: younger than 120 days or no use then)"),
      new DerivedFeature("events_trend_12w", "usage",
          when(col(ActiveAccounts.TENURE_DAYS).geq(84).and(col("events_84d").gt(0)),
              col("events_week_index_84d").multiply(12.0).minus(col("events_84d").multiply(66.0)).multiply(12.0)
                  .divide(col("events_84d").multiply(1716.0))),
          "least-squares slope of the last 12 weekly event counts, as a share of the mean week (+0.05 = growing 5 % of a usual week per week; null: younger than 84 days or no events)"));

  /** Attributes of the account itself, from the accounts table. */
  public static final List<String> ACCOUNT_COLUMNS =
      List.of("segment", "region", "industry", "csm_owner", "parent_account_id", ActiveAccounts.TENURE_DAYS);

  private static Column lower(String c) {
    return functions.lower(col(c));
  }

  private static Column hoursBetween(Column from, Column to) {
    return to.cast("double").minus(from.cast("double")).divide(3600.0);
  }

  /** The defaults plus the {@code features.event_types} counts and any {@code features.custom} declared in the config. */
  public static List<Feature> features(HealthscoreConfig config) {
    JsonNode section = config.section("features");
    for (java.util.Iterator<String> it = section.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!Set.of("custom", EventTypes.LIST_KEY, EventTypes.TOP_KEY).contains(key)) {
        throw new ConfigException("config " + config.source() + ": features." + key + ": unknown key (known: custom, event_types, event_types_top)");
      }
    }
    EventTypes.top(config); // checked up front; train chooses the types
    List<Feature> all = new ArrayList<>(DEFAULT);
    all.addAll(EventTypes.features(config));
    JsonNode custom = config.section("features").path("custom");
    Set<String> names = new HashSet<>(names(all));
    for (JsonNode f : custom) {
      Feature parsed = parseCustom(f, config.source());
      if (!names.add(parsed.name())) throw new ConfigException("config " + config.source() + ": feature '" + parsed.name() + "' is declared twice");
      all.add(parsed);
    }
    return all;
  }

  /** The features computed from others: the built-in ones, then the event types' ratios. */
  public static List<DerivedFeature> derived(List<Feature> features) {
    List<DerivedFeature> out = new ArrayList<>(DERIVED);
    out.addAll(EventTypes.derived(features));
    return out;
  }

  /** Every feature column name of account_features, in order. */
  public static List<String> allNames(List<Feature> features) {
    List<String> out = new ArrayList<>(names(features));
    derived(features).forEach(d -> out.add(d.name()));
    out.add(ActiveAccounts.TENURE_DAYS);
    return out;
  }

  private static List<String> names(List<Feature> fs) {
    return fs.stream().map(Feature::name).toList();
  }

  private static Feature parseCustom(JsonNode n, String source) {
    String where = "config " + source + ": features.custom";
    String name = text(n, "name", where);
    where += " '" + name + "'";
    if (!name.matches("[a-z][a-z0-9_]*")) throw new ConfigException(where + ": name must be lower_snake_case");
    TableSpec table;
    try {
      table = Contract.table(text(n, "source", where));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(where + ": unknown source table '" + n.path("source").asText() + "'");
    }
    Agg agg;
    try {
      agg = Agg.valueOf(text(n, "agg", where).toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(where + ": unknown agg '" + n.path("agg").asText() + "' (known: count, count_distinct, sum, mean, median, max, min, last, days_since_last)");
    }
    Set<String> known = Set.of("name", "source", "agg", "column", "where", "window_days", "family", "description", "if_none");
    for (java.util.Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!known.contains(key)) {
        throw new ConfigException(where + ": unknown key '" + key + "' (known: " + String.join(", ", new java.util.TreeSet<>(known)) + ")");
      }
    }
    Column input = n.hasNonNull("column") ? expression(n, "column", table, where) : null;
    if (input == null && agg != COUNT && agg != DAYS_SINCE_LAST) throw new ConfigException(where + ": agg " + agg.name().toLowerCase(Locale.ROOT) + " needs 'column'");
    int window = n.path("window_days").asInt(0);
    if (window <= 0) throw new ConfigException(where + ": window_days must be a positive number of days");
    Feature f = Feature.of(name, n.path("family").asText("custom"), table, agg, input, window, n.path("description").asText(name));
    if (n.hasNonNull("where")) f = f.where(expression(n, "where", table, where));
    if (n.has("if_none")) f = f.ifNone(n.get("if_none").isNull() ? null : n.get("if_none").asDouble());
    if (agg == DAYS_SINCE_LAST && !n.has("if_none")) f = f.ifNone((double) window);
    return f;
  }

  /**
   * A SQL expression of a custom feature, parsed now (before Spark starts) and checked to name
   * only columns of its source table, so a typo fails in a second with the key that has it.
   */
  private static Column expression(JsonNode n, String key, TableSpec table, String where) {
    String sql = n.get(key).asText();
    org.apache.spark.sql.catalyst.expressions.Expression parsed;
    try {
      parsed = org.apache.spark.sql.catalyst.parser.CatalystSqlParser$.MODULE$.parseExpression(sql);
    } catch (Exception e) { // Spark's ParseException is checked in Java terms
      String msg = String.valueOf(e.getMessage());
      throw new ConfigException(where + "." + key + ": not a SQL expression: " + sql + " (" + msg.lines().findFirst().orElse("").trim() + ")");
    }
    Set<String> columns = new java.util.HashSet<>();
    table.columns().forEach(c -> columns.add(c.name().toLowerCase(Locale.ROOT)));
    for (String name : attributes(parsed)) {
      if (!columns.contains(name.toLowerCase(Locale.ROOT))) {
        throw new ConfigException(where + "." + key + ": column '" + name + "' is not a column of " + table.name()
            + " (its columns: " + String.join(", ", table.columns().stream().map(c -> c.name()).toList()) + ")");
      }
    }
    return functions.expr(sql);
  }

  /** Column names an unresolved expression refers to (the first part of each name). */
  private static List<String> attributes(org.apache.spark.sql.catalyst.expressions.Expression e) {
    List<String> out = new ArrayList<>();
    if (e instanceof org.apache.spark.sql.catalyst.analysis.UnresolvedAttribute a) {
      out.add(scala.jdk.javaapi.CollectionConverters.asJava(a.nameParts()).get(0));
    }
    for (org.apache.spark.sql.catalyst.expressions.Expression child : scala.jdk.javaapi.CollectionConverters.asJava(e.children())) {
      out.addAll(attributes(child));
    }
    return out;
  }

  private static String text(JsonNode n, String field, String where) {
    if (!n.hasNonNull(field)) throw new ConfigException(where + ": missing '" + field + "'");
    return n.get(field).asText();
  }
}
