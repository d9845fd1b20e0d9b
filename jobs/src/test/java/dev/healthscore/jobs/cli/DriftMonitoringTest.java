package dev.healthscore.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.healthscore.testing.Fixtures;
import dev.healthscore.testing.SmallWorld;
import dev.healthscore.testing.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * feature_drift written by nightly, and input volume: a warehouse table shrunk below half its
 * trailing median is an alert named in the summary, and fails the run only with
 * monitoring.block_on_alert.
 */
class DriftMonitoringTest {

  static final String RELAXED = "quality: {max_input_drop: 0.9}\nmonitoring:\n  missing_share_change: {warn: 1, alert: 1}\n";

  static Dataset<Row> drift(String lake, String day) {
    return NightlyCommandTest.table(lake, "feature_drift").filter("as_of_date = DATE'" + day + "'");
  }

  static String config(String yaml) throws IOException {
    Path file = Files.createTempFile(TestSpark.tempDir("cfg"), "drift", ".yaml");
    Files.writeString(file, yaml);
    return file.toString();
  }

  @Test
  void nightlyWritesFeatureDrift_andAShrunkTableIsAnAlertThatBlocksOnlyWhenConfigured() throws IOException {
    String wh = Fixtures.writeParquet(SmallWorld.tables());
    String lake = TestSpark.tempDir("lake").toString();
    String out = NightlyCommandTest.captureStdout(() -> {
      for (String day : List.of("2024-05-31", "2024-06-30")) {
        assertEquals(0, CliTestSupport.run("nightly", "--warehouse", wh, "--lake", lake, "--as-of", day).exitCode());
      }
    });
    assertTrue(out.contains("drift vs training skipped: no champion model (run train)"), out);
    assertTrue(out.contains("drift vs previous run skipped: no account_features before 2024-05-31"), out);

    // first date: only the input volume (no earlier run: ok; usage_events' newest day against the same weekday of the
    // weeks before); second date: inputs and scores against 05-31 too
    Dataset<Row> first = drift(lake, "2024-05-31");
    assertEquals(Set.of("trailing_runs", "same_weekday"), refs(first));
    assertEquals(Set.of("ok"), first.select("status").distinct().collectAsList().stream().map(r -> r.getString(0)).collect(Collectors.toSet()));
    Dataset<Row> second = drift(lake, "2024-06-30");
    assertEquals(Set.of("trailing_runs", "previous_run", "same_weekday"), refs(second));
    Row usage = second.filter("feature = 'usage_events' AND statistic = 'row_count'").first();
    assertEquals(7.0, usage.<Double>getAs("value")); // every row of the table is read (later ones are quarantined)
    assertEquals("ok", usage.getAs("status"));
    assertEquals(5.6, usage.<Double>getAs("threshold"), 1e-12); // warn below 0.8 x median 7
    assertEquals(1, second.filter("feature = 'health_score' AND statistic = 'ks_statistic'").count());

    // usage_events shrunk to 3 rows: 3 < 0.5 x 7. The gate's own input check and the missing-share limits are relaxed
    // to isolate the volume check (with 3 accounts, one account gaining or losing a value moves a share by 1/3).
    Map<String, Dataset<Row>> shrunk = new HashMap<>(SmallWorld.tables());
    shrunk.put("usage_events", shrunk.get("usage_events").limit(3));
    String small = Fixtures.writeParquet(shrunk);
    String blocking = config(RELAXED + "  block_on_alert: true\n");
    String healthRun = runIdOf(lake);
    CliTestSupport.Outcome blocked = CliTestSupport.run("nightly", "--warehouse", small, "--lake", lake, "--as-of", "2024-06-30",
        "--config", blocking);
    assertEquals(4, blocked.exitCode(), blocked.stderr());
    assertTrue(blocked.stderr().contains("FAIL 1 drift alert: usage_events row_count vs trailing_runs (monitoring.block_on_alert)"),
        blocked.stderr());
    assertEquals(healthRun, runIdOf(lake)); // nothing published

    String relaxed = config(RELAXED);
    String named = NightlyCommandTest.captureStdout(() -> assertEquals(0, CliTestSupport.run("nightly", "--warehouse", small,
        "--lake", lake, "--as-of", "2024-06-30", "--config", relaxed).exitCode()));
    assertTrue(named.contains("drift alert: usage_events: 3 rows, alert below 4 (trailing runs)"), named);
    Row alert = drift(lake, "2024-06-30").filter("feature = 'usage_events'").first();
    assertEquals(List.of(3.0, 3.5, "alert"), List.of(alert.getAs("value"), alert.getAs("threshold"), alert.getAs("status")));

    // the run says that no account alert was created from usage features, and why (this small world has no alerts at all)
    assertTrue(named.contains("health_alerts: 0 created from usage_events features, 0 held back "
        + "(usage_events volume alert: 3 rows vs trailing median 7)"), named);
  }

