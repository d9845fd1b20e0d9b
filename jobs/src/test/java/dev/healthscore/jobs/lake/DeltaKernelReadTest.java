package dev.healthscore.jobs.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.healthscore.jobs.cli.CliTestSupport;
import dev.healthscore.testing.Fixtures;
import dev.healthscore.testing.SmallWorld;
import dev.healthscore.testing.TestSpark;
import io.delta.kernel.Scan;
import io.delta.kernel.Snapshot;
import io.delta.kernel.TableManager;
import io.delta.kernel.data.ArrayValue;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.MapValue;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.engine.FileReadResult;
import io.delta.kernel.internal.InternalScanFileUtils;
import io.delta.kernel.internal.data.ScanStateRow;
import io.delta.kernel.internal.util.Utils;
import io.delta.kernel.types.ArrayType;
import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.MapType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampType;
import io.delta.kernel.utils.CloseableIterator;
import java.io.IOException;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Delta Kernel (the JVM reader other engines build on: Trino, Flink, ...) reads the lake
 * tables the nightly command writes, row for row as Spark reads them. Nothing here goes
 * through Spark's Delta reader on the Kernel side: its own log replay, its own Parquet
 * reader, partition values filled in by Kernel.
 */
class DeltaKernelReadTest {
  static String lake;

  @BeforeAll
  static void nightlyForTwoDates() {
    String wh = Fixtures.writeParquet(SmallWorld.tables());
    lake = TestSpark.tempDir("kernel-lake").toString();
    for (String day : List.of("2024-05-31", "2024-06-30")) {
      assertEquals(0, CliTestSupport.run("nightly", "--warehouse", wh, "--lake", lake, "--as-of", day).exitCode());
    }
  }

  @Test
  void accountHealth_kernelReadsWhatSparkReads() throws IOException {
    assertSameRows("account_health");
  }

  @Test
  void accountFeatures_kernelReadsWhatSparkReads() throws IOException {
    assertSameRows("account_features");
  }

  @Test
  void accountHealth_kernelSeesContractColumnsAndPartitions() {
    Snapshot snapshot = TableManager.loadSnapshot(lake + "/account_health").build(engine());
    assertEquals(List.of("as_of_date"), snapshot.getPartitionColumnNames());
    assertEquals("false", snapshot.getTableProperties().get("delta.enableDeletionVectors"));
    StructType schema = snapshot.getSchema();
    assertEquals(StringType.STRING, schema.get("account_id").getDataType());
    assertEquals(DateType.DATE, schema.get("as_of_date").getDataType());
    assertEquals(DoubleType.DOUBLE, schema.get("health_score").getDataType());
    assertEquals(StringType.STRING, schema.get("health_band").getDataType());
    assertEquals(DoubleType.DOUBLE, schema.get("churn_probability").getDataType());
    // the column comments written by Lake.withComments travel in the schema metadata
    assertNotNull(schema.get("health_score").getMetadata().getString("comment"));
  }

  /** Same column names in the same order, same rows (any order), same values (doubles to the bit). */
  static void assertSameRows(String table) throws IOException {
    String path = lake + "/" + table;
    org.apache.spark.sql.Dataset<Row> spark = TestSpark.spark().read().format("delta").load(path);
    StructType kernelSchema = TableManager.loadSnapshot(path).build(engine()).getSchema();
    assertEquals(Arrays.asList(spark.columns()), kernelSchema.fieldNames());

    List<List<Object>> expected = sorted(spark.collectAsList().stream().map(r -> sparkValues(r)).toList());
    List<List<Object>> actual = sorted(kernelRows(path));
    assertEquals(6, expected.size(), table + ": 3 active accounts x 2 dates");
    assertEquals(Set.of(LocalDate.parse("2024-05-31"), LocalDate.parse("2024-06-30")),
        expected.stream().map(r -> r.get(1)).collect(Collectors.toSet()));
    assertEquals(expected.size(), actual.size());
    for (int i = 0; i < expected.size(); i++) assertEquals(expected.get(i), actual.get(i), table + " row " + i);
  }

  static List<List<Object>> sorted(List<List<Object>> rows) {
    List<List<Object>> copy = new ArrayList<>(rows);
    copy.sort(Comparator.comparing((List<Object> r) -> (String) r.get(0)).thenComparing(r -> (LocalDate) r.get(1)));
    return copy;
  }

  static Engine engine() {
    return DefaultEngine.create(new Configuration());
  }

  // --- Kernel side: scan files, read each Parquet file, let Kernel add the partition values ---

