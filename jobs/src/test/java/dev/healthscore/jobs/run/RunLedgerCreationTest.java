package dev.healthscore.jobs.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.healthscore.jobs.lake.Lake;
import dev.healthscore.jobs.lake.LakeTables;
import dev.healthscore.testing.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run that starts while another is creating the ledger on a fresh lake sees {@code runs/_delta_log/} before the
 * first commit lands. That half-made table must count as absent, not as a table to read (Delta: "doesn't exist").
 */
class RunLedgerCreationTest {
  @TempDir Path dir;

  @Test
  void aLogDirectoryWithoutACommitIsNotATableAndTheLedgerIsCreatedOverIt() throws Exception {
    Lake lake = new Lake(TestSpark.spark(), dir.toString());
    Path log = Files.createDirectories(dir.resolve(LakeTables.RUNS).resolve("_delta_log"));
    Files.writeString(log.resolve(".00000000000000000000.json.3f2a.tmp"), "{}"); // a writer's temp file, not a commit
    assertFalse(lake.exists(LakeTables.RUNS));
    assertEquals(List.of(), lake.tables());

    new RunLedger(lake).ensureTable();

    assertTrue(lake.exists(LakeTables.RUNS));
    assertEquals(List.of(LakeTables.RUNS), lake.tables());
    assertEquals(List.of(RunLedger.SCHEMA.fieldNames()), List.of(lake.read(LakeTables.RUNS).schema().fieldNames()));
    assertEquals(0, lake.read(LakeTables.RUNS).count());
    assertEquals(RunLedger.DOC.columns().get("status"), lake.read(LakeTables.RUNS).schema().apply("status").getComment().get());
    Row detail = TestSpark.spark().sql("DESCRIBE DETAIL delta.`" + lake.path(LakeTables.RUNS) + "`").first();
    assertEquals("Serializable", detail.<String, String>getJavaMap(detail.fieldIndex("properties")).get("delta.isolationLevel"));
    assertEquals(RunLedger.DOC.table(), detail.getAs("description"));
    new RunLedger(lake).ensureTable(); // a second run finds it made: no error, nothing changed
    assertEquals(0, lake.read(LakeTables.RUNS).count());
  }

  /** A running row of run {@code id} holding {@code key}: the columns the lease reads. */
  private static Row running(String id, String key) {
    Object[] v = new Object[RunLedger.SCHEMA.size()];
    v[RunLedger.SCHEMA.fieldIndex("run_id")] = id;
    v[RunLedger.SCHEMA.fieldIndex("command")] = "features";
    v[RunLedger.SCHEMA.fieldIndex("status")] = RunLedger.RUNNING;
    v[RunLedger.SCHEMA.fieldIndex("lease_key")] = key;
    v[RunLedger.SCHEMA.fieldIndex("host")] = "test-host";
    v[RunLedger.SCHEMA.fieldIndex("pid")] = 1L;
    return new org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema(v, RunLedger.SCHEMA);
  }

  @Test
  void theFirstRunOfAFreshLakeCreatesTheLedgerHoldingItsLeaseInOneCommit() {
    Lake lake = new Lake(TestSpark.spark(), dir.resolve("fresh").toString());
    RunLedger ledger = new RunLedger(lake);

    assertTrue(ledger.createHolding(running("r1", "daily 2025-12-31")));

    assertEquals(List.of("r1"), ledger.running("daily 2025-12-31").stream().map(RunLedger.Holder::runId).toList());
    assertEquals(1, lake.read(LakeTables.RUNS).count());
    Row detail = TestSpark.spark().sql("DESCRIBE DETAIL delta.`" + lake.path(LakeTables.RUNS) + "`").first();
    assertEquals("Serializable", detail.<String, String>getJavaMap(detail.fieldIndex("properties")).get("delta.isolationLevel"));
    assertEquals(RunLedger.DOC.table(), detail.getAs("description"));
    assertEquals(RunLedger.DOC.columns().get("status"), lake.read(LakeTables.RUNS).schema().apply("status").getComment().get());
    // the table exists now: a second run takes the usual way (sweep, then the merge that refuses a held key)
    assertFalse(ledger.createHolding(running("r2", "daily 2025-12-31")));
    assertEquals("r1", ledger.tryInsertRunning(running("r2", "daily 2025-12-31")).orElseThrow().runId());
    assertEquals(1, lake.read(LakeTables.RUNS).count());
  }

  @Test
  void twoFirstRunsOfOneDateOnAFreshLakeGiveOneHolder() throws Exception {
    for (int attempt = 0; attempt < 4; attempt++) {
      Lake lake = new Lake(TestSpark.spark(), dir.resolve("first-" + attempt).toString());
      var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
      List<java.util.concurrent.Future<java.util.Optional<RunLedger.Holder>>> both = new java.util.ArrayList<>();
      try {
        var start = new java.util.concurrent.CountDownLatch(1);
        for (int i = 0; i < 2; i++) {
          Row row = running("r" + i, "daily 2025-12-31");
          RunLedger ledger = new RunLedger(lake);
          both.add(pool.submit(() -> { // what acquire does: create holding the row, else the usual insert
            start.await();
            if (ledger.createHolding(row)) return java.util.Optional.<RunLedger.Holder>empty();
            ledger.ensureTable();
            return ledger.tryInsertRunning(row);
          }));
        }
        start.countDown();
        List<java.util.Optional<RunLedger.Holder>> outcomes = new java.util.ArrayList<>();
        for (var f : both) outcomes.add(f.get());
        List<String> holders = new RunLedger(lake).running("daily 2025-12-31").stream().map(RunLedger.Holder::runId).toList();
        assertEquals(1, holders.size(), "attempt " + attempt + ": " + holders);
        assertEquals(1, outcomes.stream().filter(java.util.Optional::isEmpty).count(), "one run holds the date");
        assertEquals(holders.get(0), outcomes.stream().filter(java.util.Optional::isPresent).findFirst().orElseThrow().get().runId(),
            "the other is told who holds it");
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void twoRunsCreatingTheLedgerAtOnceBothGoOn() throws Exception {
    for (int attempt = 0; attempt < 4; attempt++) {
      Lake lake = new Lake(TestSpark.spark(), dir.resolve("race-" + attempt).toString());
      var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
      try {
        var start = new java.util.concurrent.CountDownLatch(1);
        List<java.util.concurrent.Future<?>> both = new java.util.ArrayList<>();
        for (int i = 0; i < 2; i++) {
          both.add(pool.submit(() -> {
            start.await();
            new RunLedger(lake).ensureTable();
            return null;
          }));
        }
        start.countDown();
        for (var f : both) f.get(); // neither throws
      } finally {
        pool.shutdownNow();
      }
      assertEquals(List.of(RunLedger.SCHEMA.fieldNames()), List.of(lake.read(LakeTables.RUNS).schema().fieldNames()));
    }
  }
}
