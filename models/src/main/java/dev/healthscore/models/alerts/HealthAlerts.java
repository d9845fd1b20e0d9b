package dev.healthscore.models.alerts;

import dev.healthscore.features.pit.AsOf;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.negate;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import dev.healthscore.models.alerts.AlertsConfig.ScoreDrop;
import dev.healthscore.models.scorecard.BandOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The alert feed, as a pure transform: one row per account, date and reason the account
 * needs a CSM's attention. Rules (thresholds from {@link AlertsConfig}):
 * <ul>
 *   <li>{@code band_worsened}: previous_band is better than health_band (green &gt; yellow &gt; red);
 *       severity high when the band is now red, else medium. No previous band, no alert.</li>
 *   <li>{@code score_drop_7d} / {@code score_drop_30d}: score_change_Nd &lt; -points (fell by
 *       <em>more than</em> points; exactly points does not alert); high when &lt; -high_points.</li>
 *   <li>{@code churn_risk_crossed}: churn_probability &gt;= the high-risk threshold while the
 *       account's previous run had a probability below it; severity high. The previous run is the
 *       account's latest earlier row in the history; without one (a new account, the first run, or
 *       a previous run before any model) there is no alert.</li>
 * </ul>
 */
public final class HealthAlerts {
  private HealthAlerts() {}

  public static final String BAND_WORSENED = "band_worsened";
  public static final String CHURN_RISK_CROSSED = "churn_risk_crossed";
  public static final String PREVIOUS_PROBABILITY = "previous_churn_probability";
  public static final String HIGH = "high";
  public static final String MEDIUM = "medium";

  /** Every reason, in the order alerts are listed. */
  public static final List<String> REASONS = List.of(BAND_WORSENED, scoreDrop(7), scoreDrop(30), CHURN_RISK_CROSSED);

  /** Columns read from account_health (besides those passed through, {@link #OUTPUT}). */
  static final List<String> REQUIRED = List.of("account_id", AsOf.DATE, "health_score", "health_band", "previous_band",
      "score_change_7d", "score_change_30d", "churn_probability", "churn_risk_band", "drivers", "churn_reasons",
      "csm_owner", "arr", "segment", "region", "industry", "parent_account_id");

  /** Output columns, in order. */
  public static final List<String> OUTPUT = List.of(AsOf.DATE, "account_id", "alert_reason", "severity", "alert_detail",
      "health_score", "health_band", "previous_band", "score_change_7d", "score_change_30d", "churn_probability",
      PREVIOUS_PROBABILITY, "churn_risk_band", "drivers", "churn_reasons", "csm_owner", "arr", "segment", "region",
      "industry", "parent_account_id");

  private static final String ALERT = "__alert";

  public static String scoreDrop(int days) {
    return "score_drop_" + days + "d";
  }

  /**
   * @param health account_health rows (any dates), with the {@link #REQUIRED} columns
   * @param history earlier account_health rows: account_id, as_of_date, churn_probability (other columns ignored);
   *     rows dated on or after a health row's date are ignored for it
   * @return one row per account, date and reason, columns {@link #OUTPUT}
   */
  public static Dataset<Row> alerts(Dataset<Row> health, Dataset<Row> history, AlertsConfig cfg) {
    List<String> have = Arrays.asList(health.columns());
    for (String c : REQUIRED) if (!have.contains(c)) throw new IllegalArgumentException("account health rows have no column '" + c + "'");
    Dataset<Row> rows = health.join(previousProbability(health, history), new String[] {"account_id", AsOf.DATE}, "left");

    List<Column> candidates = new ArrayList<>();
    if (cfg.bandWorsened()) {
      candidates.add(alert(BAND_WORSENED, BandOrder.rank(col("health_band")).lt(BandOrder.rank(col("previous_band"))),
          when(col("health_band").equalTo("red"), lit(HIGH)).otherwise(lit(MEDIUM)),
          format_string("health band worsened from %s to %s (score %.1f)", col("previous_band"), col("health_band"),
              col("health_score"))));
    }
    for (ScoreDrop d : List.of(cfg.drop7d(), cfg.drop30d())) {
      Column change = col("score_change_" + d.days() + "d");
      candidates.add(alert(scoreDrop(d.days()), change.lt(-d.points()),
          when(change.lt(-d.highPoints()), lit(HIGH)).otherwise(lit(MEDIUM)),
          format_string("health score fell %.1f points in %d days to %.1f (threshold: more than %.1f)", negate(change),
              lit(d.days()), col("health_score"), lit(d.points()))));
    }
    if (cfg.churnRiskCrossed()) {
      double t = cfg.highChurnProbability();
      candidates.add(alert(CHURN_RISK_CROSSED,
          col("churn_probability").geq(t).and(col(PREVIOUS_PROBABILITY).lt(t)), lit(HIGH),
          format_string("churn probability rose from %.3f to %.3f, at or above the high-risk threshold %.3f",
              col(PREVIOUS_PROBABILITY), col("churn_probability"), lit(t))));
    }
    if (candidates.isEmpty()) return rows.select(outputColumns(true)).limit(0);

    Dataset<Row> exploded = rows.withColumn(ALERT, explode(array(candidates.toArray(Column[]::new))))
        .filter(col(ALERT).isNotNull());
    return exploded.select(outputColumns(false));
  }

  /** Per account and date: churn_probability of the account's latest earlier row in the history. */
  static Dataset<Row> previousProbability(Dataset<Row> health, Dataset<Row> history) {
    Dataset<Row> h = history.select(col("account_id").as("__h_account"), col(AsOf.DATE).as("__h_date"),
        col("churn_probability").cast("double").as("__h_p"));
    Dataset<Row> keys = health.select("account_id", AsOf.DATE);
    return keys.join(h, col("account_id").equalTo(col("__h_account")).and(col("__h_date").lt(col(AsOf.DATE))))
        .groupBy("account_id", AsOf.DATE)
        .agg(max_by(col("__h_p"), col("__h_date")).as(PREVIOUS_PROBABILITY));
  }

  /** A candidate alert: a struct when {@code when} holds, null otherwise (null conditions count as false). */
  private static Column alert(String reason, Column condition, Column severity, Column detail) {
    return when(condition, struct(lit(reason).as("reason"), severity.as("severity"), detail.as("detail")));
  }

  private static Column[] outputColumns(boolean empty) {
    List<Column> out = new ArrayList<>();
    for (String c : OUTPUT) {
      switch (c) {
        case "alert_reason" -> out.add((empty ? lit(null).cast("string") : col(ALERT + ".reason")).as(c));
        case "severity" -> out.add((empty ? lit(null).cast("string") : col(ALERT + ".severity")).as(c));
        case "alert_detail" -> out.add((empty ? lit(null).cast("string") : col(ALERT + ".detail")).as(c));
        default -> out.add(col(c));
      }
    }
    return out.toArray(Column[]::new);
  }
}
