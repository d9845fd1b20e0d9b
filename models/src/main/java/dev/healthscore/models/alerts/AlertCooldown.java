package dev.healthscore.models.alerts;

import dev.healthscore.features.pit.AsOf;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import dev.healthscore.features.config.HealthscoreConfig;
import dev.healthscore.features.config.SectionReader;
import dev.healthscore.models.scorecard.BandOrder;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The alert feed's cool-down ({@code alerts.cooldown_days}): an account that was alerted for a
 * reason is not alerted again for the same reason within {@code days} days after that alert,
 * unless it got worse since: the new alert is more severe (medium → high), or the account's
 * health band is worse than at that alert. 0 turns the cool-down off.
 *
 * @param days the cool-down in days
 */
public record AlertCooldown(int days) {
  public static AlertCooldown from(HealthscoreConfig config) {
    return new AlertCooldown(new SectionReader(config, "alerts").integer("cooldown_days", 0, 365));
  }

  private static final String P = "__prev";

  /**
   * @param alerts candidate alerts ({@link HealthAlerts#OUTPUT}: account_id, as_of_date, alert_reason, severity, health_band, ...)
   * @param earlier alerts already in the feed (same columns; at least account_id, as_of_date, alert_reason,
   *     severity, health_band), any dates: those within {@code days} days before an alert's date count
   * @return the alerts that are not cooling down, same columns
   */
  public Dataset<Row> apply(Dataset<Row> alerts, Dataset<Row> earlier) {
    if (days == 0) return alerts;
    Dataset<Row> e = earlier.select(col("account_id").as("__e_account"), col(AsOf.DATE).as("__e_date"),
        col("alert_reason").as("__e_reason"), col("severity").as("__e_severity"), col("health_band").as("__e_band"));
    Dataset<Row> keys = alerts.select("account_id", AsOf.DATE, "alert_reason").distinct();
    Dataset<Row> last = keys.join(e, col("account_id").equalTo(col("__e_account"))
            .and(col("alert_reason").equalTo(col("__e_reason")))
            .and(col("__e_date").lt(col(AsOf.DATE)))
            .and(col("__e_date").geq(date_sub(col(AsOf.DATE), days))))
        .groupBy("account_id", AsOf.DATE, "alert_reason")
        .agg(max_by(struct(col("__e_severity").as("severity"), col("__e_band").as("band")), col("__e_date")).as(P));
    Column none = col(P).isNull();
    Column moreSevere = severityRank(col("severity")).gt(severityRank(col(P + ".severity")));
    Column worseBand = BandOrder.rank(col("health_band")).lt(BandOrder.rank(col(P + ".band")));
    Column keep = none.or(moreSevere).or(org.apache.spark.sql.functions.coalesce(worseBand, lit(false)));
    return alerts.join(last, new String[] {"account_id", AsOf.DATE, "alert_reason"}, "left")
        .filter(keep)
        .select(java.util.Arrays.stream(alerts.columns()).map(org.apache.spark.sql.functions::col).toArray(Column[]::new));
  }

  private static Column severityRank(Column severity) {
    return when(severity.equalTo(HealthAlerts.HIGH), lit(2)).when(severity.equalTo(HealthAlerts.MEDIUM), lit(1)).otherwise(lit(0));
  }
}
