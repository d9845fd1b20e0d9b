package dev.healthscore.models.alerts;

import static dev.healthscore.models.testing.HealthRows.T;
import static dev.healthscore.models.testing.HealthRows.at;
import static dev.healthscore.testing.TestSpark.assertRows;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.healthscore.models.alerts.AlertsConfig.ScoreDrop;
import dev.healthscore.models.testing.HealthRows;
import dev.healthscore.testing.TestSpark;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Every alert rule on hand-made rows, with its threshold edges. */
class HealthAlertsTest {
  /** 7d: more than 10 points, high above 20; 30d: more than 15, high above 30; high churn risk from 0.30. */
  static final AlertsConfig CFG = new AlertsConfig(true, new ScoreDrop(7, 10, 20), new ScoreDrop(30, 15, 30), true, 0.30);

  static final StructType HISTORY = new StructType()
      .add("account_id", "string").add("as_of_date", "date").add("churn_probability", "double");

  static Dataset<Row> history(Object[]... rows) {
    List<Row> out = new ArrayList<>();
    for (Object[] r : rows) out.add(RowFactory.create(r));
    return TestSpark.spark().createDataFrame(out, HISTORY);
  }

  static Object[] earlier(String account, int daysBefore, Double p) {
    return new Object[] {account, Date.valueOf(T.minusDays(daysBefore)), p};
  }

  static Row alert(String account, String reason, String severity, Double previousP) {
    return RowFactory.create(account, reason, severity, previousP);
  }

  static Dataset<Row> brief(Dataset<Row> alerts) {
    return alerts.select("account_id", "alert_reason", "severity", "previous_churn_probability");
  }

  /*
   * Band: b1 green -> yellow (medium), b2 yellow -> red (high), b3 red -> green (better: none), b4 no previous
   * band (new account: none), b5 previous band but no band now (no score: none).
   * Score drops (7d > 10, high > 20; 30d > 15, high > 30):
   *   d1 7d -10 exactly: none; 30d -15.01: medium.   d2 7d -10.01: medium; 30d -30 exactly: medium (not high).
   *   d3 7d -20.5: high; 30d null: none.              d4 7d +12 (a rise), 30d -30.01: high.
   * Crossed (>= 0.30 now, previous run < 0.30):
   *   c1 0.29 -> 0.30 exactly: alert.   c2 0.30 -> 0.45: was already high, none (its stale row at T, 0.1, ignored).
   *   c3 no earlier run, 0.9: none.     c4 previous run without a model (null), 0.5: none.
   *   c5 T-20 0.1, T-10 0.35 (latest), now 0.4: none.   c6 T-20 0.5, T-10 0.2 (latest), now 0.31: alert.
   *   c7 0.1 -> 0.2999: below, none.
   * m1: green -> red, 7d -25, 30d -40, 0.05 -> 0.6: four alerts, all high.
   */
  static Dataset<Row> health() {
    return HealthRows.of(
        at("b1").score(60, "yellow").set("previous_band", "green"),
        at("b2").score(40, "red").set("previous_band", "yellow"),
        at("b3").score(80, "green").set("previous_band", "red"),
        at("b4").score(30, "red"),
        at("b5").set("previous_band", "green"),
        at("d1").score(55, "yellow").set("score_change_7d", -10.0).set("score_change_30d", -15.01),
        at("d2").score(55, "yellow").set("score_change_7d", -10.01).set("score_change_30d", -30.0),
        at("d3").score(55, "yellow").set("score_change_7d", -20.5),
        at("d4").score(55, "yellow").set("score_change_7d", 12.0).set("score_change_30d", -30.01),
        at("c1").score(80, "green").p(0.30),
        at("c2").score(80, "green").p(0.45),
        at("c3").score(80, "green").p(0.9),
        at("c4").score(80, "green").p(0.5),
        at("c5").score(80, "green").p(0.4),
        at("c6").score(80, "green").p(0.31),
        at("c7").score(80, "green").p(0.2999),
        at("m1").score(20, "red").set("previous_band", "green").set("score_change_7d", -25.0)
            .set("score_change_30d", -40.0).p(0.6).set("csm_owner", "csm1").arr(5000.0)
            .set("drivers", List.of("nps_last")).set("churn_reasons", List.of("days_since_last_use")));
  }

  static Dataset<Row> earlierRuns() {
    return history(
        earlier("c1", 1, 0.29), earlier("c2", 1, 0.30), earlier("c2", 0, 0.1), earlier("c4", 1, null),
        earlier("c5", 20, 0.1), earlier("c5", 10, 0.35), earlier("c6", 20, 0.5), earlier("c6", 10, 0.2),
        earlier("c7", 1, 0.1), earlier("m1", 1, 0.05),
        earlier("b1", 1, null), earlier("d1", 1, null));
  }

  static final List<Row> NOT_CROSSED = List.of(
      alert("b1", "band_worsened", "medium", null),
      alert("b2", "band_worsened", "high", null),
      alert("d1", "score_drop_30d", "medium", null),
      alert("d2", "score_drop_7d", "medium", null),
      alert("d2", "score_drop_30d", "medium", null),
      alert("d3", "score_drop_7d", "high", null),
      alert("d4", "score_drop_30d", "high", null));

