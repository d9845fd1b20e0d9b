package dev.healthscore.jobs.generate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.healthscore.features.warehouse.ColumnSpec;
import dev.healthscore.features.warehouse.ColumnType;
import dev.healthscore.features.warehouse.Contract;
import dev.healthscore.features.warehouse.TableSpec;
import java.sql.Date;
import java.time.LocalDate;
import java.util.Objects;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * Drift injected into a generated world to test drift monitoring (docs/sample-world.md#injected-drift),
 * each part null when off. Applied to the rows of each table after they are generated, so the
 * hidden health and churn do not know about it, and a world without shifts is the same rows.
 * "From a date" means the table's time column (event_time, created_at, issued_date, …) on or after it.
 *
 * @param segmentUsage usage events of one segment's accounts thinned from a date
 * @param rescale one numeric column multiplied by a factor from a date
 * @param emptied one table gets no rows from a date on
 */
public record InjectedShifts(SegmentUsage segmentUsage, Rescale rescale, Emptied emptied) {
  public static final InjectedShifts NONE = new InjectedShifts(null, null, null);

  /** Usage events of accounts in {@code segment} on or after {@code from}: each kept with probability {@code keptShare} (0.5 halves them). */
  public record SegmentUsage(String segment, LocalDate from, double keptShare) {
    public SegmentUsage {
      Objects.requireNonNull(segment, "segment");
      Objects.requireNonNull(from, "from");
      if (!(keptShare >= 0 && keptShare <= 1)) throw new IllegalArgumentException("the kept share of the segment's usage must be in [0, 1], was " + keptShare);
    }
  }

  /** {@code table.column} of rows on or after {@code from} multiplied by {@code factor} (rounded for whole-number columns). */
  public record Rescale(String table, String column, LocalDate from, double factor) {
    public Rescale {
      Objects.requireNonNull(from, "from");
      TableSpec t = spec(table);
      ColumnSpec c = t.column(column).orElseThrow(() -> new IllegalArgumentException("table " + table + " has no column '" + column + "'"));
      if (c.type() != ColumnType.DOUBLE && c.type() != ColumnType.INT) {
        throw new IllegalArgumentException(table + "." + column + " is not numeric: only numeric columns can be rescaled");
      }
      if (!(factor > 0)) throw new IllegalArgumentException("the rescale factor must be > 0, was " + factor);
    }

    /** "support_tickets.csat" → table and column. */
    public static Rescale of(String tableDotColumn, LocalDate from, double factor) {
      int dot = tableDotColumn.indexOf('.');
      if (dot < 0) throw new IllegalArgumentException("--rescale-column must be TABLE.COLUMN, was '" + tableDotColumn + "'");
      return new Rescale(tableDotColumn.substring(0, dot), tableDotColumn.substring(dot + 1), from, factor);
    }
  }

  /** {@code table} has no rows on or after {@code from}. */
  public record Emptied(String table, LocalDate from) {
    public Emptied {
      Objects.requireNonNull(from, "from");
      spec(table);
    }
  }

  private static TableSpec spec(String name) {
    return Contract.TABLES.stream().filter(t -> t.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no warehouse table '" + name + "' (docs/contract.md)"));
  }

  /** Rows of {@code table} on or after {@code from} by its time column. */
  private static Column from(TableSpec table, LocalDate from) {
    return col(table.timeColumn()).cast("date").geq(lit(Date.valueOf(from)));
  }

  /**
   * The table's rows with the shifts that concern it applied; the same Dataset when none does.
   *
   * @param accounts the accounts table (account_id, segment), for the segment's usage
   */
  Dataset<Row> apply(TableSpec table, Dataset<Row> rows, Dataset<Row> accounts, Rng rng) {
    Dataset<Row> out = rows;
    if (segmentUsage != null && table == Contract.USAGE_EVENTS) {
      Dataset<Row> inSegment = accounts.filter(col("segment").equalTo(segmentUsage.segment())).select(col("account_id").as("__seg_account"));
      Column affected = from(table, segmentUsage.from()).and(col("__seg_account").isNotNull());
      Column kept = rng.u("shift/segment_usage", col("account_id"), col("user_id"), col("event_time"), col("feature"))
          .lt(segmentUsage.keptShare());
      out = out.join(functions.broadcast(inSegment), col("account_id").equalTo(col("__seg_account")), "left")
          .filter(affected.unary_$bang().or(kept)).drop("__seg_account");
    }
    if (rescale != null && table.name().equals(rescale.table())) {
      Column value = col(rescale.column()).multiply(rescale.factor());
      if (table.column(rescale.column()).orElseThrow().type() == ColumnType.INT) value = functions.round(value);
      out = out.withColumn(rescale.column(), functions.when(from(table, rescale.from()), value).otherwise(col(rescale.column())));
    }
    if (emptied != null && table.name().equals(emptied.table())) {
      out = out.filter(functions.coalesce(from(table, emptied.from()), lit(false)).unary_$bang());
    }
    return out;
  }
}
