package dev.healthscore.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.healthscore.jobs.lake.ModelRegistry;
import dev.healthscore.jobs.testing.TestWorlds;
import dev.healthscore.testing.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * {@code features.event_types_top}: train chooses the K most frequent event types as of T and
 * stores them with the model; nightly measures exactly those, so the champion's ev_ inputs exist.
 */
class EventTypesTopKTest {
  static final String T = TestWorlds.LAST_DAY.toString();

  @Test
  void trainChoosesTheTopTypesAndNightlyMeasuresTheChampions() throws Exception {
    String config = TestWorlds.config("");
    Files.writeString(Path.of(config), "features: {event_types_top: 2}\n", StandardOpenOption.APPEND);
    String lake = TestSpark.tempDir("topk-lake").toString();
    assertEquals(0, CliTestSupport.run("train", "--warehouse", TestWorlds.small(), "--lake", lake, "--as-of", T,
        "--config", config).exitCode());

    // the two types with most events over the model's look-back (12 months to T), counted here from the raw table
    List<String> expected = TestSpark.spark().read().parquet(TestWorlds.small() + "/usage_events")
        .filter("event_time >= TIMESTAMP'" + TestWorlds.LAST_DAY.minusMonths(12).plusDays(1) + " 00:00:00'"
            + " AND event_time < TIMESTAMP'" + TestWorlds.LAST_DAY.plusDays(1) + " 00:00:00'")
        .groupBy("feature").count().orderBy(org.apache.spark.sql.functions.col("count").desc(), org.apache.spark.sql.functions.col("feature"))
        .limit(2).collectAsList().stream().map(r -> r.getString(0)).toList();
    assertEquals(2, expected.size());
    Row model = new ModelRegistry(new dev.healthscore.jobs.lake.Lake(TestSpark.spark(), lake)).champion().orElseThrow();
    assertEquals(expected, ModelRegistry.eventTypes(model).orElseThrow());
    List<String> inputs = model.getList(model.fieldIndex("features"));
    for (String e : expected) assertTrue(inputs.contains("ev_" + e + "_share_30d"), inputs.toString());

    assertEquals(0, CliTestSupport.run("nightly", "--warehouse", TestWorlds.small(), "--lake", lake, "--as-of", T,
        "--config", config).exitCode());
    Dataset<Row> features = TestSpark.spark().read().format("delta").load(lake + "/account_features");
    List<String> evColumns = Arrays.stream(features.columns()).filter(c -> c.startsWith("ev_")).toList();
    List<String> wanted = new java.util.ArrayList<>();
    for (String e : expected) {
      for (String s : List.of("_30d", "_prior_30d")) wanted.add("ev_" + e + s);
    }
    for (String e : expected) {
      for (String s : List.of("_per_user_30d", "_share_30d", "_change_30d")) wanted.add("ev_" + e + s);
    }
    assertEquals(wanted, evColumns);
    Dataset<Row> health = TestSpark.spark().read().format("delta").load(lake + "/account_health").filter("as_of_date = DATE'" + T + "'");
    long accounts = health.count();
    assertTrue(accounts > 50, "active accounts " + accounts);
    assertEquals(accounts, health.filter("churn_probability BETWEEN 0 AND 1 AND model_version = '" + model.getAs("version") + "'").count());

    // a retrain choosing fewer types still measures the champion's on its rows: the champion is compared, not skipped
    String top1 = TestWorlds.config("");
    Files.writeString(Path.of(top1), "features: {event_types_top: 1}\n", StandardOpenOption.APPEND);
    assertEquals(0, CliTestSupport.run("train", "--warehouse", TestWorlds.small(), "--lake", lake, "--as-of", T,
        "--config", top1).exitCode());
    Row second = TestSpark.spark().read().format("delta").load(lake + "/churn_models")
        .filter("version <> '" + model.getAs("version") + "'").first();
    assertEquals(expected.subList(0, 1), ModelRegistry.eventTypes(second).orElseThrow());
    assertEquals(model.<String>getAs("version"), second.getAs("champion_version"));
    assertTrue(second.getAs("champion_auc_same_rows") != null, second.<String>getAs("decision"));
    List<String> secondInputs = second.getList(second.fieldIndex("features"));
    assertTrue(secondInputs.stream().noneMatch(f -> f.startsWith("ev_" + expected.get(1))), secondInputs.toString());
  }
}
