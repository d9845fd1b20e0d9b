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

    // first date: only the input volume (no earlier run: ok); second date: inputs and scores against 05-31 too
    Dataset<Row> first = drift(lake, "2024-05-31");
    assertEquals(Set.of("trailing_runs"), refs(first));
    assertEquals(Set.of("ok"), first.select("status").distinct().collectAsList().stream().map(r -> r.getString(0)).collect(Collectors.toSet()));
    Dataset<Row> second = drift(lake, "2024-06-30");
    assertEquals(Set.of("trailing_runs", "previous_run"), refs(second));
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