  @Test
  void everyRuleAtItsThresholds() {
    Dataset<Row> out = HealthAlerts.alerts(health(), earlierRuns(), CFG);
    assertEquals(HealthAlerts.OUTPUT, Arrays.asList(out.columns()));
    List<Row> expected = new ArrayList<>(NOT_CROSSED);
    expected.add(alert("c1", "churn_risk_crossed", "high", 0.29));
    expected.add(alert("c6", "churn_risk_crossed", "high", 0.2));
    expected.add(alert("m1", "band_worsened", "high", 0.05));
    expected.add(alert("m1", "score_drop_7d", "high", 0.05));
    expected.add(alert("m1", "score_drop_30d", "high", 0.05));
    expected.add(alert("m1", "churn_risk_crossed", "high", 0.05));
    assertRows(brief(out), expected);
  }

  @Test
  void theFeedCarriesWhatTheCsmNeeds() {
    Dataset<Row> out = HealthAlerts.alerts(health(), earlierRuns(), CFG).filter("account_id IN ('m1', 'd2')");
    assertRows(out.select("account_id", "alert_reason", "alert_detail"), List.of(
        RowFactory.create("m1", "band_worsened", "health band worsened from green to red (score 20.0)"),
        RowFactory.create("m1", "score_drop_7d", "health score fell 25.0 points in 7 days to 20.0 (threshold: more than 10.0)"),
        RowFactory.create("m1", "score_drop_30d", "health score fell 40.0 points in 30 days to 20.0 (threshold: more than 15.0)"),
        RowFactory.create("m1", "churn_risk_crossed",
            "churn probability rose from 0.050 to 0.600, at or above the high-risk threshold 0.300"),
        RowFactory.create("d2", "score_drop_7d", "health score fell 10.0 points in 7 days to 55.0 (threshold: more than 10.0)"),
        RowFactory.create("d2", "score_drop_30d", "health score fell 30.0 points in 30 days to 55.0 (threshold: more than 15.0)")));
    Row m1 = out.filter("account_id = 'm1' AND alert_reason = 'band_worsened'").first();
    assertEquals(Date.valueOf(T), m1.getAs("as_of_date"));
    assertEquals(20.0, m1.<Double>getAs("health_score"));
    assertEquals("red", m1.getAs("health_band"));
    assertEquals("green", m1.getAs("previous_band"));
    assertEquals(0.6, m1.<Double>getAs("churn_probability"));
    assertEquals("csm1", m1.getAs("csm_owner"));
    assertEquals(5000.0, m1.<Double>getAs("arr"));
    assertEquals(List.of("nps_last"), m1.getList(m1.fieldIndex("drivers")));
    assertEquals(List.of("days_since_last_use"), m1.getList(m1.fieldIndex("churn_reasons")));
  }

  /** The first run (no history at all): every rule but "crossed" fires as before. */
  @Test
  void firstRun_noCrossedAlerts() {
    Dataset<Row> out = HealthAlerts.alerts(health(), history(), CFG);
    List<Row> expected = new ArrayList<>(NOT_CROSSED);
    expected.add(alert("m1", "band_worsened", "high", null));
    expected.add(alert("m1", "score_drop_7d", "high", null));
    expected.add(alert("m1", "score_drop_30d", "high", null));
    assertRows(brief(out), expected);
  }

  /** Rules switched off, a lower high-risk threshold, and points 100 (a score cannot fall by more). */
  @Test
  void configSwitchesRulesAndThresholds() {
    AlertsConfig onlyCrossedAt040 = new AlertsConfig(false, new ScoreDrop(7, 100, 100), new ScoreDrop(30, 100, 100), true, 0.40);
    // crossing 0.40: c2 0.30 -> 0.45, c5 0.35 -> 0.4 (exactly), m1 0.05 -> 0.6; c1 (0.30), c6 (0.31) no longer cross
    assertRows(brief(HealthAlerts.alerts(health(), earlierRuns(), onlyCrossedAt040)), List.of(
        alert("c2", "churn_risk_crossed", "high", 0.30), alert("c5", "churn_risk_crossed", "high", 0.35),
        alert("m1", "churn_risk_crossed", "high", 0.05)));
    AlertsConfig none = new AlertsConfig(false, new ScoreDrop(7, 100, 100), new ScoreDrop(30, 100, 100), false, 0.3);
    Dataset<Row> empty = HealthAlerts.alerts(health(), earlierRuns(), none);
    assertEquals(HealthAlerts.OUTPUT, Arrays.asList(empty.columns()));
    assertEquals(0, empty.count());
  }

  @Test
  void aMultiDateInputUsesEachDatesOwnPreviousRun() {
    LocalDate t1 = T.minusDays(1);
    // x at T-1 (0.2, previous T-2 0.1: no) and at T (0.5, previous T-1 0.2: crossed)
    Dataset<Row> rows = HealthRows.of(at("x", t1).score(70, "yellow").p(0.2), at("x").score(70, "yellow").p(0.5));
    Dataset<Row> hist = history(earlier("x", 2, 0.1), earlier("x", 1, 0.2));
    assertRows(HealthAlerts.alerts(rows, hist, CFG).select("as_of_date", "alert_reason", "previous_churn_probability"),
        List.of(RowFactory.create(Date.valueOf(T), "churn_risk_crossed", 0.2)));
  }
}
