package dev.healthscore.models.overrides;

import static dev.healthscore.models.testing.HealthRows.T;
import static dev.healthscore.models.testing.HealthRows.at;
import static dev.healthscore.testing.TestSpark.assertRows;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.healthscore.models.alerts.HealthAlerts;
import dev.healthscore.models.testing.HealthRows;
import dev.healthscore.testing.TestSpark;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * Overrides on hand-made rows, T = 2024-06-30 (end of day T = 2024-07-01 00:00 UTC), default
 * lifetime 90 days, maximum 365, expiring alerts within 14 days (by the end of 2024-07-14).
 */
class HealthOverridesTest {
  static final OverridesConfig CFG = new OverridesConfig(90, 365, 14, 20);

  static final StructType OVERRIDES = new StructType().add("account_id", "string").add("override_band", "string")
      .add("override_score", "double").add("reason", "string").add("author", "string")
      .add("created_at", "timestamp").add("expires_at", "timestamp");

  static Timestamp ts(String utc) {
    return Timestamp.from(Instant.parse(utc.replace(' ', 'T') + ":00Z"));
  }

  static Object[] o(String account, String band, Double score, String author, String created, String expires) {
    return new Object[] {account, band, score, "why " + account, author, ts(created), expires == null ? null : ts(expires)};
  }

  static Dataset<Row> overrides(Object[]... rows) {
    List<Row> out = new ArrayList<>();
    for (Object[] r : rows) out.add(RowFactory.create(r));
    return HealthOverrides.lifetimes(TestSpark.spark().createDataFrame(out, OVERRIDES), CFG);
  }

  /*
   * a1 active: red, created 06-01 10:00, expires 09-01.        a2 not yet active: created 07-01 00:00 (after T).
   * a3 expired: ended 06-30 23:00, before the end of T.         a4 ends 07-01 00:00 exactly: still active at T.
   * a5 overlapping: green 06-01..12-01, then score 35 from 06-15 with no expiry (default: 09-13 00:00): the later wins.
   * a6 no expiry, created 04-01 12:00: default 90 days ends 06-30 12:00, expired at T.
   * a7 asks for 2026-01-01: capped at created + 365 days = 2024-12-31 00:00.   a8 no override.
   * a9 ended 06-29 12:00 (before the previous run's end of day).   a10 ends 07-15 00:00, just past the 14-day window.
   */
  static Dataset<Row> resolved() {
    return overrides(
        o("a1", "red", null, "ann", "2024-06-01 10:00", "2024-09-01 00:00"),
        o("a2", "red", null, "ann", "2024-07-01 00:00", "2024-09-01 00:00"),
        o("a3", "green", null, "bob", "2024-05-01 00:00", "2024-06-30 23:00"),
        o("a4", "yellow", 55.0, "bob", "2024-05-01 00:00", "2024-07-01 00:00"),
        o("a5", "green", null, "ann", "2024-06-01 00:00", "2024-12-01 00:00"),
        o("a5", null, 35.0, "cid", "2024-06-15 00:00", null),
        o("a6", "red", null, "cid", "2024-04-01 12:00", null),
        o("a7", "green", 90.0, "ann", "2024-01-01 00:00", "2026-01-01 00:00"),
        o("a9", "red", null, "bob", "2024-05-01 00:00", "2024-06-29 12:00"),
        o("a10", "red", null, "bob", "2024-06-20 00:00", "2024-07-15 00:00"));
  }

  static Dataset<Row> health() {
    List<HealthRows> rows = new ArrayList<>();
    for (String a : List.of("a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a9", "a10")) {
      rows.add(at(a).score(70.0, "yellow").set("score_change_7d", -3.0));
    }
    return HealthRows.of(rows.toArray(HealthRows[]::new));
  }

  static Dataset<Row> brief(Dataset<Row> attached) {
    return attached.select(col("account_id"), col("override_band"), col("override_score"), col("override_author"),
        date_format(col("override_expires"), "yyyy-MM-dd HH:mm").as("expires"), col("effective_band"), col("effective_score"),
        col("health_band"), col("health_score"));
  }

  static Row r(String account, String band, Double score, String author, String expires, String effBand, Double effScore) {
    return RowFactory.create(account, band, score, author, expires, effBand, effScore, "yellow", 70.0);
  }

  @Test
  void theOverrideActiveAtTIsAttachedAndTheComputedScoreStays() {
    assertRows(brief(HealthOverrides.attach(health(), resolved())), List.of(
        r("a1", "red", null, "ann", "2024-09-01 00:00", "red", 70.0),
        r("a2", null, null, null, null, "yellow", 70.0),
        r("a3", null, null, null, null, "yellow", 70.0),
        r("a4", "yellow", 55.0, "bob", "2024-07-01 00:00", "yellow", 55.0),
        r("a5", null, 35.0, "cid", "2024-09-13 00:00", "yellow", 35.0),
        r("a6", null, null, null, null, "yellow", 70.0),
        r("a7", "green", 90.0, "ann", "2024-12-31 00:00", "green", 90.0),
        r("a8", null, null, null, null, "yellow", 70.0),
        r("a9", null, null, null, null, "yellow", 70.0),
        r("a10", "red", null, "bob", "2024-07-15 00:00", "red", 70.0)));
  }

