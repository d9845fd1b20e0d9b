package dev.healthscore.models.rollup;

import dev.healthscore.features.pit.AsOf;
import static dev.healthscore.models.rollup.HealthMeasures.arr;
import static dev.healthscore.models.rollup.HealthMeasures.arrIf;
import static dev.healthscore.models.rollup.HealthMeasures.atRisk;
import static dev.healthscore.models.rollup.HealthMeasures.countIf;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.struct;

import dev.healthscore.models.opportunities.AccountOpportunities;
import dev.healthscore.models.scorecard.Scorecard;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Account health rolled up per as_of_date and segment x region x industry x csm_owner, plus
 * rollup rows, as a pure transform (one aggregation pass: each account row is fanned out once
 * per breakdown, then grouped).
 *
 * <p>The column {@code breakdown} says which dimensions a row is broken down by: {@code detail}
 * (all four), {@code segment}, {@code region}, {@code industry}, {@code csm_owner} (that one
 * only) or {@code total}. A dimension a row is not broken down by reads {@value #ALL}; a null
 * value reads {@value #NONE}. So every row of one breakdown and date is disjoint, and each
 * breakdown's rows add up to its date's total.
 */
public final class HealthBySegment {
  private HealthBySegment() {}

  public static final String NONE = "(none)";
  public static final String ALL = "(all)";
  public static final List<String> DIMENSIONS = List.of("segment", "region", "industry", "csm_owner");
  public static final String DETAIL = "detail";
  public static final String TOTAL = "total";

  /** Breakdown name -> the dimensions it keeps. */
  public static final Map<String, List<String>> BREAKDOWNS = breakdowns();

  private static final String ALERTED = "__alerted";
  private static final String FAN = "__fan";
  private static final String SIGNAL_PREFIX = "__signal_";

  private static Map<String, List<String>> breakdowns() {
    Map<String, List<String>> b = new LinkedHashMap<>();
    b.put(DETAIL, DIMENSIONS);
    for (String d : DIMENSIONS) b.put(d, List.of(d));
    b.put(TOTAL, List.of());
    return java.util.Collections.unmodifiableMap(b);
  }

  /**
   * @param health account_health rows: account_id, as_of_date, the dimensions, arr, health_score,
   *     health_band, churn_probability
   * @param alerts alert rows (account_id, as_of_date, anything else): an account with any is "alerted"
   * @param highChurnProbability churn_probability at or above this is high churn risk
   */
  public static Dataset<Row> rollup(Dataset<Row> health, Dataset<Row> alerts, double highChurnProbability) {
    Dataset<Row> none = health.sparkSession().createDataFrame(List.of(), new org.apache.spark.sql.types.StructType()
        .add("account_id", "string").add(AsOf.DATE, "date").add(AccountOpportunities.SIGNAL, "string"));
    return rollup(health, alerts, none, highChurnProbability);
  }

  /** Accounts with the signal: {@code accounts_<signal>}; their ARR: {@code arr_<signal>}. */
  public static String accountsWith(String signal) {
    return "accounts_" + signal;
  }

  public static String arrWith(String signal) {
    return "arr_" + signal;
  }

  /**
   * @param opportunities account_opportunities rows of the same dates (account_id, as_of_date,
   *     signal): each signal adds the accounts holding it and their ARR
   */
  public static Dataset<Row> rollup(Dataset<Row> health, Dataset<Row> alerts, Dataset<Row> opportunities, double highChurnProbability) {
    String[] key = {"account_id", AsOf.DATE};
    Dataset<Row> alerted = alerts.select("account_id", AsOf.DATE).distinct().withColumn(ALERTED, lit(true));
    List<Column> held = new ArrayList<>();
    for (String s : AccountOpportunities.SIGNALS) {
      held.add(max(col(AccountOpportunities.SIGNAL).equalTo(s)).as(SIGNAL_PREFIX + s));
    }
    Dataset<Row> signals = opportunities.groupBy("account_id", AsOf.DATE).agg(held.get(0), held.subList(1, held.size()).toArray(Column[]::new));
    Dataset<Row> rows = health.join(alerted, key, "left")
        .withColumn(ALERTED, coalesce(col(ALERTED), lit(false)))
        .join(signals, key, "left");

    List<Column> fan = new ArrayList<>();
    for (Map.Entry<String, List<String>> b : BREAKDOWNS.entrySet()) {
      List<Column> fields = new ArrayList<>();
      fields.add(lit(b.getKey()).as("breakdown"));
      for (String d : DIMENSIONS) {
        fields.add((b.getValue().contains(d) ? coalesce(col(d), lit(NONE)) : lit(ALL)).as(d));
      }
      fan.add(struct(fields.toArray(Column[]::new)));
    }
    Dataset<Row> fanned = rows.withColumn(FAN, explode(array(fan.toArray(Column[]::new))));
    List<Column> keys = new ArrayList<>();
    keys.add(col(AsOf.DATE));
    keys.add(col(FAN + ".breakdown").as("breakdown"));
    for (String d : DIMENSIONS) keys.add(col(FAN + "." + d).as(d));

    Column risk = atRisk(highChurnProbability);
    Column[] measures = signalMeasures(
        count(lit(1)).as("accounts"),
        countIf(col("health_band").equalTo("green")).as("accounts_green"),
        countIf(col("health_band").equalTo("yellow")).as("accounts_yellow"),
        countIf(col("health_band").equalTo("red")).as("accounts_red"),
        arr().as("arr"),
        arrIf(col("health_band").equalTo("green")).as("arr_green"),
        arrIf(col("health_band").equalTo("yellow")).as("arr_yellow"),
        arrIf(col("health_band").equalTo("red")).as("arr_red"),
        round(avg(col("health_score")), Scorecard.DECIMALS).as("mean_health_score"),
        HealthMeasures.arrWeightedScore().as("arr_weighted_health_score"),
        round(avg(col("churn_probability")), HealthMeasures.PROBABILITY_DECIMALS).as("mean_churn_probability"),
        HealthMeasures.arrWeightedProbability().as("arr_weighted_churn_probability"),
        countIf(risk).as("accounts_at_risk"),
        arrIf(risk).as("arr_at_risk"),
        countIf(col(ALERTED)).as("accounts_with_alerts"),
        countIf(Attention.needsAttention(highChurnProbability, col(ALERTED))).as("accounts_needing_attention"));
    return fanned.groupBy(keys.toArray(Column[]::new)).agg(measures[0], java.util.Arrays.copyOfRange(measures, 1, measures.length));
  }

  /** The measures given, then accounts and ARR per signal. */
  private static Column[] signalMeasures(Column... health) {
    List<Column> out = new ArrayList<>(List.of(health));
    for (String s : AccountOpportunities.SIGNALS) {
      Column with = coalesce(col(SIGNAL_PREFIX + s), lit(false));
      out.add(countIf(with).as(accountsWith(s)));
      out.add(arrIf(with).as(arrWith(s)));
    }
    return out.toArray(Column[]::new);
  }
}
