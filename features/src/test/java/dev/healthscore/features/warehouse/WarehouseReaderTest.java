package dev.healthscore.features.warehouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.healthscore.testing.Fixtures;
import dev.healthscore.testing.SmallWorld;
import dev.healthscore.testing.TestSpark;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;

class WarehouseReaderTest {
  final SparkSession spark = TestSpark.spark();

  /** SmallWorld with some tables replaced. */
  String warehouseWith(Map<String, Dataset<Row>> replaced) {
    Map<String, Dataset<Row>> tables = new HashMap<>(SmallWorld.tables());
    tables.putAll(replaced);
    return Fixtures.writeParquet(tables);
  }

  @Test
  void readsParquetAndDelta_caseInsensitive_widensNumbers() {
    String root = warehouseWith(Map.of());
    // usage_events as Delta, in upper-case directory and column names, with an INT duration.
    spark.sql("SELECT 'A1' AS ACCOUNT_ID, 'u1' AS User_Id, TIMESTAMP'2024-06-01 10:00:00' AS Event_Time, "
            + "'a' AS FEATURE, 42 AS DURATION_SEC, 'x' AS extra_column")
        .write().format("delta").mode(SaveMode.Overwrite).save(root + "/Usage_Events_tmp");
    deleteDir(root + "/usage_events");
    new java.io.File(root + "/Usage_Events_tmp").renameTo(new java.io.File(root + "/Usage_Events"));

    Dataset<Row> usage = new Warehouse(spark, root).read(Contract.USAGE_EVENTS);
    assertEquals(List.of("account_id", "user_id", "event_time", "feature", "duration_sec"), List.of(usage.columns()));
    assertEquals(DataTypes.DoubleType, usage.schema().apply("duration_sec").dataType());
    Row r = usage.first();
    assertEquals("A1", r.getAs("account_id"));
    assertEquals(42.0, (Double) r.getAs("duration_sec"));
  }

  @Test
  void optionalTableAbsentIsEmpty() {
    String root = warehouseWith(Map.of());
    deleteDir(root + "/nps_responses");
    assertEquals(0, new Warehouse(spark, root).read(Contract.NPS_RESPONSES).count());
  }

  @Test
  void nullableColumnAbsentIsReadAsNull() {
    String root = warehouseWith(Map.of("accounts",
        spark.sql("SELECT 'A1' account_id, 'n' account_name, 'smb' segment, 'emea' region, 'retail' industry, "
            + "DATE'2023-01-01' created_date")));
    Row r = new Warehouse(spark, root).read(Contract.ACCOUNTS).first();
    assertEquals(null, (Object) r.getAs("csm_owner"));
    assertEquals(null, (Object) r.getAs("parent_account_id"));
  }

  @Test
  void missingRequiredTable() {
    String root = warehouseWith(Map.of());
    deleteDir(root + "/invoices");
    BadInputException e = assertThrows(BadInputException.class, () -> new Warehouse(spark, root).checkStructure());
    assertEquals("warehouse table 'invoices': missing required table (no directory " + root + "/invoices)", e.getMessage());
  }

  @Test
  void missingRequiredColumn() {
    String root = warehouseWith(Map.of("invoices", spark.sql(
        "SELECT 'i1' invoice_id, 'A1' account_id, DATE'2024-01-01' issued_date, 10.0 amount, CAST(NULL AS DATE) paid_date")));
    BadInputException e = assertThrows(BadInputException.class, () -> new Warehouse(spark, root).checkStructure());
    assertEquals("warehouse table 'invoices': missing required column 'due_date'", e.getMessage());
  }

  @Test
  void unreadableType() {
    String root = warehouseWith(Map.of("churn_events", spark.sql("SELECT 'A1' account_id, true churn_date, 'x' reason")));
    BadInputException e = assertThrows(BadInputException.class, () -> new Warehouse(spark, root).checkStructure());
    assertEquals("warehouse table 'churn_events': column 'churn_date' has unreadable type boolean (expected date)", e.getMessage());
  }

  @Test
  void missingWarehouse() {
    BadInputException e = assertThrows(BadInputException.class, () -> new Warehouse(spark, "/nonexistent/wh").checkStructure());
    assertEquals("warehouse /nonexistent/wh: no such directory", e.getMessage());
  }

  /** The footer read on the driver gives the schema Spark's inference (a Spark job) would give, table by table. */
  @Test
  void footerSchemaIsTheSchemaSparkInfers() throws Exception {
    String root = warehouseWith(Map.of("invoices", spark.sql("SELECT 'i1' invoice_id, 'A1' account_id, DATE'2024-01-01' issued_date, "
        + "DATE'2024-01-31' due_date, CAST(10 AS DECIMAL(12, 2)) amount, CAST(NULL AS DATE) paid_date, 7 AS Extra, "
        + "TIMESTAMP_NTZ'2024-01-01 00:00:00' ntz, ARRAY(1, 2) arr")));
    for (TableSpec t : Contract.TABLES) {
      org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(root, t.name());
      if (!new java.io.File(dir.toString()).isDirectory()) continue;
      assertEquals(spark.read().parquet(dir.toString()).schema(),
          FooterSchema.of(dir, spark.sparkContext().hadoopConfiguration()).orElseThrow().asNullable(), t.name());
    }
    assertEquals(10.0, (Double) new Warehouse(spark, root).read(Contract.INVOICES).first().getAs("amount"));
  }

  /** Left to Spark: partition folders (their columns come from the paths) and summary files. */
  @Test
  void aPartitionedTableIsReadWithItsPartitionColumns() throws Exception {
    String root = warehouseWith(Map.of());
    deleteDir(root + "/churn_events");
    spark.sql("SELECT 'A1' account_id, DATE'2024-03-01' churn_date, 'price' reason")
        .write().partitionBy("reason").parquet(root + "/churn_events");
    org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(root, "churn_events");
    assertEquals(java.util.Optional.empty(), FooterSchema.of(dir, spark.sparkContext().hadoopConfiguration()));
    Row r = new Warehouse(spark, root).read(Contract.CHURN_EVENTS).first();
    assertEquals("price", r.getAs("reason"));
  }

  @Test
  void aFileThatIsNotParquetIsUnreadable() throws Exception {
    String root = warehouseWith(Map.of());
    java.nio.file.Path first = java.nio.file.Path.of(root, "invoices", "part-0.parquet"); // first by name
    java.nio.file.Files.writeString(first, "not parquet");
    BadInputException e = assertThrows(BadInputException.class, () -> new Warehouse(spark, root).checkStructure());
    assertEquals(true, e.getMessage().startsWith("warehouse table 'invoices': unreadable ("), e.getMessage());
  }

  @Test
  void aTableFolderWithoutDataFilesIsUnreadable() {
    String root = warehouseWith(Map.of());
    deleteDir(root + "/invoices");
    new java.io.File(root + "/invoices").mkdirs();
    BadInputException e = assertThrows(BadInputException.class, () -> new Warehouse(spark, root).checkStructure());
    assertEquals(true, e.getMessage().startsWith("warehouse table 'invoices': unreadable ("), e.getMessage());
  }

  static void deleteDir(String path) {
    try (var walk = java.nio.file.Files.walk(java.nio.file.Path.of(path))) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
