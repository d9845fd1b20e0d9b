package dev.healthscore.models.rollup;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import org.apache.spark.sql.Column;

/**
 * The one definition of an account that <b>needs attention</b> on a date, used by
 * {@code account_worklist}, {@code health_by_segment}'s {@code accounts_needing_attention}, the
 * overview notebook and the report: the account is
 * <ul>
 *   <li><b>at risk</b>: its health band is red, or its churn probability is at or above the
 *       high-risk threshold ({@code alerts.high_churn_probability}, by default the model's
 *       {@code risk_bands.high_from}); or</li>
 *   <li><b>alerted</b>: it has a row in {@code health_alerts} for the date.</li>
 * </ul>
 * Null parts count as false (no score, no model yet).
 */
public final class Attention {
  private Attention() {}

  public static final String RED_BAND = "red_band";
  public static final String HIGH_CHURN_RISK = "high_churn_risk";

  public static Column red() {
    return coalesce(col("health_band").equalTo("red"), lit(false));
  }

  public static Column highChurnRisk(double highChurnProbability) {
    return coalesce(col("churn_probability").geq(highChurnProbability), lit(false));
  }

  /** Red band, or churn_probability at or above the high-risk threshold. */
  public static Column atRisk(double highChurnProbability) {
    return red().or(highChurnRisk(highChurnProbability));
  }

  /** At risk, or {@code alerted} (a boolean column: the account has an alert on the date). */
  public static Column needsAttention(double highChurnProbability, Column alerted) {
    return atRisk(highChurnProbability).or(coalesce(alerted, lit(false)));
  }
}
