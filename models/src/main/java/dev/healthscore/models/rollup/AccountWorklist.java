package dev.healthscore.models.rollup;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_compact;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.slice;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.when;

import dev.healthscore.features.pit.AsOf;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * The CS team's worklist, as a pure transform: every account that {@link Attention needs
 * attention} on a date, ranked by ARR at stake (churn probability × ARR, highest first; then
 * lower health score first; then account id), with the reasons and drivers in words, days to
 * renewal, since when the account has been on the list, and whether it is above the capacity
 * line (rank ≤ floor(capacity_share × the date's active accounts)).
 */
public final class AccountWorklist {
  private AccountWorklist() {}

  public static final List<String> OUTPUT = List.of(AsOf.DATE, "rank", "account_id", "csm_owner", "segment", "region",
      "industry", "arr", "churn_probability", "arr_at_stake", "health_score", "health_band", "churn_risk_band",
      "attention_reasons", "churn_reasons_text", "drivers_text", "days_to_renewal", "on_list_since", "days_on_list",
      "above_capacity_line", "capacity_line");

  /**
   * @param health account_health rows (any dates): account_id, as_of_date, dimensions, arr,
   *     health_score, health_band, churn_probability, churn_risk_band, churn_reasons, drivers
   * @param alerts health_alerts rows of the same dates: account_id, as_of_date, alert_reason
   * @param features account_features rows: account_id, as_of_date, days_to_renewal, and any columns
   *     {@link OwnPast} compares a usage reason with (a reason then says how it moved against the account's own past)
   * @param previous the latest earlier worklist: account_id, on_list_since (empty on the first run)
   * @param highChurnProbability the high-risk threshold of {@link Attention}
   * @param capacityShare the share of active accounts the CS team can work
   * @param featureWords what each feature means, in words (its catalogue description): the reasons and
   *     drivers name a feature by it; a feature without words is named as it is
   */
  public static Dataset<Row> build(Dataset<Row> health, Dataset<Row> alerts, Dataset<Row> features, Dataset<Row> previous,
                                   double highChurnProbability, double capacityShare, java.util.Map<String, String> featureWords) {
    List<Column> entries = new java.util.ArrayList<>();
    featureWords.forEach((k, v) -> {
      entries.add(lit(k));
      entries.add(lit(v));
    });
    Column wordMap = entries.isEmpty() ? null : org.apache.spark.sql.functions.map(entries.toArray(Column[]::new));
    java.util.function.Function<Column, Column> named = f -> wordMap == null ? f
        : coalesce(org.apache.spark.sql.functions.try_element_at(wordMap, f), f);
    String[] key = {"account_id", AsOf.DATE};
    // each account's change against its own past, per reason feature that has one
    List<Column> pastEntries = new java.util.ArrayList<>();
    OwnPast.changes(List.of(features.columns())).forEach((feature, change) -> {
      pastEntries.add(lit(feature));
      pastEntries.add(change.cast("double"));
    });
    Column ownPast = pastEntries.isEmpty() ? lit(null).cast("map<string,double>")
        : org.apache.spark.sql.functions.map(pastEntries.toArray(Column[]::new));
    Dataset<Row> alerted = alerts.groupBy("account_id", AsOf.DATE)
        .agg(sort_array(collect_set(col("alert_reason"))).as("__alert_reasons"));
    Dataset<Row> capacity = health.groupBy(AsOf.DATE)
        .agg(floor(count(lit(1)).multiply(capacityShare)).cast("int").as("capacity_line"));
    Dataset<Row> prev = previous.select(col("account_id"), col("on_list_since").as("__since"));

    Column reasons = concat(array_compact(array(
            when(Attention.red(), lit(Attention.RED_BAND)),
            when(Attention.highChurnRisk(highChurnProbability), lit(Attention.HIGH_CHURN_RISK)))),
        coalesce(col("__alert_reasons"), array().cast("array<string>")));
    Column atStake = coalesce(col("churn_probability"), lit(0.0)).multiply(coalesce(col("arr"), lit(0.0)));
    Column since = coalesce(col("__since"), col(AsOf.DATE));
    Dataset<Row> rows = health.join(alerted, key, "left")
        .filter(Attention.needsAttention(highChurnProbability, col("__alert_reasons").isNotNull()))
        .join(features.select(col("account_id"), col(AsOf.DATE), col("days_to_renewal"), ownPast.as("__own_past")), key, "left")
        .join(prev, "account_id", "left")
        .join(capacity, AsOf.DATE)
        .withColumn("arr_at_stake", atStake)
        .withColumn("attention_reasons", reasons)
        .withColumn("on_list_since", since)
        .withColumn("days_on_list", datediff(col(AsOf.DATE), since))
        .withColumn("churn_reasons_text", words(transform(slice(col("churn_reasons"), 1, 3),
            r -> format_string("%s = %.2f%s (raises churn log-odds by %.2f)", named.apply(r.getField("feature")), r.getField("value"),
                OwnPast.phrase(org.apache.spark.sql.functions.try_element_at(col("__own_past"), r.getField("feature"))),
                r.getField("log_odds")))))
        .withColumn("drivers_text", words(transform(slice(col("drivers"), 1, 3),
            d -> format_string("%s = %.2f (costs %.1f of 100 health points)", named.apply(d.getField("measure")), d.getField("value"),
                d.getField("weighted_points_lost")))))
        .withColumn("rank", row_number().over(Window.partitionBy(AsOf.DATE)
            .orderBy(col("arr_at_stake").desc(), col("health_score").asc_nulls_last(), col("account_id"))))
        .withColumn("above_capacity_line", col("rank").leq(col("capacity_line")));
    return rows.select(OUTPUT.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new));
  }

  /** The phrases, or an empty list when there are none (no model yet, no scored measure). */
  private static Column words(Column phrases) {
    return coalesce(phrases, array().cast("array<string>"));
  }
}
