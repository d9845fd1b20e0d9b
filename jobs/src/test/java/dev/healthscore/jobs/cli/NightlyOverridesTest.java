package dev.healthscore.jobs.cli;

import static dev.healthscore.jobs.cli.NightlyCommandTest.captureStdout;
import static dev.healthscore.jobs.cli.NightlyCommandTest.table;
import static dev.healthscore.testing.Fixtures.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.healthscore.features.warehouse.Contract;
import dev.healthscore.testing.Fixtures;
import dev.healthscore.testing.SmallWorld;
import dev.healthscore.testing.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

/**
 * Five nights (2024-06-26 to 06-30) of the small world with people's overrides, the worked
 * example of docs/overrides.md:
 * <ul>
 *   <li>A1: band red, set 06-27 15:00, expires 06-29 12:00: in effect on 06-27 and 06-28 only.</li>
 *   <li>A4: score 35, set 06-28 09:00 without expiry (90 days), then band green set 06-30 10:00:
 *       the later one wins on 06-30.</li>
 *   <li>ZZ: an account not in accounts: quarantined, counted.</li>
 * </ul>
 */
class NightlyOverridesTest {
  static final List<String> NIGHTS = List.of("2024-06-26", "2024-06-27", "2024-06-28", "2024-06-29", "2024-06-30");

  static String warehouse() {
    Map<String, Dataset<Row>> tables = new LinkedHashMap<>(SmallWorld.tables());
    tables.put("health_overrides", table(Contract.HEALTH_OVERRIDES,
        new Object[] {"A1", "red", null, "executive sponsor left", "csm1", "2024-06-27 15:00:00", "2024-06-29 12:00:00"},
        new Object[] {"A4", null, 35.0, "renewal at risk after outage", "csm2", "2024-06-28 09:00:00", null},
        new Object[] {"A4", "green", null, "outage credited, customer happy", "csm2", "2024-06-30 10:00:00", null},
        new Object[] {"ZZ", "red", null, "typo in the account id", "csm1", "2024-06-27 15:00:00", null}));
    return Fixtures.writeParquet(tables);
  }

  /** The small world quarantines one row of ten here: the gate's share is raised for it. */
  static String config() throws Exception {
    Path f = TestSpark.tempDir("config").resolve("overrides.yaml");
    Files.writeString(f, "quality: {max_quarantine_share: 0.5}\n");
    return f.toString();
  }

  static List<Object> values(Row r) {
    List<Object> v = new ArrayList<>();
    for (int i = 0; i < r.length(); i++) v.add(r.get(i));
    return v;
  }

