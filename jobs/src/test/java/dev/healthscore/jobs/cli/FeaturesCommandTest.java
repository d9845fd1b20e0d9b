package dev.healthscore.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.healthscore.testing.Fixtures;
import dev.healthscore.testing.SmallWorld;
import dev.healthscore.testing.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

class FeaturesCommandTest {
  @Test
  void writesOneRowPerActiveAccount_rerunReplacesOnlyThatDate() {
    String wh = Fixtures.writeParquet(SmallWorld.tables());
    String lake = TestSpark.tempDir("lake").toString();
    String[] day1 = {"features", "--warehouse", wh, "--lake", lake, "--as-of", "2024-06-30"};
    assertEquals(0, CliTestSupport.run(day1).exitCode());
    assertEquals(0, CliTestSupport.run("features", "--warehouse", wh, "--lake", lake, "--as-of", "2024-05-15").exitCode());
    assertEquals(0, CliTestSupport.run(day1).exitCode());
    Dataset<Row> features = TestSpark.spark().read().format("delta").load(lake + "/account_features");
    TestSpark.assertRows(features.groupBy("as_of_date").count().selectExpr("CAST(as_of_date AS STRING)", "count"),
        List.of(RowFactory.create("2024-06-30", 3L), RowFactory.create("2024-05-15", 3L))); // A3 churns 06-01
    // comments travel with the table
    String comment = TestSpark.spark().sql("DESCRIBE TABLE delta.`" + lake + "/account_features`")
        .filter("col_name = 'events_30d'").first().getString(2);
    assertEquals("product events in the last 30 days", comment);
    assertFalse(Files.exists(Path.of(lake, "quarantine")), "clean input writes no quarantine");
  }

  @Test
  void badRowsGoToQuarantineWithCounts() {
    Map<String, Dataset<Row>> tables = new HashMap<>(SmallWorld.tables());
    tables.put("nps_responses", tables.get("nps_responses").selectExpr("account_id", "responded_at", "score + 5 AS score"));
    String wh = Fixtures.writeParquet(tables);
    String lake = TestSpark.tempDir("lake").toString();
    assertEquals(0, CliTestSupport.run("features", "--warehouse", wh, "--lake", lake, "--as-of", "2024-06-30").exitCode());
    Dataset<Row> q = TestSpark.spark().read().format("delta").load(lake + "/quarantine");
    assertEquals(2, q.filter("table_name = 'nps_responses' AND rule = 'out_of_range' AND column_name = 'score'").count());
    assertEquals(2, q.count()); // 9+5 and 6+5 are out of range; 0+5 is fine
  }

  @Test
  void structuralProblemFailsWithOneLineBeforeWriting() {
    Map<String, Dataset<Row>> tables = new HashMap<>(SmallWorld.tables());
    tables.put("engagements", tables.get("engagements").drop("occurred_at"));
    String wh = Fixtures.writeParquet(tables);
    String lake = TestSpark.tempDir("lake").toString();
    CliTestSupport.Outcome out = CliTestSupport.run("features", "--warehouse", wh, "--lake", lake, "--as-of", "2024-06-30");
    assertEquals(2, out.exitCode());
    assertEquals("healthscore features: warehouse table 'engagements': missing required column 'occurred_at'", out.stderr());
    assertFalse(Files.exists(Path.of(lake, "account_features")));
  }

  @Test
  void configErrorsFailBeforeSpark() throws Exception {
    Path cfg = Files.createTempFile("hs", ".yaml");
    Files.writeString(cfg, "featurez: {}\n");
    CliTestSupport.Outcome out = CliTestSupport.run("features", "--warehouse", "/x", "--lake", "/y", "--as-of", "2024-06-30",
        "--config", cfg.toString());
    assertEquals(2, out.exitCode());
    assertTrue(out.stderr().startsWith("healthscore features: config " + cfg + ": unknown section 'featurez'"), out.stderr());
  }
}
