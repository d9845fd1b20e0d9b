package dev.healthscore.jobs.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.healthscore.features.config.ConfigException;
import dev.healthscore.testing.TestSpark;
import java.io.File;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.Utils;
import org.junit.jupiter.api.Test;

/**
 * Registration logic on the test session's in-memory catalog (the Hive metastore itself, and
 * JDBC, are exercised by SqlServerJdbcTest in separate processes).
 */
class LakeCatalogTest {
  static final AtomicInteger DB = new AtomicInteger();
  static final TableDoc HEALTH_DOC = TableDoc.of("Daily account health (test).",
      "account_id", "account identifier", "as_of_date", "as-of date T", "health_score", "score 0-100",
      "health_band", "green, yellow or red");
  static final TableDoc RUNS_DOC = TableDoc.of("One row per run (test).", "run_id", "run identifier", "accounts", "accounts scored");

  static SparkSession spark() {
    return TestSpark.spark();
  }

  static String freshDatabase() {
    return "hs_catalog_test_" + DB.incrementAndGet();
  }

  /** account_health rows: id, date, score, band. */
  static Dataset<Row> health(Object[]... rows) {
    List<Row> out = new ArrayList<>();
    for (Object[] r : rows) out.add(RowFactory.create(r[0], Date.valueOf((String) r[1]), r[2], r[3]));
    return spark().createDataFrame(out, new StructType().add("account_id", "string").add("as_of_date", "date")
        .add("health_score", "double").add("health_band", "string"));
  }

  static Lake lakeWithRuns() {
    Lake lake = new Lake(spark(), TestSpark.tempDir("catalog-lake").toString());
    lake.append(LakeTables.RUNS, spark().createDataFrame(List.of(RowFactory.create("r1", 3L), RowFactory.create("r2", 2L)),
        new StructType().add("run_id", "string").add("accounts", "long")), RUNS_DOC);
    return lake;
  }

  static Lake smallLake() {
    Lake lake = lakeWithRuns();
    lake.replaceDates(LakeTables.ACCOUNT_HEALTH, health(
        new Object[] {"A1", "2024-05-31", 80.0, "green"},
        new Object[] {"A2", "2024-05-31", 40.0, "red"},
        new Object[] {"A3", "2024-05-31", 60.0, "yellow"}), List.of(LocalDate.parse("2024-05-31")), HEALTH_DOC);
    lake.replaceDates(LakeTables.ACCOUNT_HEALTH, health(
        new Object[] {"A1", "2024-06-30", 75.5, "green"},
        new Object[] {"A2", "2024-06-30", 35.0, "red"}), List.of(LocalDate.parse("2024-06-30")), HEALTH_DOC);
    return lake;
  }

