package dev.healthscore.jobs.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.healthscore.features.config.ConfigException;
import dev.healthscore.features.config.HealthscoreConfig;
import java.sql.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.junit.jupiter.api.Test;

/** The gate nightly runs before publishing, on hand-made counts (no Spark). */
class QualityGateTest {
  static final QualityGate.Limits LIMITS = new QualityGate.Limits(0.01, 0.2, 0.5);

  static Map<String, Long> input(long usage) {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("accounts", 100L);
    m.put("contracts", 120L);
    m.put("churn_events", 10L);
    m.put("usage_events", usage);
    m.put("support_tickets", 50L);
    m.put("invoices", 300L);
    m.put("engagements", 80L);
    m.put("nps_responses", 0L); // optional: empty is fine
    return m;
  }

  static Row previousRun(long accounts, long usage) {
    Object[] v = new Object[RunLedger.SCHEMA.size()];
    v[RunLedger.SCHEMA.fieldIndex("as_of_date")] = Date.valueOf("2025-01-30");
    v[RunLedger.SCHEMA.fieldIndex("accounts")] = accounts;
    v[RunLedger.SCHEMA.fieldIndex("input_rows")] = scala.jdk.javaapi.CollectionConverters.asScala(input(usage));
    v[RunLedger.SCHEMA.fieldIndex("quarantined_rows")] = scala.jdk.javaapi.CollectionConverters.asScala(Map.of());
    return new GenericRowWithSchema(v, RunLedger.SCHEMA);
  }

  static QualityGate.Counts now(long accounts, long usage, long quarantined) {
    return new QualityGate.Counts(accounts, input(usage), Map.of("usage_events", quarantined));
  }

  @Test
  void cleanCountsPass() {
    QualityGate.Verdict v = QualityGate.check(LIMITS, now(95, 1000, 5), Optional.of(previousRun(100, 1100)));
    assertTrue(v.passed(), v.checks().toString());
    assertEquals(List.of("PASS quarantine: 5 of 1660 input rows (0.301%, limit 1.000%)",
        "PASS accounts: 95 vs 100 on 2025-01-30 (drop limit 20%)",
        "PASS input rows: no table dropped more than 50%"), v.checks());
  }

  @Test
  void anEmptyRequiredTableFailsEvenWithoutAnEarlierRun() {
    QualityGate.Verdict v = QualityGate.check(LIMITS, now(100, 0, 0), Optional.empty());
    assertFalse(v.passed());
    assertEquals("FAIL empty required table usage_events: 0 rows", v.failures());
  }

  @Test
  void quarantineShareAndDropsFailWithTheirNumbers() {
    // 17 of 1660 = 1.024 % > 1 %; 79 < 0.8 * 100; 499 < 0.5 * 1000
    QualityGate.Verdict v = QualityGate.check(LIMITS, now(79, 499, 17), Optional.of(previousRun(100, 1000)));
    assertFalse(v.passed());
    assertEquals("FAIL quarantine: 17 of 1159 input rows (1.467%, limit 1.000%); "
        + "FAIL accounts: 79 vs 100 on 2025-01-30 (drop limit 20%); "
        + "FAIL input usage_events: 499 rows vs 1000 on 2025-01-30 (drop limit 50%)", v.failures());
    // exactly at the limits passes: 80 = 0.8 * 100, 500 = 0.5 * 1000
    assertTrue(QualityGate.check(LIMITS, now(80, 500, 0), Optional.of(previousRun(100, 1000))).passed());
  }

  @Test
  void limitsComeFromTheQualitySectionAndRejectUnknownKeys() {
    QualityGate.Limits d = QualityGate.Limits.from(HealthscoreConfig.defaults(), null, null, null);
    assertEquals(new QualityGate.Limits(0.01, 0.2, 0.5), d);
    assertEquals(0.3, QualityGate.Limits.from(HealthscoreConfig.fromYaml("quality: {max_account_drop: 0.3}", "u"), null, null, null)
        .maxAccountDrop());
    assertEquals(0.05, QualityGate.Limits.from(HealthscoreConfig.defaults(), 0.05, null, null).maxQuarantineShare());
    ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class, () ->
        QualityGate.Limits.from(HealthscoreConfig.fromYaml("quality: {max_acount_drop: 0.3}", "u.yaml"), null, null, null));
    assertTrue(e.getMessage().startsWith("config u.yaml: quality.max_acount_drop: unknown key"), e.getMessage());
  }

  @Test
  void driftAlertsFailTheGateOnlyWhenBlockOnAlertIsSet() {
    List<dev.healthscore.models.drift.FeatureDrift.Row> drift = List.of(
        new dev.healthscore.models.drift.FeatureDrift.Row("logins_30d", "training", "psi", 1.83, 0.25, "alert"),
        new dev.healthscore.models.drift.FeatureDrift.Row("logins_30d", "previous_run", "ks_statistic", 0.67, 0.2, "alert"),
        new dev.healthscore.models.drift.FeatureDrift.Row("logins_30d", "previous_run", "ks_p_value", 1e-9, 0.01, "alert"), // named with its D
        new dev.healthscore.models.drift.FeatureDrift.Row("seats", "training", "psi", 0.0, 0.1, "ok"),
        new dev.healthscore.models.drift.FeatureDrift.Row("usage_events", "trailing_runs", "row_count", 0.0, 52.5, "alert"));
    QualityGate.Verdict clean = QualityGate.check(LIMITS, now(95, 1000, 5), Optional.of(previousRun(100, 1100)));

    QualityGate.Verdict blocked = clean.with(QualityGate.driftCheck(drift, true));
    assertFalse(blocked.passed());
    assertEquals("FAIL 3 drift alerts: logins_30d psi vs training, logins_30d ks_statistic vs previous_run, "
        + "usage_events row_count vs trailing_runs (monitoring.block_on_alert)", blocked.failures());

    QualityGate.Verdict named = clean.with(QualityGate.driftCheck(drift, false));
    assertTrue(named.passed());
    assertEquals("PASS 3 drift alerts: logins_30d psi vs training, logins_30d ks_statistic vs previous_run, "
        + "usage_events row_count vs trailing_runs (not blocking: monitoring.block_on_alert is false)", named.checks().get(3));
    assertEquals("PASS drift: no alerts on the model inputs or the input volume", QualityGate.driftCheck(drift.subList(2, 3), true));
  }
}
