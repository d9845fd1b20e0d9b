package dev.healthscore.features;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.mean;
import static org.apache.spark.sql.functions.median;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.healthscore.features.pit.ActiveAccounts;
import dev.healthscore.features.pit.AsOf;
import dev.healthscore.features.warehouse.Contract;
import dev.healthscore.features.warehouse.TableSpec;
import dev.healthscore.features.warehouse.ValidatedWarehouse;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
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
      Dataset<Row> perAccount = aggregate(warehouse.accepted(e.getKey()), e.getKey(), e.getValue(), dates);
      result = result.join(perAccount, new String[] {"account_id", AsOf.DATE}, "left");
    }
    List<Column> cols = new ArrayList<>();
    for (String c : result.columns()) cols.add(col(c));
    for (Feature f : features) {
      int i = indexOf(result.columns(), f.name());
      cols.set(i, f.ifNone() == null ? col(f.name()) : coalesce(col(f.name()), lit(f.ifNone())).as(f.name()));
    }
    result = result.select(cols.toArray(Column[]::new));
    for (DerivedFeature d : FeatureCatalog.DERIVED) result = result.withColumn(d.name(), d.expression());
    return result;
  }

  /** All features of one source table in one pass: group by (account, as-of date). */
  public static Dataset<Row> aggregate(Dataset<Row> rows, TableSpec table, List<Feature> features, List<LocalDate> dates) {
    int lookback = features.stream().mapToInt(Feature::lookbackDays).max().orElse(0);
    Dataset<Row> attached = AsOf.attach(rows, table.timeColumn(), dates, lookback);
    Column[] aggs = features.stream().map(f -> aggregation(f, table)).toArray(Column[]::new);
    return attached.groupBy(col("account_id"), col(AsOf.DATE))
        .agg(aggs[0], java.util.Arrays.copyOfRange(aggs, 1, aggs.length));
  }

  /** The aggregate expression of one feature; rows outside its window or filter are nulled out. */
  static Column aggregation(Feature f, TableSpec table) {
    Column age = col(AsOf.AGE_DAYS);
    Column in = age.geq(f.offsetDays());
    if (f.windowDays() != AsOf.ALL_HISTORY) in = in.and(age.lt(f.windowDays()));
    if (f.where() != null) in = in.and(f.where());
    Column input = f.input();
    Column agg = switch (f.agg()) {
      case COUNT -> count(when(in, lit(1)));
      // collect_set, not count(distinct): several distinct counts in one group-by would
      // make Spark expand every row once per distinct column.
      case COUNT_DISTINCT -> size(collect_set(when(in, input)));
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
