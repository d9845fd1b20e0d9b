package dev.healthscore.jobs.lake;

import io.delta.kernel.DataWriteContext;
import io.delta.kernel.Operation;
import io.delta.kernel.Scan;
import io.delta.kernel.Snapshot;
import io.delta.kernel.SnapshotBuilder;
import io.delta.kernel.TableManager;
import io.delta.kernel.Transaction;
import io.delta.kernel.TransactionCommitResult;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.engine.FileReadResult;
import io.delta.kernel.exceptions.ConcurrentWriteException;
import io.delta.kernel.hook.PostCommitHook;
import io.delta.kernel.internal.InternalScanFileUtils;
import io.delta.kernel.internal.data.ScanStateRow;
import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampType;
import io.delta.kernel.utils.CloseableIterable;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.DataFileStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;

/**
 * A small Delta table read, and appended to, in this process with Delta Kernel: no Spark job,
 * no query plan. For the run ledger, whose few hundred rows cost a cold JVM seconds of Spark
 * planning per read (docs/benchmarks.md). Values come and go as Spark {@link Row}s of a given
 * Spark schema; columns of other types than string, long, int, double, boolean, date and
 * timestamp (the ledger's maps and arrays) are read as null and must be null when appended.
 * Updates and deletes stay with Spark's Delta writer, which detects conflicts on whole files.
 */
public final class KernelTable {
  private static final String ENGINE_INFO = "healthscore";
  private static final int COMMIT_ATTEMPTS = 8;

  private final String path;
  private final Engine engine;

  public KernelTable(String path, Configuration hadoop) {
    this.path = path;
    this.engine = DefaultEngine.create(hadoop);
  }

  /** The table's columns at its latest version. */
  public List<String> columnNames() {
    return TableManager.loadSnapshot(path).build(engine).getSchema().fieldNames();
  }

