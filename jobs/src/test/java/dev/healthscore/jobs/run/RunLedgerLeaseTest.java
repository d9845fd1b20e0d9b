package dev.healthscore.jobs.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.healthscore.features.config.HealthscoreConfig;
import dev.healthscore.jobs.lake.Lake;
import dev.healthscore.jobs.lake.LakeTables;
import dev.healthscore.testing.TestSpark;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lease insert (Delta Kernel append, then the version before it decides) with real Delta
 * tables: one holder per key however the inserts interleave, and the row Kernel writes is the
 * row Spark reads.
 */
class RunLedgerLeaseTest {
  @TempDir Path dir;

  private static RunContext context(Lake lake, String command, String asOf) {
    return RunContext.create(TestSpark.spark(), command, LocalDate.parse(asOf), RunConfig.from(HealthscoreConfig.defaults()),
        "/no/warehouse", lake.root());
  }

  private static Row start(RunLedger ledger, RunContext ctx) {
    return ledger.startRow(ctx, RecordedRun.leaseKey(ctx.command(), ctx.asOf()), "args of " + ctx.runId(), false,
        Duration.ofMinutes(10));
  }

  @Test
  void theSecondInsertOfAKeyIsRefusedNamingTheFirst_anotherKeyIsFree_SparkReadsWhatKernelWrote() {
    Lake lake = new Lake(TestSpark.spark(), dir.resolve("lake").toString());
    RunLedger ledger = new RunLedger(lake);
    ledger.ensureTable();
    RunContext first = context(lake, "nightly", "2025-03-31");
    RunContext second = context(lake, "features", "2025-03-31");
    RunContext otherDay = context(lake, "nightly", "2025-03-30");
    Row firstRow = start(ledger, first);

    assertEquals(Optional.empty(), ledger.tryInsertRunning(firstRow));
    Optional<RunLedger.Holder> refused = ledger.tryInsertRunning(start(ledger, second));
    assertEquals(first.runId(), refused.orElseThrow().runId());
    assertEquals("nightly", refused.get().command());
    assertEquals(ProcessHandle.current().pid(), refused.get().pid());
    assertEquals(Optional.empty(), ledger.tryInsertRunning(start(ledger, otherDay)));

    // Spark's Delta reader sees the rows Kernel appended, value for value
    List<Row> spark = lake.read(LakeTables.RUNS).where("run_id = '" + first.runId() + "'").collectAsList();
    assertEquals(1, spark.size());
    Row read = spark.get(0);
    for (String column : RunLedger.SCHEMA.fieldNames()) {
      Object expected = firstRow.getAs(column);
      Object actual = read.getAs(column);
      if (expected instanceof java.sql.Timestamp t) { // Delta keeps microseconds, as Spark's own writer does
        expected = t.toInstant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        actual = ((java.sql.Timestamp) actual).toInstant();
      }
      assertEquals(expected, actual, column);
    }
    assertEquals(3, lake.read(LakeTables.RUNS).where("status = 'running'").count());
    // and Kernel reads them back the same way
    assertEquals(java.util.stream.Stream.of(first, second, otherDay).map(RunContext::runId).sorted().toList(),
        ledger.runningRows().stream().map(r -> r.<String>getAs("run_id")).sorted().toList());
    assertTrue(ledger.stillRunning(first.runId()));
  }

  @Test
  void inserts_racing_forOneKey_leaveExactlyOneHolder() throws Exception {
    int racers = 4;
    ExecutorService pool = Executors.newFixedThreadPool(racers);
    try {
      for (int round = 0; round < 5; round++) {
        Lake lake = new Lake(TestSpark.spark(), dir.resolve("race-" + round).toString());
        new RunLedger(lake).ensureTable();
        CyclicBarrier together = new CyclicBarrier(racers);
        List<String> ids = new ArrayList<>();
        List<Future<Optional<RunLedger.Holder>>> outcomes = new ArrayList<>();
        for (int i = 0; i < racers; i++) {
          RunLedger ledger = new RunLedger(lake);
          RunContext ctx = context(lake, "nightly", "2025-03-31");
          Row row = start(ledger, ctx);
          ids.add(ctx.runId());
          outcomes.add(pool.submit(() -> {
            together.await();
            return ledger.tryInsertRunning(row);
          }));
        }
        List<String> holders = new ArrayList<>();
        for (int i = 0; i < racers; i++) {
          Optional<RunLedger.Holder> refusedBy = outcomes.get(i).get();
          if (refusedBy.isEmpty()) {
            holders.add(ids.get(i));
          } else {
            assertNotEquals(ids.get(i), refusedBy.get().runId());
            assertTrue(ids.contains(refusedBy.get().runId()), refusedBy.get().toString());
          }
        }
        assertEquals(1, holders.size(), "round " + round + ": holders " + holders);
        assertEquals(racers, lake.read(LakeTables.RUNS).where("status = 'running'").count());
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