  static Map<String, String> describe(String table) {
    return spark().sql("DESCRIBE TABLE EXTENDED " + table).collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getString(0),
            r -> r.isNullAt(2) || r.getString(2).isEmpty() ? r.getString(1) : r.getString(1) + " | " + r.getString(2), (a, b) -> a));
  }

  @Test
  void registersTablesAndView_rerunIsIdempotent_newDataNeedsNothing_changesAreApplied() throws Exception {
    Lake lake = smallLake();
    String db = freshDatabase();
    LakeCatalog.Result r = LakeCatalog.register(spark(), lake, db);

    assertEquals(List.of("account_health", "runs", "account_health_latest"), r.names());
    assertEquals(List.of(5L, 2L, 2L), r.entries().stream().map(LakeCatalog.Entry::rows).toList());
    assertTrue(r.entries().stream().allMatch(e -> e.change() == LakeCatalog.Change.ADDED));
    assertEquals("file:" + lake.path("account_health"), r.entries().get(0).location());
    assertTrue(r.entries().get(2).view());

    // the view holds exactly the rows of the latest date
    TestSpark.assertRows(spark().table(db + ".account_health_latest").select("account_id", "health_score"),
        List.of(RowFactory.create("A1", 75.5), RowFactory.create("A2", 35.0)));
    // the tables read the Delta data
    TestSpark.assertRows(spark().sql("SELECT as_of_date, count(*) FROM " + db + ".account_health GROUP BY as_of_date"),
        List.of(RowFactory.create(Date.valueOf("2024-05-31"), 3L), RowFactory.create(Date.valueOf("2024-06-30"), 2L)));

    Map<String, String> d = describe(db + ".account_health");
    assertEquals("Daily account health (test).", d.get("Comment"));
    assertEquals("EXTERNAL", d.get("Type"));
    assertEquals("delta", d.get("Provider"));
    assertEquals("double | score 0-100", d.get("health_score"));
    Map<String, String> v = describe(db + ".account_health_latest");
    assertEquals("VIEW", v.get("Type"));
    assertEquals("account_health rows of the latest as_of_date: the current health of every account active then", v.get("Comment"));
    assertEquals("string | green, yellow or red", v.get("health_band"));
    assertEquals("run identifier", spark().catalog().listColumns(db, "runs").collectAsList().stream()
        .filter(c -> c.name().equals("run_id")).findFirst().orElseThrow().description());

    LakeCatalog.Result again = LakeCatalog.register(spark(), lake, db);
    assertTrue(again.entries().stream().allMatch(e -> e.change() == LakeCatalog.Change.UNCHANGED), again.toString());
    assertFalse(again.changed());
    assertEquals(List.of("account_health", "account_health_latest", "runs"), tables(db));

    // a new date written after registration is visible through the catalog at once
    lake.replaceDates(LakeTables.ACCOUNT_HEALTH, health(new Object[] {"A1", "2024-07-31", 70.0, "yellow"}),
        List.of(LocalDate.parse("2024-07-31")), HEALTH_DOC);
    TestSpark.assertRows(spark().table(db + ".account_health_latest").select("account_id", "health_band"),
        List.of(RowFactory.create("A1", "yellow")));
    assertEquals(6, spark().table(db + ".account_health").count());

    // a table gone from the lake is dropped; a new one is added; a new column updates the entry
    Utils.deleteRecursively(new File(lake.path(LakeTables.RUNS)));
    lake.append(LakeTables.QUARANTINE, spark().createDataFrame(List.of(RowFactory.create("accounts", "not_null")),
        new StructType().add("table_name", "string").add("rule", "string")), LakeTables.QUARANTINE_DOC);
    lake.replaceDates(LakeTables.ACCOUNT_HEALTH, health(new Object[] {"A1", "2024-07-31", 71.0, "yellow"})
        .withColumn("arr", org.apache.spark.sql.functions.lit(1200.0)), List.of(LocalDate.parse("2024-07-31")),
        HEALTH_DOC.with(Map.of("arr", "annual recurring revenue")));
    LakeCatalog.Result changed = LakeCatalog.register(spark(), lake, db);
    assertEquals(List.of("runs"), changed.dropped());
    assertEquals(Map.of("account_health", LakeCatalog.Change.UPDATED, "quarantine", LakeCatalog.Change.ADDED,
            "account_health_latest", LakeCatalog.Change.UPDATED),
        changed.entries().stream().collect(Collectors.toMap(LakeCatalog.Entry::name, LakeCatalog.Entry::change)));
    assertEquals(List.of("account_health", "account_health_latest", "quarantine"), tables(db));
    assertEquals("double | annual recurring revenue", describe(db + ".account_health_latest").get("arr"));
    assertEquals(1, changed.entries().stream().filter(e -> e.name().equals("quarantine")).findFirst().orElseThrow().rows());

    // account_health gone: its view goes too
    Utils.deleteRecursively(new File(lake.path(LakeTables.ACCOUNT_HEALTH)));
    LakeCatalog.Result noHealth = LakeCatalog.register(spark(), lake, db);
    assertEquals(List.of("account_health_latest", "account_health"), noHealth.dropped());
    assertEquals(List.of("quarantine"), tables(db));
  }

  @Test
  void refusesToReplaceTablesItDidNotRegister_andAMissingLake() {
    Lake lake = lakeWithRuns();
    String db = freshDatabase();
    spark().sql("CREATE DATABASE " + db);
    spark().sql("CREATE TABLE " + db + ".runs (x INT) USING parquet");
    ConfigException e = assertThrows(ConfigException.class, () -> LakeCatalog.register(spark(), lake, db));
    assertEquals("catalog " + db + ".runs exists as a managed table that healthscore did not register; drop or rename it "
        + "so that the lake table runs can be registered", e.getMessage());

    Lake missing = new Lake(spark(), lake.root() + "-typo");
    assertEquals("lake " + missing.root() + " does not exist",
        assertThrows(ConfigException.class, () -> LakeCatalog.register(spark(), missing, db)).getMessage());
    assertEquals("database name 'bad-name' must be letters, digits and _ (not starting with a digit)",
        assertThrows(ConfigException.class, () -> LakeCatalog.databaseName("bad-name")).getMessage());
  }

  @Test
  void metastoreLocation() {
    Configuration none = new Configuration(false);
    Path lake = TestSpark.tempDir("ms-lake");
    Metastore local = Metastore.locate(none, null, lake.toString(), null);
    assertEquals("embedded Derby metastore " + lake.resolve("_metastore"), local.description());
    assertTrue(local.embedded());
    assertFalse(local.exists()); // nothing created yet: nightly leaves it alone
    assertFalse(local.busy());
    assertEquals("embedded Derby metastore " + lake.resolve("_metastore"),
        Metastore.locate(none, null, "file:" + lake, null).description());
    assertEquals("embedded Derby metastore /srv/ms", Metastore.locate(none, null, "s3a://bucket/lake", "/srv/ms").description());
    assertEquals("lake s3a://bucket/lake is not a local directory, so the embedded metastore cannot live in it: set "
            + "HEALTHSCORE_METASTORE_DIR to a local directory, or configure a Hive metastore (--conf spark.hadoop.hive.metastore.uris=thrift://...)",
        assertThrows(ConfigException.class, () -> Metastore.locate(none, null, "s3a://bucket/lake", null)).getMessage());

    Configuration thrift = new Configuration(false);
    thrift.set("hive.metastore.uris", "thrift://ms:9083");
    Metastore remote = Metastore.locate(thrift, null, "s3a://bucket/lake", null);
    assertEquals("Hive metastore thrift://ms:9083", remote.description());
    assertTrue(remote.exists());
    assertFalse(remote.busy());
    Configuration jdo = new Configuration(false);
    jdo.set("javax.jdo.option.ConnectionURL", "jdbc:postgresql://db/hive");
    assertEquals("Hive metastore database jdbc:postgresql://db/hive", Metastore.locate(jdo, null, lake.toString(), null).description());
    Configuration site = new Configuration(false);
    site.set("hive.in.test", "true"); // a hive-site.xml without metastore settings: still ours
    assertTrue(Metastore.locate(none, site, lake.toString(), null).embedded());
    site.set("hive.metastore.uris", "thrift://site:9083");
    assertEquals("Hive metastore thrift://site:9083 (hive-site.xml)", Metastore.locate(none, site, lake.toString(), null).description());
  }

  @Test
  void recognisesDerbyHeldByAnotherProcess() {
    var derby = new java.sql.SQLException("Failed to start database '/x/metastore_db', see the next exception for details.", "XJ040");
    derby.setNextException(new java.sql.SQLException("Another instance of Derby may have already booted the database /x/metastore_db.", "XSDB6"));
    assertTrue(Metastore.isBusyError(new RuntimeException("Unable to instantiate SessionHiveMetaStoreClient",
        new IllegalStateException("wrapped", derby))));
    assertFalse(Metastore.isBusyError(new RuntimeException("Table or view not found")));
  }

  static List<String> tables(String db) {
    return spark().sql("SHOW TABLES IN " + db).collectAsList().stream().map(r -> r.getString(1)).sorted().toList();
  }
}