  @Test
  void fiveNightsAcrossAnOverridesStartAndExpiry() throws Exception {
    String wh = warehouse();
    String lake = TestSpark.tempDir("lake").toString();
    String cfg = config();
    StringBuilder stdout = new StringBuilder();
    for (String night : NIGHTS) {
      stdout.append(captureStdout(() -> assertEquals(0,
          CliTestSupport.run("nightly", "--warehouse", wh, "--lake", lake, "--as-of", night, "--config", cfg).exitCode())));
    }
    Dataset<Row> health = table(lake, "account_health");

    // A1: the computed band stays; the effective band is the override's while it is in effect
    List<Row> a1 = health.filter("account_id = 'A1'").orderBy("as_of_date").selectExpr("CAST(as_of_date AS STRING)",
        "health_band", "override_band", "override_author", "CAST(override_expires AS STRING)", "effective_band",
        "effective_score = health_score").collectAsList();
    String computed = a1.get(0).getString(1);
    assertEquals("yellow", computed); // all five nights, as docs/overrides.md shows
    List<List<Object>> expected = new ArrayList<>();
    for (String night : NIGHTS) {
      boolean inEffect = night.equals("2024-06-27") || night.equals("2024-06-28");
      expected.add(java.util.Arrays.asList(night, computed, inEffect ? "red" : null, inEffect ? "csm1" : null,
          inEffect ? "2024-06-29 12:00:00" : null, inEffect ? "red" : computed, true));
    }
    assertEquals(expected, a1.stream().map(NightlyOverridesTest::values).toList());

    // A4: the score-only override from 06-28, replaced on 06-30 by the later band-only one (expiry: created + 90 days)
    List<Row> a4 = health.filter("account_id = 'A4' AND as_of_date >= DATE'2024-06-28'").orderBy("as_of_date")
        .selectExpr("CAST(as_of_date AS STRING)", "override_band", "override_score", "CAST(override_expires AS STRING)",
            "effective_score", "effective_band = health_band", "effective_score = health_score").collectAsList();
    assertEquals(List.of(
        java.util.Arrays.asList("2024-06-28", null, 35.0, "2024-09-26 09:00:00", 35.0, true, false),
        java.util.Arrays.asList("2024-06-29", null, 35.0, "2024-09-26 09:00:00", 35.0, true, false)),
        a4.subList(0, 2).stream().map(NightlyOverridesTest::values).toList());
    Row a4Last = health.filter("account_id = 'A4' AND as_of_date = DATE'2024-06-30'").first();
    assertEquals("green", a4Last.getAs("effective_band"));
    assertEquals(a4Last.<Double>getAs("health_score"), a4Last.<Double>getAs("effective_score"));

    // the alerts: A1's override is new and red (band_worsened) and expiring on 06-27, cooling down on 06-28,
    // expired on 06-29; A4's override expires in 90 days: no review alert
    List<String> alerts = table(lake, "health_alerts").filter("account_id IN ('A1', 'A4')").orderBy("as_of_date", "alert_reason")
        .selectExpr("concat(account_id, ' ', CAST(as_of_date AS STRING), ' ', alert_reason, ' ', severity)")
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    assertEquals(List.of("A1 2024-06-27 band_worsened high", "A1 2024-06-27 override_expiring medium",
        "A1 2024-06-29 override_expired medium"), alerts);
    Row expired = table(lake, "health_alerts").filter("alert_reason = 'override_expired'").first();
    assertEquals("override by csm1 (band red) expired 2024-06-29 12:00 UTC, health is the computed one again: executive sponsor left",
        expired.getAs("alert_detail"));

    // the rollups count effective bands
    for (String night : NIGHTS) {
      Dataset<Row> ofNight = health.filter("as_of_date = DATE'" + night + "'");
      Row total = table(lake, "health_by_segment").filter("as_of_date = DATE'" + night + "' AND breakdown = 'total'").first();
      for (String band : List.of("green", "yellow", "red")) {
        assertEquals(ofNight.filter("effective_band = '" + band + "'").count(), total.<Long>getAs("accounts_" + band), night + " " + band);
      }
    }

    // the run summary counts them; the bad row is quarantined with its rule
    assertTrue(stdout.toString().contains("nightly: overrides active at 2024-06-28: 2 accounts, band changed for 1"), stdout.toString());
    assertTrue(stdout.toString().contains("override_expiring=1, override_expired=0}"), stdout.toString());
    assertEquals(1, table(lake, "quarantine").filter("table_name = 'health_overrides' AND rule = 'unknown_account' "
        + "AND as_of_date = DATE'2024-06-30'").count());

    // a backfill of 06-27 after the later overrides exist gives 06-27's rows again: nothing set after T applies
    List<Row> before = health.filter("as_of_date = DATE'2024-06-27'").drop("run_id", "computed_at").collectAsList();
    assertEquals(0, CliTestSupport.run("nightly", "--warehouse", wh, "--lake", lake, "--as-of", "2024-06-27", "--config", cfg).exitCode());
    TestSpark.assertRows(table(lake, "account_health").filter("as_of_date = DATE'2024-06-27'").drop("run_id", "computed_at"), before);
  }
}
