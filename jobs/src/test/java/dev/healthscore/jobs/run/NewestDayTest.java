package dev.healthscore.jobs.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.healthscore.features.config.ConfigException;
import dev.healthscore.features.config.HealthscoreConfig;
import dev.healthscore.features.warehouse.Contract;
import dev.healthscore.models.drift.FeatureDrift;
import dev.healthscore.models.drift.MonitoringConfig;
import dev.healthscore.testing.TestSpark;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * usage_events' newest day against the same weekday of the weeks before: its rows (a day far
 * below them is an alert naming table and day), its rows per segment, and each numeric
 * column's median (a unit change alerts on its first night).
 */
class NewestDayTest {
  static final MonitoringConfig DEFAULTS = MonitoringConfig.from(HealthscoreConfig.defaults());
  static final LocalDate SUNDAY = LocalDate.of(2024, 6, 30);
  static final StructType EVENTS = new StructType().add("account_id", "string").add("event_time", "timestamp")
      .add("duration_sec", "double");
  static final StructType SEGMENTS = new StructType().add("account_id", "string").add("segment", "string");

  /** {@code tonight} events on Sunday 06-30; 10, 12 and 8 on the three Sundays before; 50 on Saturday 06-29; 1 after T. */
  static Dataset<Row> events(int tonight) {
    List<Row> rows = new ArrayList<>();
    add(rows, "A", "2024-06-30 23:59:59", tonight, null);
    add(rows, "A", "2024-06-23 00:00:00", 10, null);
    add(rows, "A", "2024-06-16 12:00:00", 12, null);
    add(rows, "A", "2024-06-09 08:00:00", 8, null); // the first day with rows: the Sundays before it do not count as 0
    add(rows, "A", "2024-06-29 12:00:00", 50, null);
    add(rows, "A", "2024-07-01 00:00:00", 1, null);
    return TestSpark.spark().createDataFrame(rows, EVENTS);
  }

  static void add(List<Row> rows, String account, String time, int n, Double duration) {
    for (int i = 0; i < n; i++) rows.add(RowFactory.create(account + i % 10, Timestamp.valueOf(time), duration));
  }

  static Dataset<Row> segments(Row... rows) {
    return TestSpark.spark().createDataFrame(List.of(rows), SEGMENTS);
  }

  static FeatureDrift.Row total(Dataset<Row> events) {
    List<FeatureDrift.Row> rows = NewestDay.check(events, segments(), Contract.USAGE_EVENTS, SUNDAY, DEFAULTS);
    assertEquals(1, rows.size(), "no segment or column has 100 rows a day: only the table's rows are judged");
    return rows.get(0);
  }

  @Test
  void aNewestDayBelowHalfTheMedianOfTheSameWeekdayIsAnAlertNamingTableAndDay() {
    // same weekday: 10, 12, 8 -> median 10; 2 < 0.5 x 10
    FeatureDrift.Row low = total(events(2));
    assertEquals(new FeatureDrift.Row("usage_events", "same_weekday", "rows_on_day", 2.0, 5.0, "alert"), low);
    assertEquals(List.of("drift: 1 statistics in feature_drift, 1 alert, 0 warn",
        "drift alert: usage_events: 2 rows on 2024-06-30, alert below 5 (same weekday of the weeks before)"),
        DriftMonitoring.summary(List.of(low), SUNDAY));
    assertEquals(new FeatureDrift.Row("usage_events", "same_weekday", "rows_on_day", 7.0, 8.0, "warn"), total(events(7)));
    assertEquals(new FeatureDrift.Row("usage_events", "same_weekday", "rows_on_day", 9.0, 8.0, "ok"), total(events(9)));
    // no rows at all tonight after weeks with rows
    assertEquals(new FeatureDrift.Row("usage_events", "same_weekday", "rows_on_day", 0.0, 5.0, "alert"), total(events(0)));
    // no earlier weeks: nothing to compare with
    assertEquals(new FeatureDrift.Row("usage_events", "same_weekday", "rows_on_day", 3.0, null, "ok"),
        total(events(3).filter("event_time >= TIMESTAMP'2024-06-30 00:00:00'")));
  }

  /**
   * The rows are read through a plain range on event_time (so that the Parquet reader can skip
   * the other days): a day wider on each side than the compared days, the same verdict as
   * without it, and rows outside it never read.
   */
  @Test
  void theComparedWeeksAreReadThroughARangeThatLosesNoneOfTheirRows() {
    Dataset<Row> rows = events(2);
    List<Row> far = new ArrayList<>();
    add(far, "A", "2024-05-10 23:59:59", 3, null); // 7 weeks before T is 05-12: two days earlier
    add(far, "A", "2024-05-11 00:00:00", 4, null); // a day earlier: kept
    add(far, "A", "2024-07-02 00:00:00", 5, null); // two days after T: not kept
    rows = rows.unionByName(TestSpark.spark().createDataFrame(far, EVENTS));
    Dataset<Row> read = rows.filter(NewestDay.weeksOf(Contract.USAGE_EVENTS, SUNDAY, DEFAULTS));
    assertEquals(2 + 10 + 12 + 8 + 50 + 1 + 4, read.count());
    assertEquals(total(events(2)), total(read));
  }