  static List<List<Object>> kernelRows(String path) throws IOException {
    Engine engine = engine();
    Snapshot snapshot = TableManager.loadSnapshot(path).build(engine);
    Scan scan = snapshot.getScanBuilder().build();
    io.delta.kernel.data.Row scanState = scan.getScanState(engine);
    StructType physicalSchema = ScanStateRow.getPhysicalDataReadSchema(scanState);
    List<List<Object>> rows = new ArrayList<>();
    try (CloseableIterator<FilteredColumnarBatch> scanFiles = scan.getScanFiles(engine)) {
      while (scanFiles.hasNext()) {
        try (CloseableIterator<io.delta.kernel.data.Row> files = scanFiles.next().getRows()) {
          while (files.hasNext()) {
            io.delta.kernel.data.Row file = files.next();
            CloseableIterator<ColumnarBatch> physical = engine.getParquetHandler()
                .readParquetFiles(Utils.singletonCloseableIterator(InternalScanFileUtils.getAddFileStatus(file)),
                    physicalSchema, Optional.empty())
                .map(FileReadResult::getData);
            try (CloseableIterator<FilteredColumnarBatch> data = Scan.transformPhysicalData(engine, scanState, file, physical)) {
              while (data.hasNext()) addRows(data.next(), rows);
            }
          }
        }
      }
    }
    return rows;
  }

  static void addRows(FilteredColumnarBatch batch, List<List<Object>> out) {
    ColumnarBatch data = batch.getData();
    Optional<ColumnVector> selected = batch.getSelectionVector();
    StructType schema = data.getSchema();
    for (int i = 0; i < data.getSize(); i++) {
      if (selected.isPresent() && (selected.get().isNullAt(i) || !selected.get().getBoolean(i))) continue;
      List<Object> row = new ArrayList<>();
      for (int c = 0; c < schema.length(); c++) row.add(kernelValue(data.getColumnVector(c), i));
      out.add(row);
    }
  }

  static Object kernelValue(ColumnVector v, int i) {
    if (v.isNullAt(i)) return null;
    DataType t = v.getDataType();
    if (t instanceof StringType) return v.getString(i);
    if (t instanceof DoubleType) return v.getDouble(i);
    if (t instanceof IntegerType) return v.getInt(i);
    if (t instanceof LongType) return v.getLong(i);
    if (t instanceof BooleanType) return v.getBoolean(i);
    if (t instanceof DateType) return LocalDate.ofEpochDay(v.getInt(i));
    if (t instanceof TimestampType) return Instant.EPOCH.plus(v.getLong(i), ChronoUnit.MICROS);
    if (t instanceof ArrayType) {
      ArrayValue a = v.getArray(i);
      List<Object> items = new ArrayList<>();
      for (int k = 0; k < a.getSize(); k++) items.add(kernelValue(a.getElements(), k));
      return items;
    }
    if (t instanceof MapType) {
      MapValue m = v.getMap(i);
      Map<Object, Object> map = new LinkedHashMap<>();
      for (int k = 0; k < m.getSize(); k++) map.put(kernelValue(m.getKeys(), k), kernelValue(m.getValues(), k));
      return map;
    }
    if (t instanceof StructType s) {
      List<Object> fields = new ArrayList<>();
      for (int f = 0; f < s.length(); f++) fields.add(kernelValue(v.getChild(f), i));
      return fields;
    }
    throw new AssertionError("no Kernel conversion for " + t);
  }

  // --- Spark side: the same Java values from Spark rows ---

  static List<Object> sparkValues(Row r) {
    List<Object> values = new ArrayList<>();
    for (int c = 0; c < r.length(); c++) values.add(sparkValue(r.get(c)));
    return values;
  }

  static Object sparkValue(Object v) {
    if (v instanceof Date d) return d.toLocalDate();
    if (v instanceof Timestamp ts) return ts.toInstant();
    if (v instanceof Row struct) return sparkValues(struct);
    if (v instanceof scala.collection.Seq<?> seq) {
      List<Object> items = new ArrayList<>();
      scala.jdk.javaapi.CollectionConverters.asJava(seq).forEach(x -> items.add(sparkValue(x)));
      return items;
    }
    if (v instanceof scala.collection.Map<?, ?> m) {
      Map<Object, Object> map = new LinkedHashMap<>();
      scala.jdk.javaapi.CollectionConverters.asJava(m).forEach((k, x) -> map.put(sparkValue(k), sparkValue(x)));
      return map;
    }
    return v;
  }
}
