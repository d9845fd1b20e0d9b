package dev.healthscore.jobs.generate;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.healthscore.features.warehouse.ColumnSpec;
import dev.healthscore.features.warehouse.Contract;
import dev.healthscore.features.warehouse.QuarantineCounts;
import dev.healthscore.features.warehouse.TableSpec;
import dev.healthscore.features.warehouse.ValidatedWarehouse;
import dev.healthscore.features.warehouse.Warehouse;
import dev.healthscore.testing.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SampleWorldTest {
  private static final LocalDate START = LocalDate.of(2024, 1, 1);
  private static final int ACCOUNTS = 40;
  private static final int MONTHS = 5;

  private static SparkSession spark;
  private static Path root;
  private static String worldA;
  private static String worldA2;
  private static String worldB;
  private static GenerateResult resultA;

  @BeforeAll
  static void generateWorlds() {
    spark = TestSpark.spark();
    root = TestSpark.tempDir("sample-world");
    worldA = root.resolve("a").toString();
    worldA2 = root.resolve("a2").toString();
    worldB = root.resolve("b").toString();
    resultA = SampleWorld.generate(spark, new GeneratorOptions(worldA, ACCOUNTS, MONTHS, 7L, START));
    SampleWorld.generate(spark, new GeneratorOptions(worldA2, ACCOUNTS, MONTHS, 7L, START));
    SampleWorld.generate(spark, new GeneratorOptions(worldB, ACCOUNTS, MONTHS, 8L, START));
  }

  @AfterAll
  static void cleanUp() throws IOException {
    if (root == null) return;
    try (Stream<Path> files = Files.walk(root)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private static Dataset<Row> read(String world, TableSpec t) {
    return spark.read().parquet(world + "/" + t.name());
  }

  private static Column ts(LocalDate d) {
    return lit(java.sql.Timestamp.from(d.atStartOfDay(java.time.ZoneOffset.UTC).toInstant()));
  }

  @Test
  void resultReportsTheWorldAndItsRowCounts() {
    assertEquals(START, resultA.start());
    assertEquals(START.plusMonths(MONTHS), resultA.end());
    assertEquals(Contract.TABLES.stream().map(TableSpec::name).toList(), List.copyOf(resultA.rowsPerTable().keySet()));
    for (TableSpec t : Contract.TABLES) {
      long n = read(worldA, t).count();
      assertEquals(n, resultA.rowsPerTable().get(t.name()), t.name());
      assertTrue(n > 0, t.name() + " is empty");
    }
    assertEquals(ACCOUNTS, resultA.rowsPerTable().get("accounts"));
  }

  @Test
  void sameSeedGivesIdenticalRows() {
    for (TableSpec t : Contract.TABLES) {
      Dataset<Row> a = read(worldA, t);
      Dataset<Row> a2 = read(worldA2, t);
      assertEquals(a.count(), a2.count(), t.name());
      assertEquals(0, a.exceptAll(a2).count(), t.name() + ": rows of run 1 missing from run 2");
      assertEquals(0, a2.exceptAll(a).count(), t.name() + ": rows of run 2 missing from run 1");
    }
  }

  @Test
  void differentSeedGivesDifferentRows() {
    for (TableSpec t : List.of(Contract.ACCOUNTS, Contract.CONTRACTS, Contract.USAGE_EVENTS, Contract.SUPPORT_TICKETS,
        Contract.INVOICES, Contract.ENGAGEMENTS)) {
      assertTrue(read(worldA, t).exceptAll(read(worldB, t)).count() > 0, t.name() + " is the same under another seed");
    }
  }

  @Test
  void everyTableHasExactlyTheContractColumnsAndTypes() {
    for (TableSpec t : Contract.TABLES) {
      StructField[] fields = read(worldA, t).schema().fields();
      List<String> names = Stream.of(fields).map(StructField::name).toList();
      assertEquals(t.columns().stream().map(ColumnSpec::name).toList(), names, t.name());
      for (int i = 0; i < fields.length; i++) {
        assertEquals(expectedType(t.columns().get(i)), fields[i].dataType(), t.name() + "." + fields[i].name());
      }
    }
  }

  private static DataType expectedType(ColumnSpec c) {
    return switch (c.type()) {
      case STRING -> DataTypes.StringType;
      case DATE -> DataTypes.DateType;
      case TIMESTAMP -> DataTypes.TimestampType;
      case DOUBLE -> DataTypes.DoubleType;
      case INT -> DataTypes.IntegerType;
      case BOOLEAN -> DataTypes.BooleanType;
    };
  }

  @Test
  void theValidatorQuarantinesNothing() {
    ValidatedWarehouse w = ValidatedWarehouse.open(new Warehouse(spark, worldA), Instant.now());
    for (TableSpec t : Contract.TABLES) {
      QuarantineCounts counts = w.table(t).counts();
      assertEquals(0, counts.quarantined(), counts.toString());
    }
  }

  @Test
  void idsAreUniqueAndValuesInRange() {
    for (TableSpec t : Contract.TABLES) {
      if (t.idColumn() == null) continue;
      Dataset<Row> df = read(worldA, t);
      assertEquals(df.count(), df.select(t.idColumn()).distinct().count(), t.name() + "." + t.idColumn() + " not unique");
    }
    assertEquals(0, read(worldA, Contract.CHURN_EVENTS).groupBy("account_id").count().filter("count > 1").count(),
        "an account churned twice");
    assertEquals(0, read(worldA, Contract.CONTRACTS).filter("arr < 0 or seats < 1 or end_date <= start_date").count());
    assertEquals(0, read(worldA, Contract.INVOICES)
        .filter("amount < 0 or due_date != date_add(issued_date, 30) or paid_date < issued_date").count());
    assertEquals(0, read(worldA, Contract.USAGE_EVENTS).filter("duration_sec < 0").count());
    assertEquals(0, read(worldA, Contract.SUPPORT_TICKETS)
        .filter("csat < 1 or csat > 5 or resolved_at < created_at or priority not in ('p1','p2','p3','p4')"
            + " or (resolved_at is null and (csat is not null or sla_breached is not null))").count());
    assertEquals(0, read(worldA, Contract.NPS_RESPONSES).filter("score < 0 or score > 10").count());
    assertEquals(0, read(worldA, Contract.CSM_ASSESSMENTS).filter("score < 1 or score > 5").count());
    assertEquals(0, read(worldA, Contract.ENGAGEMENTS)
        .filter("contact_role not in ('executive','champion','admin','user') or direction not in ('inbound','outbound')")
        .count());
    Dataset<Row> accounts = read(worldA, Contract.ACCOUNTS);
    assertEquals(0, accounts.filter("segment not in ('smb','mid_market','enterprise')").count());
    assertEquals(0, accounts.filter(col("created_date").geq(lit(java.sql.Date.valueOf(START.plusMonths(MONTHS))))).count());
    // parents exist
    assertEquals(0, accounts.filter("parent_account_id is not null").join(
        accounts.select(col("account_id").as("parent_account_id")), new String[] {"parent_account_id"}, "left_anti").count());
  }

  /** Contracts chain: each renewal starts on the previous end_date, and the first starts at creation. */
  @Test
  void renewalsStartWhereThePreviousTermEnded() {
    Dataset<Row> contracts = read(worldA, Contract.CONTRACTS);
    Dataset<Row> next = contracts.select(col("account_id"), col("start_date").as("end_date"));
    Dataset<Row> ends = contracts.groupBy("account_id").agg(max("end_date").as("last_end"));
    long gaps = contracts.join(ends, "account_id").filter(col("end_date").lt(col("last_end")))
        .join(next, new String[] {"account_id", "end_date"}, "left_anti")
        .count();
    assertEquals(0, gaps, "a renewal that does not start at the previous end_date");
    Dataset<Row> first = contracts.groupBy("account_id").agg(min("start_date").as("first_start"));
    assertEquals(0, read(worldA, Contract.ACCOUNTS).join(first, "account_id")
        .filter(col("first_start").notEqual(col("created_date"))).count());
    assertEquals(ACCOUNTS, first.count(), "every account has a contract");
  }

  @Test
  void nothingHappensAfterChurnOrTheWorldsEndOrBeforeCreation() {
    Dataset<Row> churn = read(worldA, Contract.CHURN_EVENTS);
    assertTrue(churn.count() > 0, "the test world should contain churn");
    LocalDate end = START.plusMonths(MONTHS);
    assertEquals(0, churn.filter(col("churn_date").lt(lit(java.sql.Date.valueOf(START)))
        .or(col("churn_date").geq(lit(java.sql.Date.valueOf(end))))).count());
    Dataset<Row> accounts = read(worldA, Contract.ACCOUNTS).select("account_id", "created_date");
    Map<TableSpec, List<String>> times = Map.of(
        Contract.USAGE_EVENTS, List.of("event_time"),
        Contract.SUPPORT_TICKETS, List.of("created_at", "resolved_at"),
        Contract.INVOICES, List.of("issued_date", "paid_date"),
        Contract.ENGAGEMENTS, List.of("occurred_at"),
        Contract.NPS_RESPONSES, List.of("responded_at"),
        Contract.CSM_ASSESSMENTS, List.of("assessed_at"),
        Contract.CONTRACTS, List.of("start_date"));
    for (Map.Entry<TableSpec, List<String>> e : times.entrySet()) {
      Dataset<Row> df = read(worldA, e.getKey()).join(churn.select("account_id", "churn_date"), new String[] {"account_id"}, "left")
          .join(accounts, "account_id");
      for (String c : e.getValue()) {
        Column t = col(c).cast("timestamp");
        String what = e.getKey().name() + "." + c;
        assertEquals(0, df.filter(t.geq(col("churn_date").cast("timestamp"))).count(), what + " on or after churn_date");
        if (e.getKey() != Contract.CONTRACTS) {
          assertEquals(0, df.filter(t.geq(ts(end))).count(), what + " at or after the world's end");
          assertEquals(0, df.filter(t.lt(ts(START))).count(), what + " before the world's start");
        }
        assertEquals(0, df.filter(t.lt(col("created_date").cast("timestamp"))).count(), what + " before the account existed");
      }
    }
  }

  /**
   * The churn model on a larger world (hidden state only, no events written, so it stays
   * fast): accounts in the worst health quartile at a renewal churn far more often than
   * those in the best, and the 90-day churn rate of active accounts is in a realistic band.
   */
  @Test
  void unhealthyAccountsChurnMore() {
    GeneratorOptions o = new GeneratorOptions(root.resolve("unused").toString(), 3000, 12, 11L, START);
    WorldModel model = new WorldModel(spark, o);
    Dataset<Row> accounts = model.accounts().cache();
    Dataset<Row> health = model.health(accounts).cache();
    Dataset<Row> terms = model.contractTerms(accounts, health).cache();
    try {
      Dataset<Row> renewals = terms.filter(col("end_date").geq(lit(java.sql.Date.valueOf(START)))
          .and(col("end_date").lt(lit(java.sql.Date.valueOf(o.end())))));
      double[] q = renewals.stat().approxQuantile("h_r", new double[] {0.25, 0.75}, 0.001);
      Row rates = renewals.agg(
          avg(when(col("h_r").leq(q[0]), col("renewal_churn").cast("double"))).as("worst"),
          avg(when(col("h_r").geq(q[1]), col("renewal_churn").cast("double"))).as("best")).first();
      double worst = rates.getDouble(0);
      double best = rates.getDouble(1);
      assertTrue(worst > 2.5 * best && worst > 0.2, "renewal churn worst quartile " + worst + " vs best " + best);
      assertTrue(best > 0.0, "healthy accounts should churn sometimes too (noise), best quartile " + best);

      // 90-day churn rate of accounts active at T = start + 6 months.
      Dataset<Row> churn = model.churn(terms, health);
      LocalDate t = START.plusMonths(6);
      Column tLit = lit(java.sql.Date.valueOf(t));
      Row r = accounts.join(churn, new String[] {"aid"}, "left")
          .filter(col("created_date").leq(tLit).and(col("churn_date").isNull().or(col("churn_date").gt(tLit))))
          .agg(count(lit(1)).as("active"),
              count(when(col("churn_date").leq(lit(java.sql.Date.valueOf(t.plusDays(90)))), lit(1))).as("churned"))
          .first();
      double rate = (double) r.getLong(1) / r.getLong(0);
      assertTrue(rate > 0.02 && rate < 0.10, "90-day churn rate " + rate);
    } finally {
      terms.unpersist();
      health.unpersist();
      accounts.unpersist();
    }
  }
}
