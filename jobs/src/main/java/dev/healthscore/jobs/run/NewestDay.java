package dev.healthscore.jobs.run;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.percentile_approx;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.trim;

import dev.healthscore.features.warehouse.ColumnSpec;
import dev.healthscore.features.warehouse.ColumnType;
import dev.healthscore.features.warehouse.Contract;
import dev.healthscore.features.warehouse.TableSpec;
import dev.healthscore.features.warehouse.ValidatedWarehouse;
import dev.healthscore.models.drift.FeatureDrift;
import dev.healthscore.models.drift.MonitoringConfig;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * The newest day of the tables with rows every day (usage_events), against the same weekday
 * of the {@code trailing_runs} weeks before: its rows, its rows per account segment and the
 * median of each numeric column (docs/monitoring.md, "The newest day"). A load that stopped, a
 * segment that lost half its events or a column that changed its unit shows there on its first
 * night, long before it moves 30-day features. One aggregation over those weeks' rows.
 */
final class NewestDay {
  private NewestDay() {}

  /** Tables with rows every day. */
  static final List<TableSpec> TABLES = List.of(Contract.USAGE_EVENTS);
  static final String SEGMENT = "segment";
  /** The segment of an account without one (or an event of an account not in accounts). */
  static final String NO_SEGMENT = "(none)";

  private static final String DAY = "day";
  private static final String ROWS = "rows";
  private static final String VALUES = "_values";
  private static final String SEGMENT_OF = "segment_account_id";
  private static final String SEGMENT_VALUE = "segment_value";

  static List<FeatureDrift.Row> check(ValidatedWarehouse warehouse, LocalDate asOf, MonitoringConfig c) {
    Dataset<Row> segments = warehouse.accepted(Contract.ACCOUNTS).select(col("account_id"), col(SEGMENT));
    List<FeatureDrift.Row> out = new ArrayList<>();
    for (TableSpec t : TABLES) {
      out.addAll(check(warehouse.table(t).acceptedWhere(weeksOf(t, asOf, c)), segments, t, asOf, c));
    }
    return out;
  }

  /**
   * The rows that can fall on the compared days, a day wider on each side than those days in
   * UTC (the days are dates in the session's time zone): a plain range on the time column, which
   * the Parquet reader can use to skip row groups, so the other days are never validated.
   */
  static Column weeksOf(TableSpec table, LocalDate asOf, MonitoringConfig c) {
    Instant from = asOf.minusWeeks(c.trailingRuns()).minusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant until = asOf.plusDays(2).atStartOfDay(ZoneOffset.UTC).toInstant();
    Column time = col(table.timeColumn());
    return time.geq(lit(Timestamp.from(from))).and(time.lt(lit(Timestamp.from(until))));
  }

