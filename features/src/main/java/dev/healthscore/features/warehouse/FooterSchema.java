package dev.healthscore.features.warehouse;

import java.io.IOException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.Footer;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.execution.datasources.parquet.ParquetFileFormat;
import org.apache.spark.sql.execution.datasources.parquet.ParquetToSparkSchemaConverter;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.StructType;

/**
 * The schema Spark would infer for a Parquet table directory, read on the driver from the
 * footer Spark's inference reads (the first data file by path), with Spark's own conversion.
 * Spark's inference runs a Spark job for that one footer; ten tables made ten jobs before any
 * work (docs/benchmarks.md). Only for a directory of files: a partitioned table (sub-folders)
 * has its partition columns discovered by Spark, so it is left to Spark ({@link Optional#empty}).
 */
final class FooterSchema {
  private FooterSchema() {}

  static Optional<StructType> of(Path dir, Configuration hadoopConf) throws IOException {
    FileSystem fs = dir.getFileSystem(hadoopConf);
    FileStatus[] listed = fs.listStatus(dir);
    if (Arrays.stream(listed).anyMatch(f -> f.isDirectory() && !hidden(f.getPath().getName())
        || SUMMARY_FILES.contains(f.getPath().getName()))) {
      return Optional.empty(); // partition folders, or summary files that Spark's inference prefers
    }
    Optional<FileStatus> first = Arrays.stream(listed)
        .filter(f -> f.isFile() && !hidden(f.getPath().getName()))
        .min(Comparator.comparing(f -> f.getPath().toString()));
    if (first.isEmpty()) return Optional.empty(); // Spark says why it cannot infer a schema
    try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromStatus(first.get(), hadoopConf))) {
      Footer footer = new Footer(first.get().getPath(), reader.getFooter());
      return Optional.of(ParquetFileFormat.readSchemaFromFooter(footer, new ParquetToSparkSchemaConverter(SQLConf.get())));
    }
  }

  private static final java.util.Set<String> SUMMARY_FILES = java.util.Set.of("_metadata", "_common_metadata");

  /** What Spark's file listing skips: names starting with '_' or '.' (summary files, _SUCCESS, checksums). */
  private static boolean hidden(String name) {
    return name.startsWith("_") || name.startsWith(".") || name.endsWith("._COPYING_");
  }
}
