package dev.healthscore.testing;

import dev.healthscore.features.spark.SparkSessions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.QueryTest$;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;

/** One SparkSession per test JVM, tuned for tiny fixtures. */
public final class TestSpark {
  private static SparkSession session;

  private TestSpark() {}

  public static synchronized SparkSession spark() {
    if (session == null) {
      SparkConf conf = new SparkConf()
          .setMaster("local[2]")
          .setAppName("healthscore-tests")
          .set("spark.sql.shuffle.partitions", "2")
          .set("spark.default.parallelism", "2")
          .set("spark.databricks.delta.snapshotPartitions", "1")
          .set("spark.ui.enabled", "false")
          .set("spark.driver.host", "127.0.0.1")
          .set("spark.sql.warehouse.dir", tempDir("spark-warehouse").toString())
          // Test data is tiny: compiling generated code (Janino) for every new plan costs more
          // than evaluating the expressions row by row. Same semantics; about a quarter of the
          // suite's time. Production sessions keep whole-stage codegen.
          .set("spark.sql.codegen.wholeStage", "false")
          .set("spark.sql.codegen.factoryMode", "NO_CODEGEN");
      SparkSessions.applyDefaults(conf);
      session = SparkSession.builder().config(conf).getOrCreate();
    }
    return session;
  }

  /**
   * Runs {@code body} with Spark's code generation on (whole-stage and expressions), as in
   * production: for the few tests whose generated worlds have millions of rows, where
   * compiling once costs less than interpreting every row. Restored afterwards.
   */
  public static synchronized <T> T withCodegen(java.util.function.Supplier<T> body) {
    org.apache.spark.sql.RuntimeConfig conf = spark().conf();
    try {
      conf.set("spark.sql.codegen.wholeStage", "true");
      conf.set("spark.sql.codegen.factoryMode", "FALLBACK");
      return body.get();
    } finally {
      conf.set("spark.sql.codegen.wholeStage", "false");
      conf.set("spark.sql.codegen.factoryMode", "NO_CODEGEN");
    }
  }

  public static Path tempDir(String prefix) {
    try {
      return Files.createTempDirectory("hs-" + prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Spark's own DataFrame equality (order-insensitive), as in Spark's test suites. */
  public static void assertRows(Dataset<Row> actual, List<Row> expected) {
    QueryTest$.MODULE$.checkAnswer(actual, expected);
  }

  /**
   * Equality of two computations of the same rows where double sums may be added up in a different
   * order (different partitioning): doubles are compared rounded to {@code decimals} places.
   */
  public static void assertRowsRounded(Dataset<Row> actual, Dataset<Row> expected, int decimals) {
    QueryTest$.MODULE$.checkAnswer(roundDoubles(actual, decimals), roundDoubles(expected, decimals).collectAsList());
  }

  private static Dataset<Row> roundDoubles(Dataset<Row> rows, int decimals) {
    Column[] cols = Arrays.stream(rows.schema().fields())
        .map(f -> f.dataType() instanceof DoubleType || f.dataType() instanceof FloatType
            ? functions.round(functions.col(f.name()), decimals).as(f.name())
            : functions.col(f.name()))
        .toArray(Column[]::new);
    return rows.select(cols);
  }
}
