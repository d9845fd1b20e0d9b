package dev.healthscore.features;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.mean;
import static org.apache.spark.sql.functions.median;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.healthscore.features.pit.ActiveAccounts;
import dev.healthscore.features.pit.AsOf;
import dev.healthscore.features.warehouse.Contract;
import dev.healthscore.features.warehouse.TableSpec;
import dev.healthscore.features.warehouse.ValidatedTable;
import dev.healthscore.features.warehouse.ValidatedWarehouse;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RelationalGroupedDataset;
import org.apache.spark.sql.SparkSession;

/**
 * Computes declared features as of one or more dates. Each source table is read once:
 * its rows are paired with the as-of dates they fall before, then every feature of that
 * table is one aggregate expression in a single group-by (account, date).
 */
public final class FeatureEngine {
  private FeatureEngine() {}

  /**
   * One row per account active at each date: account_id, as_of_date, account attributes,
   * first_churn_date (label source only), then every feature and derived feature.
   */
  public static Dataset<Row> compute(SparkSession spark, ValidatedWarehouse warehouse, List<Feature> features,
                                     List<LocalDate> dates) {
    Dataset<Row> result = ActiveAccounts.at(spark, warehouse.accepted(Contract.ACCOUNTS),
        warehouse.accepted(Contract.CHURN_EVENTS), dates);
    for (Map.Entry<TableSpec, List<Feature>> e : bySource(features).entrySet()) {
      ValidatedTable table = warehouse.table(e.getKey());
      Dataset<Row> perAccount = dates.size() == 1 && table.countableWhileAggregating()
          ? table.countedPerAccount(aggregateCounting(table, e.getValue(), dates.get(0)))
          : aggregate(table.accepted(), e.getKey(), e.getValue(), dates);
      result = result.join(perAccount, new String[] {"account_id", AsOf.DATE}, "left");
    }
    List<Column> cols = new ArrayList<>();
    for (String c : result.columns()) cols.add(col(c));
    for (Feature f : features) {
      int i = indexOf(result.columns(), f.name());
      cols.set(i, f.ifNone() == null ? col(f.name()) : coalesce(col(f.name()), lit(f.ifNone())).as(f.name()));
    }
    result = result.select(cols.toArray(Column[]::new));
    for (DerivedFeature d : FeatureCatalog.derived(features)) result = result.withColumn(d.name(), d.expression());
    return result;
  }

  /** All features of one source table in one pass over its accepted rows: group by (account, as-of date). */
  public static Dataset<Row> aggregate(Dataset<Row> rows, TableSpec table, List<Feature> features, List<LocalDate> dates) {
    Dataset<Row> attached = AsOf.attach(rows, table.timeColumn(), dates, lookback(features));
    return aggregateRecords(attached, table, features, false);
  }

  /**
   * One date, every row read (none filtered out first): the features, plus the counts that
   * validate the table ({@link ValidatedTable#ROWS}, {@link ValidatedTable#VALID_ROWS}) from
   * the same aggregation, so the largest table is read and aggregated once, like a plain scan.
   */
  static Dataset<Row> aggregateCounting(ValidatedTable table, List<Feature> features, LocalDate date) {
    Dataset<Row> rows = table.rowsWithValidity();
    Dataset<Row> marked = AsOf.mark(rows, table.table().timeColumn(), date, lookback(features), col(ValidatedTable.VALID));
    return aggregateRecords(marked, table.table(), features, true);
  }

  private static int lookback(List<Feature> features) {
    return features.stream().mapToInt(Feature::lookbackDays).max().orElse(0);
  }

  /**
   * Group by (account, as-of date). Distinct counts are not {@code collect_set}s, which
   * would make Spark aggregate every row outside generated code: a row that counts toward
   * some distinct count also becomes one record per record kind ({@link DistinctKind}), keyed
   * by the value it counts ({@code _v1}...); a first aggregation per (account, date, record
   * kind, value) leaves one row per distinct value with its youngest age, a second counts them
   * per (account, date). The other features are computed on the rows' own records (kind 0)
   * in the first.
   */
  private static Dataset<Row> aggregateRecords(Dataset<Row> rows, TableSpec table, List<Feature> features, boolean counting) {
    List<DistinctKind> kindsOfRecords = DistinctKind.of(features);
    Map<String, Column> plain = new LinkedHashMap<>(); // name -> aggregate, each aliased to its name
    for (Feature f : features) if (f.agg() != Agg.COUNT_DISTINCT) plain.put(f.name(), aggregation(f, table));
    if (counting) {
      plain.put(ValidatedTable.ROWS, count(lit(1)).as(ValidatedTable.ROWS));
      plain.put(ValidatedTable.VALID_ROWS, count(when(col(ValidatedTable.VALID), lit(1))).as(ValidatedTable.VALID_ROWS));
    }
    Column[] keys = {col("account_id"), col(AsOf.DATE)};
    if (kindsOfRecords.isEmpty()) return agg(rows.groupBy(keys), plain.values());

    // Each value is taken before rows become records: a row outside every distinct window
    // becomes one record with no values, and no raw column is copied into the records.
    Dataset<Row> valued = rows;
    Column anyDistinct = lit(false);
    Column[] kinds = new Column[kindsOfRecords.size() + 1];
    kinds[0] = lit(0);
    for (int i = 0; i < kindsOfRecords.size(); i++) {
      valued = valued.withColumn(value(i), kindsOfRecords.get(i).value());
      anyDistinct = anyDistinct.or(col(value(i)).isNotNull());
      kinds[i + 1] = lit(i + 1);
    }
    Dataset<Row> records = valued.withColumn(KIND, explode(when(anyDistinct, array(kinds)).otherwise(array(lit(0)))));
    List<Column> recordKeys = new ArrayList<>(List.of(keys));
    recordKeys.add(col(KIND));
    for (int i = 0; i < kindsOfRecords.size(); i++) {
      records = records.withColumn(value(i), when(col(KIND).equalTo(i + 1), col(value(i))));
      recordKeys.add(col(value(i)));
    }
    Column isOwnRecord = col(KIND).equalTo(0);
    List<Column> first = new ArrayList<>();
    plain.forEach((name, agg) -> first.add(when(isOwnRecord, agg).as(name)));
    boolean shared = kindsOfRecords.stream().anyMatch(k -> k.features().size() > 1);
    if (shared) first.add(min(when(isOwnRecord.unary_$bang(), col(AsOf.AGE_DAYS))).as(YOUNGEST));
    Dataset<Row> values = agg(records.groupBy(recordKeys.toArray(Column[]::new)), first);

    List<Column> second = new ArrayList<>();
    for (String name : plain.keySet()) second.add(max(col(name)).as(name)); // one own record per (account, date)
    for (int i = 0; i < kindsOfRecords.size(); i++) {
      DistinctKind kind = kindsOfRecords.get(i);
      Feature widest = kind.widest();
      for (Feature f : kind.features()) {
        Column counted = f == widest ? col(value(i)) : when(col(YOUNGEST).lt(f.windowDays()), col(value(i)));
        second.add(count(counted).cast("double").as(f.name()));
      }
    }
    return agg(values.groupBy(keys), second);
  }

