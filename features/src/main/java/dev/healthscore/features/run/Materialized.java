package dev.healthscore.features.run;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.execution.LogicalRDD;

/**
 * A small result that several later steps read (T's features, its account health, its
 * alerts, the prepared training rows), computed once and kept in the executors with its plan
 * cut off (a local checkpoint). Later plans over it stay short: a {@code persist()}ed result
 * is instead matched by Spark's cache against every cached plan whenever a query is planned,
 * which made the hierarchy rollup (a dozen self-joins) slow with the features plan cached
 * beside it; and every task over it carries only the stored blocks, not the plan that made
 * them, which matters to the hundreds of small jobs of a model fit (docs/benchmarks.md).
 */
public final class Materialized {
  private Materialized() {}

  public static Dataset<Row> of(Dataset<Row> rows) {
    return rows.localCheckpoint(true);
  }

  /** Frees the blocks of rows made by {@link #of} (the checkpointed RDD behind them); no-op otherwise. */
  public static void release(Dataset<Row> rows) {
    if (rows.queryExecution().logical() instanceof LogicalRDD kept) kept.rdd().unpersist(false);
  }
}
