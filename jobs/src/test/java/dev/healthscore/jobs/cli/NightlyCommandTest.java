package dev.healthscore.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.healthscore.testing.Fixtures;
import dev.healthscore.testing.SmallWorld;
import dev.healthscore.testing.TestSpark;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.sql.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;

class NightlyCommandTest {
  static final List<String> ALERTS_AND_ROLLUPS = List.of("health_alerts", "health_by_segment", "account_hierarchy_health",
      "account_worklist", "account_opportunities");

  static Dataset<Row> health(String lake) {
    return table(lake, "account_health");
  }

  static Dataset<Row> table(String lake, String name) {
    return TestSpark.spark().read().format("delta").load(lake + "/" + name);
  }

  @Test
  void writesAccountHealth_rerunsAreIdempotent_trendsAcrossRuns() {
    String wh = Fixtures.writeParquet(SmallWorld.tables());
    String lake = TestSpark.tempDir("lake").toString();
    StringBuilder stdout = new StringBuilder();
    for (String day : List.of("2024-04-01", "2024-05-31", "2024-06-30")) {
      stdout.append(captureStdout(() ->
          assertEquals(0, CliTestSupport.run("nightly", "--warehouse", wh, "--lake", lake, "--as-of", day).exitCode())));
    }
    List<Row> first = health(lake).filter("as_of_date = DATE'2024-06-30'").drop("run_id", "computed_at")
        .orderBy("account_id").collectAsList();
    Map<String, List<Row>> alertsAndRollups = new LinkedHashMap<>();
    for (String table : ALERTS_AND_ROLLUPS) alertsAndRollups.put(table, table(lake, table).collectAsList());
    // a re-run of 06-30 replaces that date's rows
    assertEquals(0, CliTestSupport.run("nightly", "--warehouse", wh, "--lake", lake, "--as-of", "2024-06-30").exitCode());
    checkAlertsAndRollups(lake, alertsAndRollups, stdout.toString());
    Dataset<Row> all = health(lake);
    // exactly one row per active account per date; re-runs replaced their date only
    assertEquals(3, all.filter("as_of_date = DATE'2024-06-30'").count());
    assertEquals(3, all.filter("as_of_date = DATE'2024-05-31'").count()); // A1, A3 (churns 06-01), A4
    assertEquals(3, all.filter("as_of_date = DATE'2024-04-01'").count());
    TestSpark.assertRows(all.filter("as_of_date = DATE'2024-06-30'").drop("run_id", "computed_at"), first);

    Row a1 = all.filter("as_of_date = DATE'2024-06-30' AND account_id = 'A1'").first();
    double score = a1.getAs("health_score");
    assertTrue(score >= 0 && score <= 100);
    assertTrue(List.of("green", "yellow", "red").contains(a1.<String>getAs("health_band")));
    assertEquals(null, (Object) a1.getAs("churn_probability")); // no model trained yet
    // 30-day trend: the run of 05-31 lies in [T-60, T-30]; 90-day: 04-01 lies in [T-180, T-90]
    Row may = all.filter("as_of_date = DATE'2024-05-31' AND account_id = 'A1'").first();
    Row apr = all.filter("as_of_date = DATE'2024-04-01' AND account_id = 'A1'").first();
    assertEquals(score - may.<Double>getAs("health_score"), a1.<Double>getAs("score_change_30d"), 1e-9);
    assertEquals(score - apr.<Double>getAs("health_score"), a1.<Double>getAs("score_change_90d"), 1e-9);
    assertEquals(null, (Object) a1.getAs("score_change_7d"));
    assertEquals(may.<String>getAs("health_band"), a1.getAs("previous_band"));
    assertNotNull(a1.getAs("drivers"));
    assertEquals(1200.0, a1.<Double>getAs("arr"));

    // the quality gate reads the runs log: clean input passes, an impossible limit fails
    assertEquals(0, CliTestSupport.run("quality-gate", "--lake", lake, "--as-of", "2024-06-30",
        "--max-quarantine-share", "0").exitCode());
    CliTestSupport.Outcome gate = CliTestSupport.run("quality-gate", "--lake", lake, "--as-of", "2024-06-30",
        "--max-account-drop", "-0.5");
    assertEquals(4, gate.exitCode()); // ExitCodes.GATE_FAILED
    assertEquals("healthscore quality-gate: quality gate failed for 2024-06-30: FAIL accounts: 3 vs 3 on 2024-05-31 "
        + "(drop limit -50%)", gate.stderr());
  }

