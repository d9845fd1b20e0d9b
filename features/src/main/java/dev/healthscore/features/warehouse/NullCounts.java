package dev.healthscore.features.warehouse;

import dev.healthscore.features.run.Concurrently;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Which columns of a table hold no null at all, proven by the null counts every Parquet file
 * keeps per column chunk in its footer (a Delta table's data files are Parquet files too).
 * A not-null check that the footers prove passes needs no row-by-row test: on the largest
 * table, testing two string columns made Spark decode both for every row, where the features
 * read them only inside their windows (docs/benchmarks.md).
 *
 * <p>Anything short of proof keeps the row checks: a file without the column (it reads as
 * null), a chunk without a null count, a footer that cannot be read, rows that do not come
 * from files, or more files than are worth opening one by one on the driver.
 */
public final class NullCounts {
  private NullCounts() {}

  /** Footers read at most; beyond this the rows are checked one by one as usual. */
  static final int MAX_FILES = 2_000;

  /**
   * The columns (of {@code columns}, lower case) without nulls in any file behind {@code rows}.
   * {@code rows} must be the table as read, at most renamed and null-preserving casts
   * ({@link Warehouse#conform}), so a column's nulls are its file columns' nulls.
   */
  public static Set<String> columnsWithoutNulls(Dataset<Row> rows, Collection<String> columns) {
    Set<String> none = Set.of();
    if (columns.isEmpty()) return none;
    String[] files;
    try {
      files = rows.inputFiles();
    } catch (RuntimeException e) {
      return none;
    }
    if (files.length == 0 || files.length > MAX_FILES) return none;
    Configuration conf = rows.sparkSession().sessionState().newHadoopConf();
    ExecutorService pool = Concurrently.pool("healthscore-read-footers", Math.min(8, files.length));
    try {
      List<Future<Set<String>>> perFile = new ArrayList<>();
      for (String f : files) perFile.add(pool.submit(() -> withoutNulls(f, conf, columns)));
      Set<String> proven = lowerCase(columns);
      for (Future<Set<String>> f : perFile) proven.retainAll(Concurrently.await(f));
      return proven;
    } catch (RuntimeException e) {
      return none; // a footer we cannot read proves nothing; the row checks stay
    } finally {
      pool.shutdownNow();
    }
  }

  /** The columns that every row group of one file holds, each with a null count of zero. */
  private static Set<String> withoutNulls(String file, Configuration conf, Collection<String> columns) {
    Set<String> proven = lowerCase(columns);
    try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(new Path(file), conf))) {
      for (BlockMetaData block : reader.getFooter().getBlocks()) {
        Set<String> clean = new TreeSet<>();
        for (ColumnChunkMetaData chunk : block.getColumns()) {
          if (chunk.getPath().size() != 1) continue; // nested: not a contract column
          Statistics<?> stats = chunk.getStatistics();
          if (stats != null && stats.isNumNullsSet() && stats.getNumNulls() == 0) {
            clean.add(chunk.getPath().toDotString().toLowerCase(Locale.ROOT));
          }
        }
        proven.retainAll(clean);
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return proven;
  }

  private static Set<String> lowerCase(Collection<String> columns) {
    Set<String> out = new TreeSet<>();
    for (String c : columns) out.add(c.toLowerCase(Locale.ROOT));
    return out;
  }
}