  @Test
  void aBackfillOfAnEarlierDateSeesOnlyOverridesCreatedByThen() {
    LocalDate may31 = LocalDate.of(2024, 5, 31);
    Dataset<Row> earlier = HealthRows.of(at("a1", may31).score(80.0, "green"), at("a5", may31).score(80.0, "green"),
        at("a6", may31).score(80.0, "green"), at("a3", may31).score(80.0, "green"));
    assertRows(HealthOverrides.attach(earlier, resolved()).select("account_id", "override_author", "effective_band"), List.of(
        RowFactory.create("a1", null, "green"), // created 06-01, after T
        RowFactory.create("a5", null, "green"), // neither of its two yet
        RowFactory.create("a6", "cid", "red"), // 04-01 12:00 until 06-30 12:00
        RowFactory.create("a3", "bob", "green")));
  }

  static final StructType HISTORY = new StructType().add("account_id", "string").add("as_of_date", "date")
      .add("health_band", "string").add("effective_band", "string");

  @Test
  void theEffectiveViewIsWhatAlertsAndRollupsRead() {
    Dataset<Row> attached = HealthOverrides.attach(health(), resolved());
    Date before = Date.valueOf(T.minusDays(1));
    Dataset<Row> history = TestSpark.spark().createDataFrame(List.of(
        RowFactory.create("a1", before, "green", null), // written before overrides: its computed band counts
        RowFactory.create("a3", before, "yellow", "green"), // its override was in effect then
        RowFactory.create("a3", Date.valueOf(T.minusDays(5)), "red", "red")), HISTORY);
    Dataset<Row> view = HealthOverrides.effectiveView(attached, HealthOverrides.previousEffectiveBand(attached, history));
    assertRows(view.filter(col("account_id").isin("a1", "a3", "a5", "a8"))
        .select("account_id", "health_band", "health_score", "previous_band", "score_change_7d"), List.of(
        RowFactory.create("a1", "red", 70.0, "green", -3.0),
        RowFactory.create("a3", "yellow", 70.0, "green", -3.0),
        RowFactory.create("a5", "yellow", 35.0, null, null), // a person's score: no measured change
        RowFactory.create("a8", "yellow", 70.0, null, -3.0)));
  }

  @Test
  void expiringWithinTheWindowAndExpiredSinceThePreviousRunAlertOnce() {
    Dataset<Row> resolved = resolved();
    Dataset<Row> attached = HealthOverrides.attach(health(), resolved);
    Dataset<Row> view = HealthOverrides.effectiveView(attached, attached.select("account_id", "as_of_date")
        .withColumn(HealthOverrides.PREVIOUS_EFFECTIVE_BAND, lit(null).cast("string")).limit(0));
    Dataset<Row> alerts = HealthOverrides.alerts(view, resolved, lit(Date.valueOf(T.minusDays(1))), CFG);
    assertEquals(HealthAlerts.OUTPUT, List.of(alerts.columns()));
    assertRows(alerts.select("account_id", "alert_reason", "severity", "alert_detail"), List.of(
        RowFactory.create("a4", "override_expiring", "medium",
            "override by bob (band yellow, score 55.0) expires 2024-07-01 00:00 UTC: why a4"),
        RowFactory.create("a3", "override_expired", "medium",
            "override by bob (band green) expired 2024-06-30 23:00 UTC, health is the computed one again: why a3"),
        RowFactory.create("a6", "override_expired", "medium",
            "override by cid (band red) expired 2024-06-30 12:00 UTC, health is the computed one again: why a6")));

    // the next night (previous run T): nothing expired since, a4 has now expired
    LocalDate next = T.plusDays(1);
    List<HealthRows> rows = new ArrayList<>();
    for (String a : List.of("a3", "a4", "a6")) rows.add(at(a, next).score(70.0, "yellow"));
    Dataset<Row> nextAttached = HealthOverrides.attach(HealthRows.of(rows.toArray(HealthRows[]::new)), resolved);
    Dataset<Row> nextView = HealthOverrides.effectiveView(nextAttached, nextAttached.select("account_id", "as_of_date")
        .withColumn(HealthOverrides.PREVIOUS_EFFECTIVE_BAND, lit(null).cast("string")).limit(0));
    assertRows(HealthOverrides.alerts(nextView, resolved, lit(Date.valueOf(T)), CFG).select("account_id", "alert_reason"),
        List.of(RowFactory.create("a4", "override_expired")));
  }

  @Test
  void anExpiringWindowOfZeroDaysTurnsThatAlertOff() {
    Dataset<Row> resolved = resolved();
    Dataset<Row> attached = HealthOverrides.attach(health(), resolved);
    Dataset<Row> view = HealthOverrides.effectiveView(attached, attached.select("account_id", "as_of_date")
        .withColumn(HealthOverrides.PREVIOUS_EFFECTIVE_BAND, lit(null).cast("string")).limit(0));
    assertEquals(List.of("override_expired"), HealthOverrides.alerts(view, resolved, lit(Date.valueOf(T.minusDays(1))),
        new OverridesConfig(90, 365, 0, 20)).select("alert_reason").distinct().as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
  }

  @Test
  void outcomesCountChurnPerComputedBandAndOverride() {
    // a1 red band, a4 yellow band (+ score), a5 score only (effective yellow), a7 green, a10 red; the other five none
    Dataset<Row> attached = HealthOverrides.attach(health(), resolved())
        .withColumn("churned", org.apache.spark.sql.functions.when(col("account_id").isin("a1", "a4", "a2", "a3"), 1.0)
            .otherwise(0.0));
    assertRows(HealthOverrides.outcomes(attached, "churned"), List.of(
        RowFactory.create("yellow", "(no override)", 5L, 2L), // a2, a3 churned; a6, a8, a9 did not
        RowFactory.create("yellow", "green", 1L, 0L), // a7
        RowFactory.create("yellow", "red", 2L, 1L), // a1 churned, a10 not
        RowFactory.create("yellow", "yellow", 2L, 1L))); // a4 churned, a5 not
  }
}
