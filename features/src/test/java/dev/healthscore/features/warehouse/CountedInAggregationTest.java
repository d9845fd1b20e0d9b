package dev.healthscore.features.warehouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * A one-date run validates a table without an id (usage_events) inside the features'
 * own aggregation: every rule must still be counted exactly once, per rule as the tagged
 * rows count it, and no rejected row may reach a feature.
 */
class CountedInAggregationTest {
  @Test
  void everyRuleCountedOnceAndNoBadRowReachesAFeature() {
    SparkSession spark = TestSpark.spark();
    Map<String, Dataset<Row>> tables = new HashMap<>(SmallWorld.tables());
    Dataset<Row> bad = Fixtures.table(Contract.USAGE_EVENTS,
        new Object[] {"A1", null, "2024-06-30 10:00:00", "x", 5.0},       // not_null:user_id, in every window
        new Object[] {"A1", "u7", "2024-06-29 10:00:00", "y", -3.0},      // negative:duration_sec
        new Object[] {"ZZ", "u8", "2024-06-29 10:00:00", "x", 1.0},       // unknown_account:account_id
        new Object[] {"ZZ", null, "2024-06-29 10:00:00", "x", 1.0},       // not_null:user_id comes first
        new Object[] {"A1", "u6", "2030-01-01 00:00:00", "x", 1.0},       // future_time:event_time
        new Object[] {null, "u1", "2024-06-30 09:00:00", "x", 1.0});      // not_null:account_id
    tables.put("usage_events", tables.get("usage_events").unionByName(bad));
    ValidatedWarehouse wh = ValidatedWarehouse.of(tables, Instant.parse("2026-01-01T00:00:00Z"));
    assertEquals(true, wh.table(Contract.USAGE_EVENTS).countableWhileAggregating());

    Map<String, Row> byAccount = new HashMap<>();
    for (Row r : FeatureEngine.compute(spark, wh, FeatureCatalog.DEFAULT, List.of(SmallWorld.T)).collectAsList()) {
      byAccount.put(r.getAs("account_id"), r);
    }
    // the same as without the bad rows (FeatureEngineTest): 3 events, 3 users, 2 features, 13 minutes
    Row a1 = byAccount.get("A1");
    assertEquals(3.0, (double) a1.getAs("events_30d"));
    assertEquals(2.0, (double) a1.getAs("active_users_7d"));
    assertEquals(3.0, (double) a1.getAs("active_users_30d"));
    assertEquals(2.0, (double) a1.getAs("distinct_features_30d"));
    assertEquals(13.0, (double) a1.getAs("session_minutes_30d"));

    // observed in the features pass, then (rows were rejected) counted per rule and compared
    QuarantineCounts usage = wh.table(Contract.USAGE_EVENTS).counts();
    assertEquals(13, usage.input());
    assertEquals(Map.of("not_null:account_id", 1L, "not_null:user_id", 2L, "negative:duration_sec", 1L,
        "future_time:event_time", 1L, "unknown_account:account_id", 1L), usage.byRule());
    assertEquals(6, wh.rejected().filter("table_name = 'usage_events'").count());
  }

  @Test
  void aCleanTableIsCountedWithoutAnotherPass() {
    SparkSession spark = TestSpark.spark();
    ValidatedWarehouse wh = ValidatedWarehouse.of(SmallWorld.tables(), Instant.parse("2026-01-01T00:00:00Z"));
    FeatureEngine.compute(spark, wh, FeatureCatalog.DEFAULT, List.of(SmallWorld.T)).collectAsList();
    assertTrue(wh.table(Contract.USAGE_EVENTS).observedInPass());
    QuarantineCounts usage = wh.table(Contract.USAGE_EVENTS).counts();
    assertEquals(7, usage.input());
    assertEquals(0, usage.quarantined());
  }
}