  /**
   * The distinct counts that one record kind serves: the same input and filter, windows all
   * ending at T (no offset), e.g. active users in 7 and in 30 days. A row inside the widest
   * window gives one record; a value counts toward a narrower window when its youngest row
   * is young enough. Any other distinct count has a kind of its own.
   */
  private record DistinctKind(List<Feature> features) {
    static List<DistinctKind> of(List<Feature> features) {
      Map<String, List<Feature>> byKey = new LinkedHashMap<>();
      for (Feature f : features) {
        if (f.agg() != Agg.COUNT_DISTINCT) continue;
        String key = f.offsetDays() == 0 ? "input " + f.input() + " where " + f.where() : "feature " + f.name();
        byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(f);
      }
      return byKey.values().stream().map(DistinctKind::new).toList();
    }

    Feature widest() {
      return features.stream().max(java.util.Comparator.comparingInt(Feature::windowDays)).orElseThrow();
    }

    /** The value a row counts with, null outside the widest window or filter. */
    Column value() {
      Feature w = widest();
      return when(inWindow(w), w.input());
    }
  }

  private static Dataset<Row> agg(RelationalGroupedDataset grouped, java.util.Collection<Column> aggregates) {
    Column[] all = aggregates.toArray(Column[]::new);
    return grouped.agg(all[0], java.util.Arrays.copyOfRange(all, 1, all.length));
  }

  /** Record kind of {@link #aggregateRecords}: 0 = the row itself, i = its value for the i-th {@link DistinctKind}. */
  private static final String KIND = "_kind";
  /** Youngest age (days before T) of the rows behind a distinct value's record. */
  private static final String YOUNGEST = "_youngest";

  /** The value a record of kind i + 1 counts (null on every other kind). */
  private static String value(int i) {
    return "_v" + (i + 1);
  }

  /** Whether a row counts toward a feature: its window (on {@link AsOf#AGE_DAYS}) and its filter. */
  static Column inWindow(Feature f) {
    Column age = col(AsOf.AGE_DAYS);
    Column in = age.geq(f.offsetDays());
    if (f.windowDays() != AsOf.ALL_HISTORY) in = in.and(age.lt(f.windowDays()));
    if (f.where() != null) in = in.and(f.where());
    return in;
  }

  /** The aggregate expression of one feature (not a distinct count); rows outside its window or filter are nulled out. */
  static Column aggregation(Feature f, TableSpec table) {
    Column age = col(AsOf.AGE_DAYS);
    Column in = inWindow(f);
    Column input = f.input();
    Column agg = switch (f.agg()) {
      case COUNT -> count(when(in, lit(1)));
      case COUNT_DISTINCT -> throw new IllegalArgumentException(f.name() + ": distinct counts are records (aggregateRecords)");
      case SUM -> sum(when(in, input));
      case MEAN -> mean(when(in, input));
      case MEDIAN -> median(when(in, input));
      case MAX -> max(when(in, input));
      case MIN -> min(when(in, input));
      case LAST -> max_by(when(in, input), when(in, col(table.timeColumn())));
      case DAYS_SINCE_LAST -> min(when(in, age));
    };
    return agg.cast("double").as(f.name());
  }

  private static Map<TableSpec, List<Feature>> bySource(List<Feature> features) {
    Map<TableSpec, List<Feature>> out = new LinkedHashMap<>();
    for (Feature f : features) out.computeIfAbsent(f.source(), k -> new ArrayList<>()).add(f);
    return out;
  }

  private static int indexOf(String[] cols, String name) {
    for (int i = 0; i < cols.length; i++) if (cols[i].equals(name)) return i;
    throw new IllegalStateException("no column " + name);
  }
}