  /**
   * Accounts S0..S9 of segment smb, E0..E9 of "Enterprise " (compared lower-cased and trimmed),
   * N0 without a segment. Each of the three Sundays before: 10 smb, 10 enterprise and 1 N0
   * event, every one 60 seconds long. Tonight: smb thinned to 2 events, enterprise 10, N0 1,
   * every one 1 second long (a tracking change that reports minutes as seconds).
   */
  @Test
  void aSegmentThatLostItsEventsAndAColumnThatChangedItsUnitAlertOnTheFirstNight() {
    MonitoringConfig c = MonitoringConfig.from(HealthscoreConfig.fromYaml("monitoring: {newest_day: {min_rows: 4}}", "test"));
    List<Row> rows = new ArrayList<>();
    for (String day : List.of("2024-06-09 10:00:00", "2024-06-16 10:00:00", "2024-06-23 10:00:00")) {
      add(rows, "S", day, 10, 60.0);
      add(rows, "E", day, 10, 60.0);
      add(rows, "N", day, 1, 60.0);
    }
    add(rows, "S", "2024-06-30 10:00:00", 2, 1.0);
    add(rows, "E", "2024-06-30 10:00:00", 10, 1.0);
    add(rows, "N", "2024-06-30 10:00:00", 1, 1.0);
    List<Row> accounts = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      accounts.add(RowFactory.create("S" + i, "smb"));
      accounts.add(RowFactory.create("E" + i, "Enterprise "));
    }
    accounts.add(RowFactory.create("N0", null));
    List<FeatureDrift.Row> out = NewestDay.check(TestSpark.spark().createDataFrame(rows, EVENTS),
        TestSpark.spark().createDataFrame(accounts, SEGMENTS), Contract.USAGE_EVENTS, SUNDAY, c);

    // the table: 13 vs a median of 21: below 80 % (16.8), not below 50 % (10.5)
    // enterprise: 10 vs 10, ok (threshold 80 % of 10); smb: 2 vs 10, below 50 % of 10; (none): 1 a day, fewer than min_rows 4
    // duration_sec: median 1 vs 60 -> ratio 1/60, 60 times below: beyond the alert factor 2
    assertEquals(4, out.size(), out.toString());
    assertRow(new FeatureDrift.Row("usage_events", "same_weekday", "rows_on_day", 13.0, 16.8, "warn"), out.get(0));
    assertRow(new FeatureDrift.Row("usage_events[segment=enterprise]", "same_weekday", "rows_on_day", 10.0, 8.0, "ok"), out.get(1));
    assertRow(new FeatureDrift.Row("usage_events[segment=smb]", "same_weekday", "rows_on_day", 2.0, 5.0, "alert"), out.get(2));
    assertRow(new FeatureDrift.Row("usage_events.duration_sec", "same_weekday", "median_on_day", 1 / 60.0, 2.0, "alert"), out.get(3));

    assertEquals(List.of("drift: 4 statistics in feature_drift, 2 alert, 1 warn",
        "drift alert: usage_events.duration_sec: median on 2024-06-30 0.0167 times the same weekday's of the weeks before "
            + "(alert beyond 2.00 times above or below)",
        "drift alert: usage_events[segment=smb]: 2 rows on 2024-06-30, alert below 5 (same weekday of the weeks before)"),
        DriftMonitoring.summary(out, SUNDAY));
    // both are data problems of usage_events: its features' account alerts are held back
    assertEquals(List.of("usage_events", "usage_events"), out.stream().filter(r -> FeatureDrift.isDataProblem(r) && r.alert())
        .map(FeatureDrift::table).toList());
    assertEquals("usage_events.duration_sec median alert: 0.0167 times the same-weekday median on the newest day",
        AlertsAndRollups.dataProblemCause(out.get(3), c));
    assertEquals("usage_events[segment=smb] volume alert: 2 rows on the newest day vs same-weekday median 10",
        AlertsAndRollups.dataProblemCause(out.get(2), c));
  }

  @Test
  void aMedianFactorIsJudgedAboveAndBelowAlike() {
    // reference: the median of 10, 30, 20 = 20
    assertRow(new FeatureDrift.Row("t.c", "same_weekday", "median_on_day", 1.6, 1.5, "warn"),
        FeatureDrift.dayMedian("t.c", 32, List.of(10.0, 30.0, 20.0), DEFAULTS));
    assertRow(new FeatureDrift.Row("t.c", "same_weekday", "median_on_day", 0.6, 1.5, "warn"),
        FeatureDrift.dayMedian("t.c", 12, List.of(10.0, 30.0, 20.0), DEFAULTS)); // 1 / 0.6 = 1.67
    assertRow(new FeatureDrift.Row("t.c", "same_weekday", "median_on_day", 0.0, 2.0, "alert"),
        FeatureDrift.dayMedian("t.c", 0, List.of(10.0, 30.0, 20.0), DEFAULTS));
    assertRow(new FeatureDrift.Row("t.c", "same_weekday", "median_on_day", 1.1, 1.5, "ok"),
        FeatureDrift.dayMedian("t.c", 22, List.of(10.0, 30.0, 20.0), DEFAULTS));
    assertEquals(null, FeatureDrift.dayMedian("t.c", 5, List.of(), DEFAULTS), "nothing to compare with");
    assertEquals(null, FeatureDrift.dayMedian("t.c", 5, List.of(0.0, 0.0), DEFAULTS), "no ratio to a median of 0");
    ConfigException e = assertThrows(ConfigException.class, () -> MonitoringConfig.from(
        HealthscoreConfig.fromYaml("monitoring: {newest_day: {median_factor: {warn: 0.5, alert: 2}}}", "my.yaml")));
    assertTrue(e.getMessage().contains("monitoring.newest_day.median_factor.warn: must be above 1"), e.getMessage());
  }

  static void assertRow(FeatureDrift.Row expected, FeatureDrift.Row actual) {
    assertEquals(List.of(expected.feature(), expected.reference(), expected.statistic(), expected.status()),
        List.of(actual.feature(), actual.reference(), actual.statistic(), actual.status()), actual.toString());
    assertEquals(expected.value(), actual.value(), 1e-9, actual.toString());
    assertEquals(expected.threshold(), actual.threshold(), 1e-9, actual.toString());
  }
}
