package dev.healthscore.jobs.run;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A small result that several later steps read (T's account health, its alerts), computed
 * once and kept in the executors with its plan cut off (a local checkpoint). Later plans over
 * it stay short: a {@code persist()}ed result is instead matched by Spark's cache against
 * every cached plan whenever a query is planned, which cost the hierarchy rollup (a dozen
 * self-joins) 14 s with the features plan cached beside it (docs/benchmarks.md).
 */
final class Materialized {
  private Materialized() {}

  static Dataset<Row> of(Dataset<Row> rows) {
    return rows.localCheckpoint(true);
  }
}
