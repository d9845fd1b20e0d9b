package dev.healthscore.jobs.report;

import static dev.healthscore.jobs.report.ReportCommandTest.section;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.healthscore.features.run.StepTimer;
import dev.healthscore.jobs.lake.Lake;
import dev.healthscore.jobs.lake.LakeTables;
import dev.healthscore.testing.TestSpark;
import java.io.IOException;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

/** The drift section's map of the last nights, from a real feature_drift table written as nightly writes it. */
class DriftSectionTest {
  static final LocalDate D1 = LocalDate.parse("2024-09-28");
  static final LocalDate D2 = LocalDate.parse("2024-09-29");
  static final LocalDate D3 = LocalDate.parse("2024-09-30");

  static Row row(LocalDate d, String feature, String reference, String statistic, Double value, Double threshold, String status) {
    return RowFactory.create(Date.valueOf(d), feature, reference, statistic, value, threshold, status, null);
  }

  /** Replaces the rows of the given dates, as nightly does (one commit, partitions of other dates untouched). */
  static void write(Lake lake, List<LocalDate> dates, List<Row> rows) {
    lake.replaceDates(LakeTables.FEATURE_DRIFT, TestSpark.spark().createDataFrame(rows, LakeTables.FEATURE_DRIFT_SCHEMA), dates,
        LakeTables.FEATURE_DRIFT_DOC);
  }

  /** (status, tooltip) of every heat map cell, in document order (rows top down, nights left to right). */
  static List<String> cells(String html) {
    Matcher m = Pattern.compile("<rect class=\"mark cell (\\w+)\"[^>]*><title>([^<]*)</title></rect>").matcher(html);
    List<String> out = new ArrayList<>();
    while (m.find()) out.add(m.group(1) + " | " + m.group(2));
    return out;
  }

  /**
   * Three nights x two inputs with known PSI and status, a score's PSI against the previous run
   * and a KS row (not mapped), the volume of usage_events (its newest-day row on the last night
   * only); the last night written twice, the second run replacing the first.
   */
  @Test
  void threeNights_twoInputs_cellsColouredByStoredStatus_valuesInTooltips() throws IOException {
    String root = ReportFixtureLake.writeEvaluationOnly();
    Lake lake = new Lake(TestSpark.spark(), root);
    List<Row> first = new ArrayList<>(List.of(
        row(D1, "active_users_30d", "training", "psi", 0.05, 0.1, "ok"),
        row(D1, "seats", "training", "psi", 0.02, 0.1, "ok"),
        row(D1, "usage_events", "trailing_runs", "row_count", 1000.0, null, "ok"),
        row(D2, "active_users_30d", "training@month_end-7d", "psi", 0.12, 0.1, "warn"),
        row(D2, "seats", "training@month_end-7d", "psi", 0.01, 0.1, "ok"),
        row(D2, "active_users_30d", "previous_run", "ks_statistic", 0.4, 0.2, "alert"),
        row(D2, "usage_events", "trailing_runs", "row_count", 1000.0, 800.0, "ok"),
        // the first run of the last night: replaced below
        row(D3, "seats", "training", "psi", 0.9, 0.25, "alert")));
    write(lake, List.of(D1, D2, D3), first);
    write(lake, List.of(D3), List.of(
        row(D3, "active_users_30d", "training", "psi", 0.30, 0.25, "alert"),
        row(D3, "seats", "training", "psi", 0.04, 0.1, "ok"),
        row(D3, "health_score", "previous_run", "psi", 0.5, 0.25, "alert"),
        row(D3, "usage_events", "trailing_runs", "row_count", 300.0, 500.0, "alert"),
        row(D3, "usage_events", "same_weekday", "rows_on_day", 10.0, 40.0, "alert")));

    String html = section(ReportCommandTest.report(root, null), "drift");
    assertTrue(html.contains("<p>The last <b>3</b> nightly runs (2024-09-28 to 2024-09-30): each model input's PSI against the "
        + "champion's training profile, and each warehouse table's rows, coloured by the status feature_drift stored for the "
        + "night. Hover a cell for its value and limit.</p>"), html);
    // inputs by their highest PSI (0.30 before 0.04), then the tables; the second run of 09-30 replaced the first (seats 0.04)
    assertEquals(List.of(
        "ok | active_users_30d, 2024-09-28: PSI 0.050 against training, ok (warn limit 0.1)",
        "warn | active_users_30d, 2024-09-29: PSI 0.120 against training@month_end-7d, warn (warn limit 0.1)",
        "alert | active_users_30d, 2024-09-30: PSI 0.300 against training, alert (alert limit 0.25)",
        "ok | seats, 2024-09-28: PSI 0.020 against training, ok (warn limit 0.1)",
        "ok | seats, 2024-09-29: PSI 0.010 against training@month_end-7d, ok (warn limit 0.1)",
        "ok | seats, 2024-09-30: PSI 0.040 against training, ok (warn limit 0.1)",
        "ok | usage_events, 2024-09-28: 1,000 rows read against the trailing runs, ok (no limit)",
        "ok | usage_events, 2024-09-29: 1,000 rows read against the trailing runs, ok (warn limit 800)",
        "alert | usage_events, 2024-09-30: 300 rows read against the trailing runs, alert (alert limit 500)",
        "alert | usage_events, 2024-09-30: 10 rows dated on the night against the same weekday, alert (alert limit 40)"),
        cells(html));
    assertEquals(List.of("ok", "warn: PSI \u2265 0.1", "alert: PSI \u2265 0.25"), ReportCommandTest.textsOfClass(html, "legend-label"));
    assertEquals(List.of("fill=\"" + DriftSection.WARN_COLOUR + "\"", "fill=\"" + DriftSection.OK_COLOUR + "\"",
        "fill=\"" + DriftSection.ALERT_COLOUR + "\""), fills(html, "warn | active_users_30d, 2024-09-29", "ok | seats, 2024-09-28",
        "alert | usage_events, 2024-09-30: 300"));
    // the newest day's row exists on 09-30 only: the earlier nights are empty cells, not data
    assertEquals(2, ReportCommandTest.count(html, "<rect class=\"cell-none\""));
    assertTrue(html.contains("<title>usage_events, on the day, 2024-09-28: not in feature_drift</title>"), html);
    // the dates over the columns (the latest first, then every second: two 36-unit columns per date label), the row labels
    assertEquals(List.of("2024-09-30", "2024-09-28", "active_users_30d", "seats", "usage_events", "usage_events, on the day"),
        ReportCommandTest.textsOfClass(html, "tick"));
    // the latest night's table, as before: the 5 rows of 09-30's second run, 4 in alert
    assertTrue(html.contains("Nightly run of <b>2024-09-30</b>: 5 statistics, 4 in alert, 0 in warn."), html);
  }

