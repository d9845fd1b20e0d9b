package dev.healthscore.models.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.healthscore.features.FeatureCatalog;
import dev.healthscore.features.config.HealthscoreConfig;
import dev.healthscore.models.churn.ChurnModelConfig;
import dev.healthscore.models.scorecard.ScorecardConfig;
import dev.healthscore.testing.TestSpark;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** Alerts naming a feature of a table in volume alert are held back; the others, and the override alerts, are kept. */
class DataProblemAlertsTest {
  static final HealthscoreConfig DEFAULTS = HealthscoreConfig.defaults();
  static final Map<String, Set<String>> BY_TABLE = DataProblemAlerts.featuresByTable(FeatureCatalog.features(DEFAULTS),
      FeatureCatalog.derived(FeatureCatalog.features(DEFAULTS)), ChurnModelConfig.from(DEFAULTS).derived());
  static final ScorecardConfig SCORECARD = ScorecardConfig.from(DEFAULTS);

  @Test
  void aFeatureBelongsToItsTable_andToTheTablesOfWhatItIsComputedFrom() {
    Set<String> usage = BY_TABLE.get("usage_events");
    assertTrue(usage.containsAll(List.of("events_30d", "active_users_30d", "active_users_per_seat", "usage_trend_30d")), usage.toString());
    assertFalse(usage.contains("seats") || usage.contains("renewal_in_horizon") || usage.contains("open_tickets"), usage.toString());
    Set<String> contracts = BY_TABLE.get("contracts");
    // active users per seat divides by the seats of the contracts; renewal_in_horizon is SQL over days_to_renewal
    assertTrue(contracts.containsAll(List.of("seats", "days_to_renewal", "active_users_per_seat", "renewal_in_horizon")), contracts.toString());
    assertFalse(contracts.contains("events_30d"), contracts.toString());
  }

  /** Seven alerts: a1, a3, a5 name usage features; a2 and a3 support ones; a6 is an override alert; a7 has no drivers. */
  static Dataset<Row> alerts() {
    String drivers = "array(%s)";
    return TestSpark.spark().sql("SELECT account_id, alert_reason, drivers, churn_reasons FROM VALUES "
        + "('a1', 'band_worsened', " + String.format(drivers, "named_struct('measure', 'active_users_per_seat'), named_struct('measure', 'p1_tickets_90d')") + ", NULL), "
        + "('a2', 'score_drop_7d', " + String.format(drivers, "named_struct('measure', 'p1_tickets_90d'), named_struct('measure', 'open_tickets')") + ", NULL), "
        + "('a3', 'churn_risk_crossed', NULL, array(named_struct('feature', 'events_30d'), named_struct('feature', 'open_tickets'))), "
        + "('a4', 'churn_risk_crossed', NULL, array(named_struct('feature', 'renewal_in_horizon'))), "
        + "('a5', 'churn_risk_crossed', NULL, array(named_struct('feature', 'session_minutes_30d_missing'))), "
        + "('a6', 'override_expired', " + String.format(drivers, "named_struct('measure', 'active_users_per_seat')") + ", NULL), "
        + "('a7', 'band_worsened', NULL, NULL) "
        + "AS t(account_id, alert_reason, drivers, churn_reasons)");
  }

  static List<String> accounts(Dataset<Row> rows) {
    return rows.orderBy("account_id").select("account_id").collectAsList().stream().map(r -> r.getString(0)).toList();
  }

  @Test
  void alertsNamingAFeatureOfATableInVolumeAlertAreHeldBack() {
    DataProblemAlerts.Split usage = DataProblemAlerts.split(alerts(), Set.of("usage_events"), BY_TABLE, SCORECARD);
    assertEquals(List.of("a2", "a4", "a6", "a7"), accounts(usage.kept()));
    assertEquals(Map.of("usage_events", 3L), usage.heldPerTable());

    DataProblemAlerts.Split both = DataProblemAlerts.split(alerts(), Set.of("usage_events", "support_tickets"), BY_TABLE, SCORECARD);
    assertEquals(List.of("a4", "a6", "a7"), accounts(both.kept()));
    assertEquals(Map.of("usage_events", 3L, "support_tickets", 3L), both.heldPerTable()); // a1 and a3 name both tables

    DataProblemAlerts.Split none = DataProblemAlerts.split(alerts(), Set.of(), BY_TABLE, SCORECARD);
    assertEquals(7, none.kept().count());
    assertEquals(Map.of(), none.heldPerTable());
  }
}