  /** The scorecard measures computed from usage_events (directly or, active_users_per_seat, through a derived feature). */
  static final String USAGE_MEASURES = "'active_users_per_seat', 'distinct_features_30d', 'usage_trend_30d', 'days_since_last_use'";

  /**
   * A generated world whose usage_events stop on 2024-05-31 (generate --empty-table): that
   * night's newest-day volume is an alert naming table and day, no account alert naming a
   * usage measure is created (the run says how many were held back); the override review
   * alerts, which never depend on data, are.
   */
  @Test
  void aTableThatStoppedLoadingCreatesNoAccountAlertsFromItsFeatures() {
    String wh = TestSpark.tempDir("stopped").resolve("wh").toString();
    dev.healthscore.jobs.generate.SampleWorld.generate(TestSpark.spark(), new dev.healthscore.jobs.generate.GeneratorOptions(wh, 120, 6,
        7L, java.time.LocalDate.of(2024, 1, 1), false, null, new dev.healthscore.jobs.generate.InjectedShifts(null, null,
            new dev.healthscore.jobs.generate.InjectedShifts.Emptied("usage_events", java.time.LocalDate.of(2024, 5, 31)))));
    String lake = TestSpark.tempDir("lake").toString();
    assertEquals(0, CliTestSupport.run("nightly", "--warehouse", wh, "--lake", lake, "--as-of", "2024-04-30").exitCode());
    String out = NightlyCommandTest.captureStdout(() ->
        assertEquals(0, CliTestSupport.run("nightly", "--warehouse", wh, "--lake", lake, "--as-of", "2024-05-31").exitCode()));
    Row day = drift(lake, "2024-05-31").filter("statistic = 'rows_on_day' AND feature = 'usage_events'").first();
    assertEquals(List.of("usage_events", "same_weekday", 0.0, "alert"),
        List.of(day.getAs("feature"), day.getAs("reference"), day.getAs("value"), day.getAs("status")), day.toString());
    // the Fridays before had a median of 988 usage events
    assertTrue(out.contains("drift alert: usage_events: 0 rows on 2024-05-31, alert below 494 (same weekday of the weeks before)"), out);
    // every band and score alert of that night named a usage measure among its drivers (usage fell for every account)
    assertTrue(out.contains("health_alerts: 0 created from usage_events features, 26 held back (usage_events volume alert: 0 rows "
        + "on the newest day vs same-weekday median 988)"), out);

    Dataset<Row> alerts = NightlyCommandTest.table(lake, "health_alerts").filter("as_of_date = DATE'2024-05-31'");
    assertEquals(0, alerts.filter("alert_reason NOT LIKE 'override%' AND exists(drivers, d -> d.measure IN (" + USAGE_MEASURES + "))").count());
    // the override review alerts are kept, although one lists distinct_features_30d among its drivers
    assertEquals(List.of("acc-000052 override_expired", "acc-000109 override_expired"), alerts.orderBy("account_id")
        .selectExpr("concat(account_id, ' ', alert_reason)").collectAsList().stream().map(r -> r.getString(0)).toList());
  }