  private static List<String> fills(String html, String... cells) {
    List<String> out = new ArrayList<>();
    for (String c : cells) {
      String status = c.substring(0, c.indexOf(" | "));
      String title = c.substring(c.indexOf(" | ") + 3);
      Matcher m = Pattern.compile("<rect class=\"mark cell " + status + "\"[^>]*(fill=\"[^\"]*\")><title>" + Pattern.quote(title))
          .matcher(html);
      assertTrue(m.find(), c);
      out.add(m.group(1));
    }
    return out;
  }

  /** 32 nights of 27 inputs: the map shows the latest 30 nights and the 25 inputs of highest PSI, and says how many more. */
  @Test
  void moreThanThirtyNights_latestThirtyShown_inputsCapped() {
    Lake lake = new Lake(TestSpark.spark(), TestSpark.tempDir("drift-lake").toString());
    List<LocalDate> dates = new ArrayList<>();
    List<Row> rows = new ArrayList<>();
    for (int day = 0; day < 32; day++) {
      LocalDate d = LocalDate.parse("2024-08-01").plusDays(day);
      dates.add(d);
      for (int k = 1; k <= 27; k++) rows.add(row(d, String.format("input_%02d", k), "training", "psi", k / 1000.0, 0.1, "ok"));
    }
    write(lake, dates, rows);
    DriftSection.Data data = DriftSection.read(lake, new StepTimer("report")).orElseThrow();
    assertEquals(LocalDate.parse("2024-08-03"), data.nights().get(0));
    assertEquals(LocalDate.parse("2024-09-01"), data.asOf());
    assertEquals(30, data.nights().size());
    assertEquals(30 * 27, data.history().size()); // one read: every mapped row of the 30 nights, none of the 2 before
    assertEquals(27, data.rows().size());

    String html = DriftSection.body(data);
    assertTrue(html.contains("<p>The last <b>30</b> nightly runs (2024-08-03 to 2024-09-01)"), html);
    List<String> cells = cells(html);
    assertEquals(25 * 30, cells.size());
    assertEquals("ok | input_27, 2024-08-03: PSI 0.027 against training, ok (warn limit 0.1)", cells.get(0));
    assertEquals("ok | input_27, 2024-09-01: PSI 0.027 against training, ok (warn limit 0.1)", cells.get(29));
    assertEquals("ok | input_03, 2024-09-01: PSI 0.003 against training, ok (warn limit 0.1)", cells.get(cells.size() - 1));
    assertFalse(html.contains("input_02") || html.contains("2024-08-02"), "an input or night beyond the caps is drawn");
    assertTrue(html.contains("<p class=\"note\">2 more inputs, with lower PSI, are in feature_drift.</p>"), html);
    // no PSI alert in these nights: the legend says so rather than inventing the limit
    assertEquals(List.of("ok", "warn: PSI \u2265 0.1", "alert (no PSI alert in these nights)"),
        ReportCommandTest.textsOfClass(html, "legend-label"));
  }

  @Test
  void noFeatureDrift_noData() {
    Lake lake = new Lake(TestSpark.spark(), ReportFixtureLake.writeEvaluationOnly());
    assertTrue(DriftSection.read(lake, new StepTimer("report")).isEmpty());
  }
}
