package dev.healthscore.features.pit;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.slice;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * "As of T", the first-class parameter of every read. A row belongs to T when its own time
 * is on or before the end of day T (UTC). Several dates can be attached at once, so a
 * training set of monthly snapshots reads each table once.
 */
public final class AsOf {
  /** The as-of date T of a row, a DATE column. */
  public static final String DATE = "as_of_date";
  /** Whole days from a row's own time to T (0 = on T). */
  public static final String AGE_DAYS = "_age_days";
  /** Unbounded look-back. */
  public static final int ALL_HISTORY = Integer.MAX_VALUE;

  private AsOf() {}

  public static Column t() {
    return col(DATE);
  }

  /** First instant after T: a timestamp is known at T when it is before this. */
  public static Column endOfDay() {
    return date_add(col(DATE), 1).cast("timestamp");
  }

  /** Known at T: not null and on or before the end of day T. */
  public static Column knownAt(Column time) {
    return time.isNotNull().and(time.lt(endOfDay()));
  }

  /** Date columns: known at T when on or before T. */
  public static Column knownAtDate(Column date) {
    return date.isNotNull().and(date.leq(col(DATE)));
  }

  /**
   * Pairs each row with every as-of date T in {@code dates} for which the row's own time
   * lies in (T - lookbackDays, T], adding {@link #DATE} and {@link #AGE_DAYS}. Rows after
   * every T are dropped here: this is the point-in-time cut.
   */
  public static Dataset<Row> attach(Dataset<Row> rows, String timeColumn, List<LocalDate> dates, int lookbackDays) {
    LocalDate first = dates.stream().min(LocalDate::compareTo).orElseThrow();
    LocalDate last = dates.stream().max(LocalDate::compareTo).orElseThrow();
    LocalDate earliestDay = lookbackDays == ALL_HISTORY ? null : first.minusDays(lookbackDays - 1L);
    // The cut on the raw column first: on a timestamp it is two comparisons of longs (and
    // Parquet can skip row groups by it), where the day of a row needs a calendar
    // conversion; only the rows inside the windows get their day computed.
    Dataset<Row> inRange = rows.filter(daysBetween(rows, timeColumn, earliestDay, last));
    Column day = to_date(col(timeColumn));
    Dataset<Row> withDate;
    if (dates.size() == 1) {
      withDate = inRange.withColumn(DATE, lit(Date.valueOf(last)));
    } else {
      // The dates whose window (T - lookbackDays, T] holds the row's day are consecutive in
      // the sorted list: from the first date on or after the day to the last one before
      // day + lookbackDays. Counting dates before each bound is plain comparisons in
      // generated code (a filter with a lambda would be interpreted, row by row).
      List<LocalDate> sorted = dates.stream().sorted().distinct().toList();
      Column[] all = sorted.stream().map(d -> lit(Date.valueOf(d))).toArray(Column[]::new);
      Column from = datesBefore(sorted, day);
      Column to = lookbackDays == ALL_HISTORY ? lit(sorted.size()) : datesBefore(sorted, date_add(day, lookbackDays));
      Column candidates = slice(array(all), from.plus(1), to.minus(from));
      withDate = inRange.withColumn(DATE, explode(candidates));
    }
    return withDate.withColumn(AGE_DAYS, datediff(col(DATE), day));
  }

  /**
   * One date T, no row dropped: adds {@link #DATE} (T) and {@link #AGE_DAYS}, which is null
   * unless the row is {@code valid} and its own time lies in (T - lookbackDays, T]. Every
   * feature condition tests the age, so a row with a null age reaches no feature; it is still
   * there to be counted (validation counted in the features' own aggregation).
   */
  public static Dataset<Row> mark(Dataset<Row> rows, String timeColumn, LocalDate date, int lookbackDays, Column valid) {
    LocalDate earliestDay = lookbackDays == ALL_HISTORY ? null : date.minusDays(lookbackDays - 1L);
    Column usable = valid.and(daysBetween(rows, timeColumn, earliestDay, date));
    return rows.withColumn(DATE, lit(Date.valueOf(date)))
        .withColumn(AGE_DAYS, when(usable, datediff(col(DATE), to_date(col(timeColumn)))));
  }

  /** How many of the (sorted) dates are before {@code day}. */
  private static Column datesBefore(List<LocalDate> sorted, Column day) {
    Column n = lit(0);
    for (LocalDate d : sorted) n = n.plus(when(lit(Date.valueOf(d)).lt(day), 1).otherwise(0));
    return n;
  }

  /** The row's own time falls on a day in [from, to] (from null: no lower bound); null times never. */
  static Column daysBetween(Dataset<Row> rows, String timeColumn, LocalDate from, LocalDate to) {
    Column time = col(timeColumn);
    boolean isDate = rows.schema().apply(timeColumn).dataType() instanceof org.apache.spark.sql.types.DateType;
    // Midnight of a day in the session time zone, the zone to_date uses.
    Column before = isDate ? time.leq(lit(Date.valueOf(to))) : time.lt(lit(Date.valueOf(to.plusDays(1))).cast("timestamp"));
    if (from == null) return before;
    Column after = isDate ? time.geq(lit(Date.valueOf(from))) : time.geq(lit(Date.valueOf(from)).cast("timestamp"));
    return after.and(before);
  }

  public static Dataset<Row> dates(org.apache.spark.sql.SparkSession spark, List<LocalDate> dates) {
    List<Row> rows = dates.stream().map(d -> org.apache.spark.sql.RowFactory.create(Date.valueOf(d))).toList();
    return spark.createDataFrame(rows, new org.apache.spark.sql.types.StructType().add(DATE, "date", false));
  }
}
