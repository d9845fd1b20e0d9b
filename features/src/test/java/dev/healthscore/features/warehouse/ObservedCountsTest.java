package dev.healthscore.features.warehouse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.healthscore.features.FeatureCatalog;
import dev.healthscore.features.FeatureEngine;
import dev.healthscore.testing.Fixtures;
import dev.healthscore.testing.SmallWorld;
import dev.healthscore.testing.TestSpark;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Counts observed during the features pass must be exact even when a table has nothing
 * left after validation and the as-of cut (Spark's adaptive execution once dropped them).
 */
class ObservedCountsTest {
  @Test
  void countsSurviveATableThatIsEmptyAfterTheCut() {
    SparkSession spark = TestSpark.spark();
    Map<String, Dataset<Row>> tables = new HashMap<>(SmallWorld.tables());
    // 9+5 and 6+5 break the 0-10 range; the only good answer (0+5) is after T.
    tables.put("nps_responses", tables.get("nps_responses").selectExpr("account_id", "responded_at", "score + 5 AS score"));
    String root = Fixtures.writeParquet(tables);
    ValidatedWarehouse wh = ValidatedWarehouse.open(new Warehouse(spark, root), Instant.parse("2026-01-01T00:00:00Z"));
    FeatureEngine.compute(spark, wh, FeatureCatalog.DEFAULT, List.of(SmallWorld.T))
        .write().format("delta").mode("overwrite").save(TestSpark.tempDir("out").toString());
    QuarantineCounts nps = wh.table(Contract.NPS_RESPONSES).counts();
    assertEquals(3, nps.input());
    assertEquals(Map.of("out_of_range:score", 2L), nps.byRule());
    assertEquals(7, wh.table(Contract.USAGE_EVENTS).counts().input());
  }
}