  /**
   * The rows of {@code table} (accepted rows, its time column in UTC) dated on T, in total and per segment of
   * {@code segments} (account_id, segment), and the median of each numeric column on T. Weeks before the first of those
   * weekdays with rows do not count (a young warehouse is not compared with zeros).
   */
  static List<FeatureDrift.Row> check(Dataset<Row> rows, Dataset<Row> segments, TableSpec table, LocalDate asOf,
                                      MonitoringConfig c) {
    // only T and the same weekday of the weeks before are compared: the other days are not joined or aggregated
    List<LocalDate> weekdays = new ArrayList<>();
    for (int k = 0; k <= c.trailingRuns(); k++) weekdays.add(asOf.minusWeeks(k));
    List<String> numeric = table.columns().stream()
        .filter(x -> x.type() == ColumnType.DOUBLE || x.type() == ColumnType.INT)
        .map(ColumnSpec::name).filter(n -> Arrays.asList(rows.columns()).contains(n)).toList();
    List<Column> medianOf = new ArrayList<>();
    for (String n : numeric) {
      medianOf.add(percentile_approx(col(n), lit(0.5), lit(10_000)).as(n));
      medianOf.add(count(col(n)).as(n + VALUES));
    }
    Dataset<Row> accountSegment = segments.select(col("account_id").as(SEGMENT_OF), lower(trim(col(SEGMENT))).as(SEGMENT_VALUE));
    List<Column> read = new ArrayList<>(List.of(to_date(col(table.timeColumn())).as(DAY), col("account_id")));
    numeric.forEach(n -> read.add(col(n)));
    List<Column> kept = new ArrayList<>(List.of(col(DAY), coalesce(col(SEGMENT_VALUE), lit(NO_SEGMENT)).as(SEGMENT)));
    numeric.forEach(n -> kept.add(col(n)));
    // the weeks' rows are read once: counted per day and segment, and the medians per day
    Dataset<Row> window = rows.select(read.toArray(Column[]::new))
        .filter(col(DAY).isin(weekdays.stream().map(Date::valueOf).toArray()))
        .join(broadcast(accountSegment), col("account_id").equalTo(col(SEGMENT_OF)), "left")
        .select(kept.toArray(Column[]::new))
        .persist(StorageLevel.MEMORY_AND_DISK());
    List<Row> perDaySegment;
    List<Row> perDayMedians;
    try {
      perDaySegment = window.groupBy(DAY, SEGMENT).agg(count(lit(1)).as(ROWS)).collectAsList();
      perDayMedians = numeric.isEmpty() ? List.of()
          : window.groupBy(DAY).agg(medianOf.get(0), medianOf.subList(1, medianOf.size()).toArray(Column[]::new)).collectAsList();
    } finally {
      window.unpersist();
    }

    Map<LocalDate, Long> perDay = new TreeMap<>();
    Map<String, Map<LocalDate, Long>> perSegment = new TreeMap<>();
    for (Row g : perDaySegment) {
      LocalDate day = g.<Date>getAs(DAY).toLocalDate();
      long n = g.<Long>getAs(ROWS);
      perDay.merge(day, n, Long::sum);
      perSegment.computeIfAbsent(g.getAs(SEGMENT), k -> new TreeMap<>()).put(day, n);
    }
    Map<String, Map<LocalDate, double[]>> medians = new TreeMap<>(); // column -> day -> {median, values}
    for (Row g : perDayMedians) {
      LocalDate day = g.<Date>getAs(DAY).toLocalDate();
      for (String col : numeric) {
        long values = g.<Long>getAs(col + VALUES);
        if (values > 0) medians.computeIfAbsent(col, k -> new TreeMap<>()).put(day, new double[] {g.<Double>getAs(col), values});
      }
    }
    LocalDate earliest = perDay.keySet().stream().findFirst().orElse(asOf);
    List<LocalDate> sameWeekday = weekdays.subList(1, weekdays.size()).stream().filter(d -> !d.isBefore(earliest)).toList();

    List<FeatureDrift.Row> out = new ArrayList<>();
    out.add(FeatureDrift.dayVolume(table.name(), perDay.getOrDefault(asOf, 0L), counts(perDay, sameWeekday), c));
    long minRows = c.newestDay().minRows();
    perSegment.forEach((segment, days) -> {
      List<Long> before = counts(days, sameWeekday);
      if (before.isEmpty() || FeatureDrift.median(before) < minRows) return; // too few to tell a drop from chance
      out.add(FeatureDrift.dayVolume(FeatureDrift.slice(table.name(), SEGMENT, segment), days.getOrDefault(asOf, 0L), before, c));
    });
    medians.forEach((column, days) -> {
      double[] tonight = days.get(asOf);
      if (tonight == null || tonight[1] < minRows) return;
      List<Double> before = sameWeekday.stream().map(days::get).filter(m -> m != null && m[1] >= minRows).map(m -> m[0]).toList();
      FeatureDrift.Row r = FeatureDrift.dayMedian(FeatureDrift.column(table.name(), column), tonight[0], before, c);
      if (r != null) out.add(r);
    });
    return out;
  }

  private static List<Long> counts(Map<LocalDate, Long> perDay, List<LocalDate> days) {
    return days.stream().map(d -> perDay.getOrDefault(d, 0L)).toList();
  }
}
