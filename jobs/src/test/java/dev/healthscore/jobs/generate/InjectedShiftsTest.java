package dev.healthscore.jobs.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.healthscore.features.warehouse.Contract;
import dev.healthscore.testing.TestSpark;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * The generator's injected drifts change exactly what they say: one segment's usage thinned
 * from a date, one column rescaled from a date, one table emptied from a date; every other row
 * and table is the same as in the world without them.
 */
class InjectedShiftsTest {
  static final LocalDate START = LocalDate.of(2024, 1, 1);

  static Dataset<Row> read(String world, String table) {
    return TestSpark.spark().read().parquet(world + "/" + table);
  }

  /** Rows in one and not the other, both ways. */
  static long differing(Dataset<Row> a, Dataset<Row> b) {
    return a.exceptAll(b).count() + b.exceptAll(a).count();
  }

  @Test
  void withoutShiftsTheRowsAreTheSameDataset() {
    Dataset<Row> rows = TestSpark.spark().range(3).toDF();
    assertSame(rows, InjectedShifts.NONE.apply(Contract.USAGE_EVENTS, rows, rows, new Rng(7)));
    assertSame(InjectedShifts.NONE, new GeneratorOptions("/w", 2, 2, 7L, START, false, null, null).shifts());
    assertEquals("support_tickets.priority is not numeric: only numeric columns can be rescaled", assertThrows(IllegalArgumentException.class,
        () -> InjectedShifts.Rescale.of("support_tickets.priority", START, 2)).getMessage());
    assertEquals("no warehouse table 'usage' (docs/contract.md)", assertThrows(IllegalArgumentException.class,
        () -> new InjectedShifts.Emptied("usage", START)).getMessage());
  }

  @Test
  void eachShiftChangesOnlyItsRows() {
    SparkSession spark = TestSpark.spark();
    String root = TestSpark.tempDir("injected").toString();
    String base = root + "/base";
    String shifted = root + "/shifted";
    LocalDate march = LocalDate.of(2024, 3, 1);
    LocalDate feb15 = LocalDate.of(2024, 2, 15);
    SampleWorld.generate(spark, new GeneratorOptions(base, 20, 3, 7L, START));
    SampleWorld.generate(spark, new GeneratorOptions(shifted, 20, 3, 7L, START, false, null, new InjectedShifts(
        new InjectedShifts.SegmentUsage("smb", march, 0.5), InjectedShifts.Rescale.of("invoices.amount", feb15, 100),
        new InjectedShifts.Emptied("support_tickets", march))));

    for (String table : List.of("accounts", "contracts", "churn_events", "engagements", "nps_responses", "csm_assessments", "health_overrides")) {
      assertEquals(0, differing(read(base, table), read(shifted, table)), table);
    }

    // usage: the smb accounts' events from March 1 thinned to about half, every other event the same
    String smbFromMarch = "account_id IN (SELECT account_id FROM accounts WHERE segment = 'smb') AND event_time >= TIMESTAMP'2024-03-01 00:00:00'";
    read(base, "accounts").createOrReplaceTempView("accounts");
    read(base, "usage_events").createOrReplaceTempView("base_usage");
    read(shifted, "usage_events").createOrReplaceTempView("shifted_usage");
    assertEquals(0, differing(spark.sql("SELECT * FROM base_usage WHERE NOT (" + smbFromMarch + ")"),
        spark.sql("SELECT * FROM shifted_usage WHERE NOT (" + smbFromMarch + ")")));
    Dataset<Row> thinnedBase = spark.sql("SELECT * FROM base_usage WHERE " + smbFromMarch);
    Dataset<Row> thinned = spark.sql("SELECT * FROM shifted_usage WHERE " + smbFromMarch);
    assertEquals(0, thinned.exceptAll(thinnedBase).count()); // only removed, never changed
    long before = thinnedBase.count();
    long after = thinned.count();
    System.out.printf("usage of smb from March: %d events, %d kept; invoices from Feb 15: %d; tickets from March: %d of %d%n", before, after,
        read(base, "invoices").filter("issued_date >= DATE'2024-02-15'").count(),
        read(base, "support_tickets").filter("created_at >= TIMESTAMP'2024-03-01 00:00:00'").count(), read(base, "support_tickets").count());
    assertEquals(USAGE_SMB_FROM_MARCH, before);
    assertEquals(USAGE_SMB_FROM_MARCH_KEPT, after);

    // invoices: amounts of those issued from Feb 15 times 100, the others the same
    Dataset<Row> baseInvoices = read(base, "invoices");
    Dataset<Row> shiftedInvoices = read(shifted, "invoices");
    assertEquals(0, differing(baseInvoices.filter("issued_date < DATE'2024-02-15'"), shiftedInvoices.filter("issued_date < DATE'2024-02-15'")));
    Dataset<Row> pairs = baseInvoices.filter("issued_date >= DATE'2024-02-15'").alias("b")
        .join(shiftedInvoices.alias("s"), "invoice_id");
    assertEquals(INVOICES_FROM_FEB15, pairs.count());
    assertEquals(INVOICES_FROM_FEB15, baseInvoices.filter("issued_date >= DATE'2024-02-15'").count());
    assertEquals(0, pairs.filter("abs(s.amount - 100 * b.amount) > 1e-6 * abs(b.amount) OR s.issued_date <> b.issued_date").count());
    assertEquals(baseInvoices.count(), shiftedInvoices.count());

    // support tickets: none created from March 1, the earlier ones the same
    Dataset<Row> tickets = read(shifted, "support_tickets");
    assertEquals(0, tickets.filter("created_at >= TIMESTAMP'2024-03-01 00:00:00'").count());
    assertEquals(0, differing(read(base, "support_tickets").filter("created_at < TIMESTAMP'2024-03-01 00:00:00'"), tickets));
    assertEquals(TICKETS_TOTAL - TICKETS_FROM_MARCH, tickets.count());
    assertTrue(TICKETS_FROM_MARCH > 0);
  }

  // counted on the 20-account, 3-month world of seed 7 (printed by the test)
  static final long USAGE_SMB_FROM_MARCH = 126;
  static final long USAGE_SMB_FROM_MARCH_KEPT = 67;
  static final long INVOICES_FROM_FEB15 = 12;
  static final long TICKETS_FROM_MARCH = 17;
  static final long TICKETS_TOTAL = 46;
}