  /** The rows at {@code version} (latest when empty), as rows of {@code schema}. */
  public List<Row> rows(org.apache.spark.sql.types.StructType schema, OptionalLong version) {
    SnapshotBuilder builder = TableManager.loadSnapshot(path);
    if (version.isPresent()) builder = builder.atVersion(version.getAsLong());
    Snapshot snapshot = builder.build(engine);
    Scan scan = snapshot.getScanBuilder().build();
    io.delta.kernel.data.Row scanState = scan.getScanState(engine);
    StructType physical = ScanStateRow.getPhysicalDataReadSchema(scanState);
    List<Row> out = new ArrayList<>();
    try (CloseableIterator<FilteredColumnarBatch> scanFiles = scan.getScanFiles(engine)) {
      while (scanFiles.hasNext()) {
        try (CloseableIterator<io.delta.kernel.data.Row> files = scanFiles.next().getRows()) {
          while (files.hasNext()) {
            io.delta.kernel.data.Row file = files.next();
            CloseableIterator<ColumnarBatch> data = engine.getParquetHandler()
                .readParquetFiles(one(InternalScanFileUtils.getAddFileStatus(file)), physical, Optional.empty())
                .map(FileReadResult::getData);
            try (CloseableIterator<FilteredColumnarBatch> logical = Scan.transformPhysicalData(engine, scanState, file, data)) {
              while (logical.hasNext()) addRows(logical.next(), schema, out);
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /**
   * Appends one row in a commit of its own and returns the version it was committed as. A
   * concurrent commit of other rows does not fail it (Kernel commits an append after them);
   * the caller learns from the version what was committed before its row.
   */
  public long append(Row row) {
    for (int attempt = 1; ; attempt++) {
      Snapshot snapshot = TableManager.loadSnapshot(path).build(engine);
      Transaction txn = snapshot.buildUpdateTableTransaction(ENGINE_INFO, Operation.WRITE).build(engine);
      io.delta.kernel.data.Row state = txn.getTransactionState(engine);
      ColumnarBatch batch = oneRow(snapshot.getSchema(), row);
      try {
        CloseableIterator<FilteredColumnarBatch> physical = Transaction.transformLogicalData(engine, state,
            one(new FilteredColumnarBatch(batch, Optional.empty())), Map.of());
        DataWriteContext context = Transaction.getWriteContext(engine, state, Map.of());
        CloseableIterator<DataFileStatus> written = engine.getParquetHandler()
            .writeParquetFiles(context.getTargetDirectory(), physical, context.getStatisticsColumns());
        CloseableIterator<io.delta.kernel.data.Row> actions = Transaction.generateAppendActions(engine, state, written, context);
        TransactionCommitResult result = txn.commit(engine, CloseableIterable.inMemoryIterable(actions));
        for (PostCommitHook hook : result.getPostCommitHooks()) hook.threadSafeInvoke(engine); // e.g. a checkpoint
        return result.getVersion();
      } catch (ConcurrentWriteException e) { // a concurrent change of schema or properties: append again on it
        if (attempt >= COMMIT_ATTEMPTS) throw new IllegalStateException(path + ": " + e.getMessage(), e);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  // --- Spark rows <-> Kernel vectors -------------------------------------------------------

  private static void addRows(FilteredColumnarBatch batch, org.apache.spark.sql.types.StructType schema, List<Row> out) {
    ColumnarBatch data = batch.getData();
    Optional<ColumnVector> selected = batch.getSelectionVector();
    List<String> names = data.getSchema().fieldNames();
    for (int i = 0; i < data.getSize(); i++) {
      if (selected.isPresent() && (selected.get().isNullAt(i) || !selected.get().getBoolean(i))) continue;
      Object[] values = new Object[schema.size()];
      for (int c = 0; c < values.length; c++) {
        int at = names.indexOf(schema.fields()[c].name());
        values[c] = at < 0 ? null : value(data.getColumnVector(at), i);
      }
      out.add(new GenericRowWithSchema(values, schema));
    }
  }

  private static Object value(ColumnVector v, int i) {
    if (v.isNullAt(i)) return null;
    DataType t = v.getDataType();
    if (t instanceof StringType) return v.getString(i);
    if (t instanceof LongType) return v.getLong(i);
    if (t instanceof IntegerType) return v.getInt(i);
    if (t instanceof DoubleType) return v.getDouble(i);
    if (t instanceof BooleanType) return v.getBoolean(i);
    if (t instanceof DateType) return Date.valueOf(LocalDate.ofEpochDay(v.getInt(i)));
    if (t instanceof TimestampType) {
      long micros = v.getLong(i);
      return Timestamp.from(Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L));
    }
    return null; // maps and arrays: not needed by the ledger's readers
  }

  private static ColumnarBatch oneRow(StructType schema, Row row) {
    List<ColumnVector> vectors = new ArrayList<>();
    for (var field : schema.fields()) {
      int at = row.schema().getFieldIndex(field.getName()).isDefined() ? row.fieldIndex(field.getName()) : -1;
      Object value = at < 0 ? null : row.get(at);
      vectors.add(vector(field.getDataType(), value, field.getName()));
    }
    return new ColumnarBatch() {
      @Override
      public StructType getSchema() {
        return schema;
      }

      @Override
      public ColumnVector getColumnVector(int ordinal) {
        return vectors.get(ordinal);
      }

      @Override
      public int getSize() {
        return 1;
      }
    };
  }

  private static ColumnVector vector(DataType type, Object value, String name) {
    boolean supported = type instanceof StringType || type instanceof LongType || type instanceof IntegerType
        || type instanceof DoubleType || type instanceof BooleanType || type instanceof DateType || type instanceof TimestampType;
    if (value != null && !supported) throw new IllegalArgumentException("column " + name + ": " + type + " values are not written here");
    return new ColumnVector() {
      @Override
      public DataType getDataType() {
        return type;
      }

      @Override
      public int getSize() {
        return 1;
      }

      @Override
      public void close() {}

      @Override
      public boolean isNullAt(int rowId) {
        return value == null;
      }

      @Override
      public boolean getBoolean(int rowId) {
        return (Boolean) value;
      }

      @Override
      public int getInt(int rowId) {
        return value instanceof Date d ? (int) d.toLocalDate().toEpochDay() : ((Number) value).intValue();
      }

      @Override
      public long getLong(int rowId) {
        if (value instanceof Timestamp ts) {
          Instant at = ts.toInstant();
          return Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000L), at.getNano() / 1000);
        }
        return ((Number) value).longValue();
      }

      @Override
      public double getDouble(int rowId) {
        return ((Number) value).doubleValue();
      }

      @Override
      public String getString(int rowId) {
        return (String) value;
      }
    };
  }

  private static <T> CloseableIterator<T> one(T item) {
    Iterator<T> it = List.of(item).iterator();
    return new CloseableIterator<>() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public T next() {
        if (!it.hasNext()) throw new NoSuchElementException();
        return it.next();
      }

      @Override
      public void close() {}
    };
  }
}
