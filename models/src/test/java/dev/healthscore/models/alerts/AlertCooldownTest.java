package dev.healthscore.models.alerts;

import static dev.healthscore.models.testing.HealthRows.T;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.healthscore.features.config.ConfigException;
import dev.healthscore.features.config.HealthscoreConfig;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** Same account, same reason: not re-alerted within the cool-down unless more severe or a worse band. */
class AlertCooldownTest {
  static final org.apache.spark.sql.types.StructType SCHEMA = new org.apache.spark.sql.types.StructType()
      .add("account_id", "string").add("as_of_date", "date").add("alert_reason", "string").add("severity", "string")
      .add("health_band", "string");

  static Row alert(String account, java.time.LocalDate date, String reason, String severity, String band) {
    return org.apache.spark.sql.RowFactory.create(account, java.sql.Date.valueOf(date), reason, severity, band);
  }

  static Dataset<Row> rows(Row... rows) {
    return dev.healthscore.testing.TestSpark.spark().createDataFrame(List.of(rows), SCHEMA);
  }

  /*
   * Cool-down 7 days, alerts at T:
   *   a score_drop_7d medium yellow; fed at T-3, same reason, medium yellow   -> cooling down: dropped
   *   b score_drop_7d high   yellow; fed at T-3 medium                        -> more severe: kept
   *   c band_worsened medium yellow; fed at T-8                               -> outside the window: kept
   *   d score_drop_7d medium red;    fed at T-2 medium yellow                 -> worse band: kept
   *   e churn_risk_crossed high;     fed at T-1 for score_drop_7d             -> another reason: kept
   *   f score_drop_7d medium yellow; fed at T-7                               -> T-7 is within 7 days: dropped
   *   g score_drop_7d medium yellow; a row dated T itself                     -> not earlier: kept
   */
  @Test
  void sameReasonWithinTheWindow_isDroppedUnlessWorse() {
    Dataset<Row> alerts = rows(
        alert("a", T, "score_drop_7d", "medium", "yellow"), alert("b", T, "score_drop_7d", "high", "yellow"),
        alert("c", T, "band_worsened", "medium", "yellow"), alert("d", T, "score_drop_7d", "medium", "red"),
        alert("e", T, "churn_risk_crossed", "high", "yellow"), alert("f", T, "score_drop_7d", "medium", "yellow"),
        alert("g", T, "score_drop_7d", "medium", "yellow"));
    Dataset<Row> earlier = rows(
        alert("a", T.minusDays(3), "score_drop_7d", "medium", "yellow"), alert("b", T.minusDays(3), "score_drop_7d", "medium", "yellow"),
        alert("c", T.minusDays(8), "band_worsened", "medium", "yellow"), alert("d", T.minusDays(2), "score_drop_7d", "medium", "yellow"),
        alert("e", T.minusDays(1), "score_drop_7d", "medium", "yellow"), alert("f", T.minusDays(7), "score_drop_7d", "medium", "yellow"),
        alert("g", T, "score_drop_7d", "medium", "yellow"));
    List<String> kept = new AlertCooldown(7).apply(alerts, earlier).orderBy("account_id").select("account_id")
        .collectAsList().stream().map(r -> r.getString(0)).toList();
    assertEquals(List.of("b", "c", "d", "e", "g"), kept);
    assertEquals(7, new AlertCooldown(0).apply(alerts, earlier).count()); // 0 = off
    assertEquals(List.of(alerts.columns()), List.of(new AlertCooldown(7).apply(alerts, earlier).columns()));
  }

  @Test
  void config() {
    assertEquals(new AlertCooldown(7), AlertCooldown.from(HealthscoreConfig.defaults()));
    ConfigException e = assertThrows(ConfigException.class,
        () -> AlertCooldown.from(HealthscoreConfig.fromYaml("alerts: {cooldown_days: -1}\n", "a.yaml")));
    assertEquals("config a.yaml: alerts.cooldown_days: must be a whole number in 0..365 (got -1)", e.getMessage());
  }
}
