package dev.healthscore.jobs.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

/** usage_events' rows of the newest day against the same weekday of the weeks before: a day far below them is an alert naming table and day. */
class NewestDayVolumeTest {
  static final MonitoringConfig DEFAULTS = MonitoringConfig.from(HealthscoreConfig.defaults());
  static final LocalDate SUNDAY = LocalDate.of(2024, 6, 30);

  /** {@code tonight} events on Sunday 06-30; 10, 12 and 8 on the three Sundays before; 50 on Saturday 06-29; 1 after T. */
  static Dataset<Row> events(int tonight) {
    List<Row> rows = new ArrayList<>();
    add(rows, "2024-06-30 23:59:59", tonight);
    add(rows, "2024-06-23 00:00:00", 10);
    add(rows, "2024-06-16 12:00:00", 12);
    add(rows, "2024-06-09 08:00:00", 8); // the first day with rows: the Sundays before it do not count as 0
    add(rows, "2024-06-29 12:00:00", 50);
    add(rows, "2024-07-01 00:00:00", 1);
    return TestSpark.spark().createDataFrame(rows, new StructType().add("account_id", "string").add("event_time", "timestamp"));
  }

  static void add(List<Row> rows, String time, int n) {
    for (int i = 0; i < n; i++) rows.add(RowFactory.create("A" + i, Timestamp.valueOf(time)));
  }

  @Test
  void aNewestDayBelowHalfTheMedianOfTheSameWeekdayIsAnAlertNamingTableAndDay() {
    // same weekday: 10, 12, 8 -> median 10; 2 < 0.5 x 10
    FeatureDrift.Row low = DriftMonitoring.newestDay(events(2), Contract.USAGE_EVENTS, SUNDAY, DEFAULTS);
    assertEquals(new FeatureDrift.Row("usage_events", "same_weekday", "rows_on_day", 2.0, 5.0, "alert"), low);
    assertEquals(List.of("drift: 1 statistics in feature_drift, 1 alert, 0 warn",
        "drift alert: usage_events: 2 rows on 2024-06-30, alert below 5 (same weekday of the weeks before)"),
        DriftMonitoring.summary(List.of(low), SUNDAY));
    assertEquals(new FeatureDrift.Row("usage_events", "same_weekday", "rows_on_day", 7.0, 8.0, "warn"),
        DriftMonitoring.newestDay(events(7), Contract.USAGE_EVENTS, SUNDAY, DEFAULTS));
    assertEquals(new FeatureDrift.Row("usage_events", "same_weekday", "rows_on_day", 9.0, 8.0, "ok"),
        DriftMonitoring.newestDay(events(9), Contract.USAGE_EVENTS, SUNDAY, DEFAULTS));
    // no rows at all tonight after weeks with rows
    assertEquals(new FeatureDrift.Row("usage_events", "same_weekday", "rows_on_day", 0.0, 5.0, "alert"),
        DriftMonitoring.newestDay(events(0), Contract.USAGE_EVENTS, SUNDAY, DEFAULTS));
    // no earlier weeks: nothing to compare with
    assertEquals(new FeatureDrift.Row("usage_events", "same_weekday", "rows_on_day", 3.0, null, "ok"),
        DriftMonitoring.newestDay(events(3).filter("event_time >= TIMESTAMP'2024-06-30 00:00:00'"), Contract.USAGE_EVENTS, SUNDAY, DEFAULTS));
  }
}
