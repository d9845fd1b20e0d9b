package dev.healthscore.features.warehouse;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Reads contract tables from a warehouse root (local path or any Hadoop URI), Parquet or
 * Delta (a {@code _delta_log/} folder means Delta). Returns each table conformed to the
 * contract: exactly its columns, lower-case names, contract types (numbers widened).
 * Structural problems throw {@link BadInputException} before anything is computed.
 */
public final class Warehouse {
  private final SparkSession spark;
  private final String root;
  private Map<String, Path> tableDirs;

  public Warehouse(SparkSession spark, String root) {
    this.spark = spark;
    this.root = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
  }

  public String root() {
    return root;
  }

  /** Checks every table's structure up front, so a bad warehouse fails before any work. */
  public void checkStructure() {
    for (TableSpec t : Contract.TABLES) read(t);
  }

  public Dataset<Row> read(TableSpec table) {
    Path dir = tableDirs().get(table.name());
    if (dir == null) {
      if (table.optional()) return empty(table);
      throw new BadInputException("warehouse table '" + table.name() + "': missing required table (no directory "
          + root + "/" + table.name() + ")");
    }
    Dataset<Row> raw;
    try {
      raw = isDelta(dir)
          ? spark.read().format("delta").load(dir.toString())
          : parquet(dir);
    } catch (Exception e) {
      throw new BadInputException("warehouse table '" + table.name() + "': unreadable (" + oneLine(e) + ")");
    }
    return conform(table, raw);
  }

  /** A Parquet table, its schema from a footer read here when it can be ({@link FooterSchema}), else inferred by Spark. */
  private Dataset<Row> parquet(Path dir) throws IOException {
    var schema = FooterSchema.of(dir, spark.sparkContext().hadoopConfiguration());
    return schema.isPresent() ? spark.read().schema(schema.get()).parquet(dir.toString()) : spark.read().parquet(dir.toString());
  }

  /** Projects {@code raw} onto the contract's columns; case-insensitive, numbers widened. */
  public static Dataset<Row> conform(TableSpec table, Dataset<Row> raw) {
    Map<String, StructField> byName = new HashMap<>();
    for (StructField f : raw.schema().fields()) byName.putIfAbsent(f.name().toLowerCase(Locale.ROOT), f);
    List<Column> cols = new ArrayList<>();
    for (ColumnSpec c : table.columns()) {
      StructField f = byName.get(c.name());
      if (f == null) {
        if (!c.mayBeAbsent()) {
          throw new BadInputException("warehouse table '" + table.name() + "': missing required column '" + c.name() + "'");
        }
        cols.add(lit(null).cast(c.type().sparkType).as(c.name()));
        continue;
      }
      if (!c.type().accepts(f.dataType())) {
        throw new BadInputException("warehouse table '" + table.name() + "': column '" + c.name() + "' has unreadable type "
            + f.dataType().simpleString() + " (expected " + c.type().name().toLowerCase(Locale.ROOT) + ")");
      }
      cols.add(col("`" + f.name() + "`").cast(c.type().sparkType).as(c.name()));
    }
    return raw.select(cols.toArray(Column[]::new));
  }

  public Dataset<Row> empty(TableSpec table) {
    return spark.createDataFrame(List.<Row>of(), schema(table));
  }

  public static StructType schema(TableSpec table) {
    StructType s = new StructType();
    for (ColumnSpec c : table.columns()) s = s.add(c.name(), c.type().sparkType, true);
    return s;
  }

  private boolean isDelta(Path dir) {
    try {
      return dir.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(new Path(dir, "_delta_log"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Table directories by lower-case name, so {@code Usage_Events/} is found too. */
  private synchronized Map<String, Path> tableDirs() {
    if (tableDirs != null) return tableDirs;
    Map<String, Path> dirs = new HashMap<>();
    Path rootPath = new Path(root);
    try {
      FileSystem fs = rootPath.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(rootPath)) throw new BadInputException("warehouse " + root + ": no such directory");
      for (FileStatus s : fs.listStatus(rootPath)) {
        if (s.isDirectory()) dirs.putIfAbsent(s.getPath().getName().toLowerCase(Locale.ROOT), s.getPath());
      }
    } catch (IOException e) {
      throw new BadInputException("warehouse " + root + ": cannot list (" + oneLine(e) + ")");
    }
    tableDirs = dirs;
    return dirs;
  }

  static String oneLine(Throwable e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
