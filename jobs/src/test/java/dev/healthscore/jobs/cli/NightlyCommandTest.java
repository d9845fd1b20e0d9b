package dev.healthscore.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.healthscore.testing.Fixtures;
import dev.healthscore.testing.SmallWorld;
import dev.healthscore.testing.TestSpark;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class NightlyCommandTest {
  static Dataset<Row> health(String lake) {
    return TestSpark.spark().read().format("delta").load(lake + "/account_health");
  }

  @Test
  void writesAccountHealth_rerunsAreIdempotent_trendsAcrossRuns() {
    String wh = Fixtures.writeParquet(SmallWorld.tables());
    String lake = TestSpark.tempDir("lake").toString();
    for (String day : List.of("2024-04-01", "2024-05-31", "2024-06-30")) {
      assertEquals(0, CliTestSupport.run("nightly", "--warehouse", wh, "--lake", lake, "--as-of", day).exitCode());
    }
    List<Row> first = health(lake).filter("as_of_date = DATE'2024-06-30'").drop("run_id", "computed_at")
        .orderBy("account_id").collectAsList();
    for (int i = 0; i < 2; i++) {
      assertEquals(0, CliTestSupport.run("nightly", "--warehouse", wh, "--lake", lake, "--as-of", "2024-06-30").exitCode());
    }
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
    assertEquals(2, gate.exitCode());
    assertEquals("healthscore quality-gate: quality gate failed for 2024-06-30: FAIL accounts: 3 vs 3 on 2024-05-31 "
        + "(drop limit -50%)", gate.stderr());
  }
}