  /**
   * A generated world where, from 2024-05-31 on, the enterprise accounts keep 30 % of their
   * usage events and duration_sec arrives in minutes (generate --shift-segment, --rescale-column):
   * both alert on that first night, from the newest day's rows per segment and its median, while
   * the 30-day features have moved by one day in thirty.
   */
  @Test
  void aSegmentThatLostItsUsageAndAColumnInOtherUnitsAlertOnTheirFirstNight() {
    String wh = TestSpark.tempDir("segment-unit").resolve("wh").toString();
    java.time.LocalDate from = java.time.LocalDate.of(2024, 5, 31);
    dev.healthscore.jobs.generate.SampleWorld.generate(TestSpark.spark(), new dev.healthscore.jobs.generate.GeneratorOptions(wh, 120, 6,
        7L, java.time.LocalDate.of(2024, 1, 1), false, null, new dev.healthscore.jobs.generate.InjectedShifts(
            new dev.healthscore.jobs.generate.InjectedShifts.SegmentUsage("enterprise", from, 0.3),
            new dev.healthscore.jobs.generate.InjectedShifts.Rescale("usage_events", "duration_sec", from, 1 / 60.0), null)));
    String lake = TestSpark.tempDir("lake").toString();
    String out = NightlyCommandTest.captureStdout(() ->
        assertEquals(0, CliTestSupport.run("nightly", "--warehouse", wh, "--lake", lake, "--as-of", "2024-05-31").exitCode()));
    Dataset<Row> day = drift(lake, "2024-05-31").filter("reference = 'same_weekday'");
    Map<String, String> status = day.collectAsList().stream().collect(Collectors.toMap(r -> r.getString(r.fieldIndex("feature")),
        r -> r.getString(r.fieldIndex("status"))));
    assertEquals("alert", status.get("usage_events[segment=enterprise]"), status.toString());
    assertEquals("alert", status.get("usage_events.duration_sec"), status.toString());
    Row median = day.filter("feature = 'usage_events.duration_sec'").first();
    assertEquals(1 / 60.0, median.<Double>getAs("value"), 0.01, median.toString());
    assertTrue(out.contains("drift alert: usage_events[segment=enterprise]: "), out);
    assertTrue(out.contains("drift alert: usage_events.duration_sec: median on 2024-05-31 "), out);
    // the other segments kept their events
    day.filter("feature LIKE 'usage_events[segment=%' AND feature <> 'usage_events[segment=enterprise]'").collectAsList()
        .forEach(r -> assertEquals("ok", r.getAs("status"), r.toString()));
  }

  /**
   * A generated world whose usage events last three times longer from 2024-05-01 on
   * (generate --shift-minutes-from): the nightly of 05-31 against that of 04-30 has the usage
   * minutes in alert, and an input the shift does not touch ok.
   */
  @Test
  void anInjectedShiftInTheSampleWorldIsAnAlertForThatFeatureOnly() {
    String wh = TestSpark.tempDir("shifted").resolve("wh").toString();
    dev.healthscore.jobs.generate.SampleWorld.generate(TestSpark.spark(), new dev.healthscore.jobs.generate.GeneratorOptions(wh, 120, 6,
        7L, java.time.LocalDate.of(2024, 1, 1), false, new dev.healthscore.jobs.generate.GeneratorOptions.MinutesShift(
            java.time.LocalDate.of(2024, 5, 1), 3)));
    String lake = TestSpark.tempDir("lake").toString();
    for (String day : List.of("2024-04-30", "2024-05-31")) {
      assertEquals(0, CliTestSupport.run("nightly", "--warehouse", wh, "--lake", lake, "--as-of", day).exitCode());
    }
    Dataset<Row> ks = drift(lake, "2024-05-31").filter("statistic = 'ks_statistic'");
    Row minutes = ks.filter("feature = 'session_minutes_30d'").first();
    Row seats = ks.filter("feature = 'seats'").first();
    assertEquals("alert", minutes.getAs("status"), minutes.toString());
    assertEquals("ok", seats.getAs("status"), seats.toString());
    ks.orderBy(org.apache.spark.sql.functions.desc("value")).show(10, false); // the log shows the values
  }

  private static Set<String> refs(Dataset<Row> rows) {
    return rows.select("reference").distinct().collectAsList().stream().map(r -> r.getString(0)).collect(Collectors.toSet());
  }

  private static String runIdOf(String lake) {
    return NightlyCommandTest.health(lake).filter("as_of_date = DATE'2024-06-30'").select("run_id").distinct().first().getString(0);
  }
}
