package dev.healthscore.jobs.run;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;

/**
 * Summary numbers of a table a job writes (row counts, counts per band), collected by Spark
 * while the rows are written ({@link Observation}) instead of by reading the table back:
 * each read-back costs a Delta snapshot and a few small jobs. When Spark did not report the
 * metrics (nothing is lost: they are computed then), the same aggregates run over the
 * written rows.
 */
final class WriteMetrics {
  private final Observation observation;
  private final Column[] aggregates;
  private final Dataset<Row> observed;

  private WriteMetrics(Dataset<Row> rows, Column[] aggregates) {
    this.observation = new Observation("written_" + System.nanoTime());
    this.aggregates = aggregates;
    this.observed = rows.observe(observation, aggregates[0], java.util.Arrays.copyOfRange(aggregates, 1, aggregates.length));
  }

  /** Watches {@code rows} for the given named aggregates; write {@link #rows()}, then call {@link #get}. */
  static WriteMetrics of(Dataset<Row> rows, Column... aggregates) {
    return new WriteMetrics(rows, aggregates);
  }

  /** The rows to write; the metrics are collected as they go. */
  Dataset<Row> rows() {
    return observed;
  }

  /**
   * The metrics by name, after the write. {@code written} gives the written rows (read back)
   * for the fallback pass, only called when Spark reported nothing.
   */
  Map<String, Object> get(Supplier<Dataset<Row>> written) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (observation.future().isCompleted()) {
      try {
        out.putAll(observation.getAsJava());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    if (out.isEmpty()) {
      Row row = written.get().agg(aggregates[0], java.util.Arrays.copyOfRange(aggregates, 1, aggregates.length)).first();
      for (String f : row.schema().fieldNames()) out.put(f, row.getAs(f));
    }
    return out;
  }

  /** A sum or count over no rows may be null. */
  static long asLong(Object n) {
    return n == null ? 0L : ((Number) n).longValue();
  }
}