  @Test
  void badParentLinks_areCountedAndNamedInTheSummary() {
    Map<String, Dataset<Row>> tables = new LinkedHashMap<>(SmallWorld.tables());
    // A4's parent is A1; making A1's parent A4 closes a cycle
    tables.put("accounts", tables.get("accounts").withColumn("parent_account_id",
        functions.when(functions.col("account_id").equalTo("A1"), functions.lit("A4"))
            .otherwise(functions.col("parent_account_id"))));
    String wh = Fixtures.writeParquet(tables);
    String lake = TestSpark.tempDir("lake").toString();
    String stdout = captureStdout(() ->
        assertEquals(0, CliTestSupport.run("nightly", "--warehouse", wh, "--lake", lake, "--as-of", "2024-06-30").exitCode()));
    assertTrue(stdout.contains("nightly: bad parent links, accounts listed on their own in account_hierarchy_health: "
        + "{cycle=2} (e.g. A1, A4)"), stdout);
    assertEquals(2, table(lake, "account_hierarchy_health").filter("hierarchy_issue = 'cycle'").count());
  }

  /**
   * The alert feed and the rollups nightly writes after account_health. Active at 06-30: A1
   * (smb/emea/retail/csm1, ARR 1200), A4 (child of A1, mid_market/apac/health/csm2, ARR 800 from
   * c5 starting on T) and A5 (smb/emea/retail, no CSM, no contract); at 05-31: A1, A3 (no
   * contract), A4 (ARR 500 from c4).
   */
  static void checkAlertsAndRollups(String lake, Map<String, List<Row>> beforeReruns, String stdout) {
    // re-running 06-30 replaced 06-30 only: the other dates' rows are untouched (same run_id), 06-30's are equal
    for (String name : ALERTS_AND_ROLLUPS) {
      Dataset<Row> now = table(lake, name);
      List<Row> before = beforeReruns.get(name);
      TestSpark.assertRows(now.filter("as_of_date <> DATE'2024-06-30'"),
          before.stream().filter(r -> !r.getAs("as_of_date").toString().equals("2024-06-30")).toList());
      List<Row> t = before.stream().filter(r -> r.getAs("as_of_date").toString().equals("2024-06-30")).toList();
      int drop = t.isEmpty() ? 0 : t.get(0).fieldIndex("run_id");
      TestSpark.assertRows(now.filter("as_of_date = DATE'2024-06-30'").drop("run_id", "computed_at"),
          t.stream().map(r -> withoutRunColumns(r, drop)).toList());
      assertEquals(t.isEmpty() ? 0 : 1, now.filter("as_of_date = DATE'2024-06-30'").select("run_id").distinct().count(), name);
    }

    Dataset<Row> hierarchy = table(lake, "account_hierarchy_health");
    TestSpark.assertRows(hierarchy.select("as_of_date", "top_account_id", "top_account_active", "hierarchy_issue",
        "accounts", "descendants", "max_depth", "own_arr", "arr"), List.of(
        RowFactory.create(Date.valueOf("2024-06-30"), "A1", true, null, 2L, 1L, 1, 1200.0, 2000.0),
        RowFactory.create(Date.valueOf("2024-06-30"), "A5", true, null, 1L, 0L, 0, 0.0, 0.0),
        RowFactory.create(Date.valueOf("2024-05-31"), "A1", true, null, 2L, 1L, 1, 1200.0, 1700.0),
        RowFactory.create(Date.valueOf("2024-05-31"), "A3", true, null, 1L, 0L, 0, 0.0, 0.0),
        RowFactory.create(Date.valueOf("2024-04-01"), "A1", true, null, 2L, 1L, 1, 1200.0, 1700.0),
        RowFactory.create(Date.valueOf("2024-04-01"), "A3", true, null, 1L, 0L, 0, 0.0, 0.0)));

    Dataset<Row> bySegment = table(lake, "health_by_segment").filter("as_of_date = DATE'2024-06-30'");
    TestSpark.assertRows(bySegment.filter("breakdown IN ('detail', 'segment', 'total')")
        .select("breakdown", "segment", "region", "industry", "csm_owner", "accounts", "arr"), List.of(
        RowFactory.create("detail", "smb", "emea", "retail", "csm1", 1L, 1200.0),
        RowFactory.create("detail", "mid_market", "apac", "health", "csm2", 1L, 800.0),
        RowFactory.create("detail", "smb", "emea", "retail", "(none)", 1L, 0.0),
        RowFactory.create("segment", "smb", "(all)", "(all)", "(all)", 2L, 1200.0),
        RowFactory.create("segment", "mid_market", "(all)", "(all)", "(all)", 1L, 800.0),
        RowFactory.create("total", "(all)", "(all)", "(all)", "(all)", 3L, 2000.0)));
    // the bands add up to account_health's; no model trained: no probabilities
    Dataset<Row> healthT = health(lake).filter("as_of_date = DATE'2024-06-30'");
    Row total = bySegment.filter("breakdown = 'total'").first();
    for (String band : List.of("green", "yellow", "red")) {
      assertEquals(healthT.filter("health_band = '" + band + "'").count(), total.<Long>getAs("accounts_" + band), band);
    }
    assertNull(total.getAs("mean_churn_probability"));

    // the feed holds exactly the rows the default rules pick out of account_health (the rules' edges are in HealthAlertsTest)
    Dataset<Row> alerts = table(lake, "health_alerts");
    Dataset<Row> all = health(lake);
    Dataset<Row> expected = all.filter("CASE health_band WHEN 'red' THEN 1 WHEN 'yellow' THEN 2 WHEN 'green' THEN 3 END"
            + " < CASE previous_band WHEN 'red' THEN 1 WHEN 'yellow' THEN 2 WHEN 'green' THEN 3 END")
        .selectExpr("as_of_date", "account_id", "'band_worsened'")
        .union(all.filter("score_change_7d < -10").selectExpr("as_of_date", "account_id", "'score_drop_7d'"))
        .union(all.filter("score_change_30d < -15").selectExpr("as_of_date", "account_id", "'score_drop_30d'"));
    TestSpark.assertRows(alerts.select("as_of_date", "account_id", "alert_reason"), expected.collectAsList());
    // 04-01: all yellow, no history; 05-31: one account turned red; 06-30: all yellow again
    assertEquals(List.of("2024-05-31 band_worsened"), alerts.collectAsList().stream()
        .map(r -> r.getAs("as_of_date") + " " + r.getAs("alert_reason")).toList());

    // each run's summary line counts its date's alerts per reason
    for (String day : List.of("2024-04-01", "2024-05-31", "2024-06-30")) {
      Dataset<Row> ofDay = alerts.filter("as_of_date = DATE'" + day + "'");
      Map<String, Long> perReason = new LinkedHashMap<>();
      for (String r : List.of("band_worsened", "score_drop_7d", "score_drop_30d", "churn_risk_crossed", "override_expiring",
          "override_expired")) {
        perReason.put(r, ofDay.filter("alert_reason = '" + r + "'").count());
      }
      String counts = String.format("; %d alerts on %d accounts, per reason %s", ofDay.count(),
          ofDay.select("account_id").distinct().count(), perReason);
      String line = stdout.lines().filter(l -> l.contains("nightly: account_health for " + day + ": 3 accounts")).findFirst()
          .orElseThrow();
      assertTrue(line.endsWith(counts), line + " should end with " + counts);
    }
  }

  static Row withoutRunColumns(Row r, int runIdIndex) {
    List<Object> v = new java.util.ArrayList<>();
    for (int i = 0; i < r.length(); i++) if (i != runIdIndex && i != runIdIndex + 1) v.add(r.get(i));
    return RowFactory.create(v.toArray());
  }

  /** Runs {@code body} with System.out copied into the returned string. */
  static String captureStdout(Runnable body) {
    PrintStream old = System.out;
    ByteArrayOutputStream copy = new ByteArrayOutputStream();
    System.setOut(new PrintStream(new OutputStream() {
      @Override
      public void write(int b) {
        copy.write(b);
        old.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        copy.write(b, off, len);
        old.write(b, off, len);
      }
    }, true));
    try {
      body.run();
    } finally {
      System.setOut(old);
    }
    return copy.toString();
  }
}
