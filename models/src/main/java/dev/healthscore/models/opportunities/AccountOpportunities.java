package dev.healthscore.models.opportunities;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_compact;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import dev.healthscore.features.pit.AsOf;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Growth and cash signals for the CS team, as a pure transform: one row per account and
 * signal that holds at T, with the evidence in words and since when it has held.
 *
 * <ul>
 *   <li>{@value #EXPANSION}: green band; churn risk low (any when no model scored the account);
 *       seats in use (active users per seat at or above a threshold) or usage growing (events of
 *       the last 30 days against the account's own mean 30 days of the 90 before); no renewal
 *       within N days (an account without a known renewal passes).
 *   <li>{@value #ADVOCACY}: green band; latest NPS or CSM score at the top; no P1 ticket
 *       opened in the last 90 days; a customer for at least N days.
 *   <li>{@value #COLLECTIONS}: an overdue invoice whose oldest is at least N days past due
 *       (any band).
 * </ul>
 */
public final class AccountOpportunities {
  private AccountOpportunities() {}

  public static final String EXPANSION = "expansion";
  public static final String ADVOCACY = "advocacy";
  public static final String COLLECTIONS = "collections";
  public static final List<String> SIGNALS = List.of(EXPANSION, ADVOCACY, COLLECTIONS);

  public static final String SIGNAL = "signal";
  public static final String SINCE = "since";

  /** The account_features columns the signals read (all in the built-in catalogue). */
  public static final List<String> FEATURES = List.of("seats", "active_users_30d", "active_users_per_seat",
      "events_30d_vs_own_90d", "days_to_renewal", "nps_last", "csm_score_last", "p1_tickets_90d", "tenure_days",
      "overdue_invoices", "max_days_past_due");

  public static final List<String> OUTPUT = List.of(AsOf.DATE, "account_id", SIGNAL, "evidence", "arr", "csm_owner", "segment",
      "region", "industry", "health_band", "health_score", "churn_probability", "churn_risk_band", SINCE, "days_in_signal");

  private static final String GREEN = "green";
  private static final String LOW_RISK = "low";

  /** Expansion: green, low churn risk (or none scored), seats in use or usage growing, no renewal within N days. */
  public static Column expansion(OpportunitiesConfig.Expansion e) {
    Column lowRisk = col("churn_risk_band").isNull().or(col("churn_risk_band").equalTo(LOW_RISK));
    Column adoption = coalesce(col("active_users_per_seat").geq(e.minActiveUsersPerSeat()), lit(false))
        .or(coalesce(col("events_30d_vs_own_90d").geq(e.minUsageGrowth()), lit(false)));
    Column renewalFar = coalesce(col("days_to_renewal").gt(e.minDaysToRenewal()), lit(true));
    return coalesce(col("health_band").equalTo(GREEN), lit(false)).and(lowRisk).and(adoption).and(renewalFar);
  }

  /** Advocacy: green, NPS or CSM score at the top, no P1 ticket in 90 days, tenure of at least N days. */
  public static Column advocacy(OpportunitiesConfig.Advocacy a) {
    Column promoter = coalesce(col("nps_last").geq(a.minNps()), lit(false))
        .or(coalesce(col("csm_score_last").geq(a.minCsmScore()), lit(false)));
    return coalesce(col("health_band").equalTo(GREEN), lit(false)).and(promoter)
        .and(coalesce(col("p1_tickets_90d"), lit(0)).equalTo(0))
        .and(coalesce(col("tenure_days").geq(a.minTenureDays()), lit(false)));
  }

  /** Collections: an unpaid invoice past due, the oldest at least N days. */
  public static Column collections(OpportunitiesConfig.Collections c) {
    return coalesce(col("overdue_invoices").gt(0).and(col("max_days_past_due").geq(c.minDaysPastDue())), lit(false));
  }

  /**
   * @param health account_health rows of T: account_id, as_of_date, health_band, health_score,
   *     churn_probability, churn_risk_band, arr, csm_owner, segment, region, industry
   * @param features account_features rows of T: account_id, as_of_date and {@link #FEATURES}
   * @param previous the latest earlier account_opportunities: account_id, signal, since (empty on the first night)
   */
  public static Dataset<Row> build(Dataset<Row> health, Dataset<Row> features, Dataset<Row> previous, OpportunitiesConfig cfg) {
    String[] key = {"account_id", AsOf.DATE};
    List<String> featureCols = new java.util.ArrayList<>(List.of(key));
    featureCols.addAll(FEATURES);
    Dataset<Row> rows = health.join(features.select(featureCols.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new)),
        key, "left");
    Column held = array_compact(array(
        when(expansion(cfg.expansion()), struct(lit(EXPANSION).as(SIGNAL), expansionEvidence().as("evidence"))),
        when(advocacy(cfg.advocacy()), struct(lit(ADVOCACY).as(SIGNAL), advocacyEvidence().as("evidence"))),
        when(collections(cfg.collections()), struct(lit(COLLECTIONS).as(SIGNAL), collectionsEvidence().as("evidence")))));
    Column since = coalesce(col("__since"), col(AsOf.DATE));
    return rows.withColumn("__held", explode(held))
        .withColumn(SIGNAL, col("__held." + SIGNAL))
        .withColumn("evidence", col("__held.evidence"))
        .join(previous.select(col("account_id"), col(SIGNAL), col(SINCE).as("__since")), new String[] {"account_id", SIGNAL}, "left")
        .withColumn(SINCE, since)
        .withColumn("days_in_signal", datediff(col(AsOf.DATE), since))
        .select(OUTPUT.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new));
  }

  /** "42 of 50 seats active (84 %); usage up 25 % (30 days vs the 90 before); renewal in 200 days; churn risk low (4 %)". */
  static Column expansionEvidence() {
    Column seats = col("seats").cast("long");
    Column active = col("active_users_30d").cast("long");
    Column growth = col("events_30d_vs_own_90d");
    return concat_ws("; ",
        when(seats.gt(0).and(active.isNotNull()), format_string("%d of %d seats active (%d %%)", active, seats,
            round(active.divide(seats).multiply(100)).cast("long"))),
        when(growth.isNotNull(), format_string("usage %s %d %% (30 days vs the 90 before)",
            when(growth.geq(1), lit("up")).otherwise(lit("down")), org.apache.spark.sql.functions.abs(round(growth.minus(1).multiply(100))).cast("long"))),
        when(col("days_to_renewal").isNotNull(), format_string("renewal in %d days", col("days_to_renewal").cast("long")))
            .otherwise(lit("no renewal date")),
        when(col("churn_probability").isNotNull(), format_string("churn risk low (%d %%)",
            round(col("churn_probability").multiply(100)).cast("long"))));
  }

  /** "NPS 10; CSM score 5; no P1 ticket in 90 days; customer for 400 days". */
  static Column advocacyEvidence() {
    return concat_ws("; ",
        when(col("nps_last").isNotNull(), format_string("NPS %d", round(col("nps_last")).cast("long"))),
        when(col("csm_score_last").isNotNull(), format_string("CSM score %d", round(col("csm_score_last")).cast("long"))),
        lit("no P1 ticket in 90 days"),
        format_string("customer for %d days", col("tenure_days").cast("long")));
  }

  /** "2 overdue invoices, the oldest 45 days past due". */
  static Column collectionsEvidence() {
    Column n = col("overdue_invoices").cast("long");
    return format_string("%d overdue invoice%s, the oldest %d days past due", n, when(n.equalTo(1), lit("")).otherwise(lit("s")),
        col("max_days_past_due").cast("long"));
  }
}
