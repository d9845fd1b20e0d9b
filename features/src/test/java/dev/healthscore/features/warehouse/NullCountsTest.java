package dev.healthscore.features.warehouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.healthscore.features.FeatureCatalog;
import dev.healthscore.features.FeatureEngine;
import dev.healthscore.testing.Fixtures;
import dev.healthscore.testing.SmallWorld;
import dev.healthscore.testing.TestSpark;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Not-null checks are skipped only where every file's footer proves the column has no null;
 * a null in any file, a file without the column, or rows not read from files keep the check.
 */
class NullCountsTest {
  static final List<String> NOT_NULL = List.of("account_id", "user_id", "event_time", "feature");
  static final Object[] CLEAN = {"A1", "u1", "2024-06-30 10:00:00", "a", 5.0};
  static final Object[] CLEAN_2 = {"A1", "u2", "2024-06-29 10:00:00", "b", null}; // a null where none is checked
  static final Object[] NO_USER = {"A1", null, "2024-06-28 10:00:00", "a", 1.0};

  final SparkSession spark = TestSpark.spark();

  private void write(Path dir, String format, Object[]... rows) {
    Fixtures.table(Contract.USAGE_EVENTS, rows).coalesce(1).write().format(format).mode("append").save(dir.toString());
  }

  private Dataset<Row> knownAccounts() {
    return SmallWorld.tables().get("accounts").select("account_id");
  }

  private Dataset<Row> read(Path dir, String format) {
    return Warehouse.conform(Contract.USAGE_EVENTS, spark.read().format(format).option("mergeSchema", "true").load(dir.toString()));
  }

  @Test
  void aNullInAnyFileKeepsThatColumnsCheck(@TempDir Path dir) {
    write(dir, "parquet", CLEAN, CLEAN_2);
    assertEquals(Set.copyOf(NOT_NULL), NullCounts.columnsWithoutNulls(read(dir, "parquet"), NOT_NULL));
    write(dir, "parquet", CLEAN, NO_USER); // a second file
    assertEquals(2, read(dir, "parquet").inputFiles().length);
    assertEquals(Set.of("account_id", "event_time", "feature"), NullCounts.columnsWithoutNulls(read(dir, "parquet"), NOT_NULL));
  }

  @Test
  void aFileWithoutTheColumnProvesNothing(@TempDir Path dir) {
    write(dir, "parquet", CLEAN);
    Fixtures.table(Contract.USAGE_EVENTS, new Object[][] {CLEAN_2}).drop("feature").write().mode("append").parquet(dir.toString());
    assertEquals(Set.of("account_id", "user_id", "event_time"), NullCounts.columnsWithoutNulls(read(dir, "parquet"), NOT_NULL));
  }

  @Test
  void deltaDataFilesAndRowsNotFromFiles(@TempDir Path dir) {
    write(dir, "delta", CLEAN, CLEAN_2);
    write(dir, "delta", CLEAN);
    assertEquals(Set.copyOf(NOT_NULL), NullCounts.columnsWithoutNulls(read(dir, "delta"), NOT_NULL));
    write(dir, "delta", NO_USER);
    assertEquals(Set.of("account_id", "event_time", "feature"), NullCounts.columnsWithoutNulls(read(dir, "delta"), NOT_NULL));
    assertEquals(Set.of(), NullCounts.columnsWithoutNulls(Fixtures.table(Contract.USAGE_EVENTS, CLEAN), NOT_NULL));
  }

  @Test
  void theValidityOfRowsTestsOnlyWhatTheFootersLeaveOpen(@TempDir Path dir) {
    write(dir, "parquet", CLEAN, CLEAN_2);
    ValidatedTable clean = ValidatedTable.of(Contract.USAGE_EVENTS, read(dir, "parquet"), knownAccounts(), Instant.parse("2026-01-01T00:00:00Z"));
    String plan = clean.rowsWithValidity().queryExecution().analyzed().toString();
    assertFalse(plan.contains("isnull(user_id"), plan);
    assertTrue(plan.contains("< 0.0"), plan); // the other rules stay (duration_sec >= 0)
    write(dir, "parquet", NO_USER);
    ValidatedTable withNull = ValidatedTable.of(Contract.USAGE_EVENTS, read(dir, "parquet"), knownAccounts(), Instant.parse("2026-01-01T00:00:00Z"));
    plan = withNull.rowsWithValidity().queryExecution().analyzed().toString();
    assertTrue(plan.contains("isnull(user_id"), plan);
    assertFalse(plan.contains("isnull(feature"), plan);
    assertEquals(2, withNull.rowsWithValidity().filter("_valid").count());
  }

  @Test
  void aNullUserReadFromFilesIsStillRejectedInTheFeaturesPass(@TempDir Path dir) {
    write(dir, "parquet", CLEAN, CLEAN_2);
    write(dir, "parquet", NO_USER);
    Map<String, Dataset<Row>> tables = new HashMap<>(SmallWorld.tables());
    tables.put("usage_events", read(dir, "parquet"));
    ValidatedWarehouse wh = ValidatedWarehouse.of(tables, Instant.parse("2026-01-01T00:00:00Z"));
    Row a1 = FeatureEngine.compute(spark, wh, FeatureCatalog.DEFAULT, List.of(SmallWorld.T))
        .filter("account_id = 'A1'").first();
    assertEquals(2.0, (double) a1.getAs("events_30d")); // not the row without a user
    assertEquals(2.0, (double) a1.getAs("active_users_30d"));
    QuarantineCounts usage = wh.table(Contract.USAGE_EVENTS).counts();
    assertEquals(3, usage.input());
    assertEquals(Map.of("not_null:user_id", 1L), usage.byRule());
  }
}
