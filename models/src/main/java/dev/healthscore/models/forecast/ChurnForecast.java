package dev.healthscore.models.forecast;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.struct;

import dev.healthscore.features.pit.AsOf;
import dev.healthscore.models.rollup.HealthBySegment;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

/**
 * Churn expected over the model's horizon, per as-of date and per level ({@code total},
 * {@code segment}, {@code region}, {@code industry}, {@code csm_owner}) and value: a pure
 * transform over scored accounts. Each group's accounts (sorted by account_id) go to
 * {@link ChurnDistribution}: expected churned accounts Σp and ARR Σp·ARR, the GRR forecast, and
 * central 80 % / 95 % intervals assuming independent churns.
 */
public final class ChurnForecast {
  private ChurnForecast() {}

  public static final String TOTAL = HealthBySegment.TOTAL;
  /** Levels, in the order they are listed; {@code total}'s value is {@value HealthBySegment#ALL}, a null value reads {@value HealthBySegment#NONE}. */
  public static final List<String> LEVELS = List.of(TOTAL, "segment", "region", "industry", "csm_owner");

  /** Interval columns: churned_accounts_low_80, ..., churned_arr_high_95 (one pair per level of {@link ChurnDistribution#LEVELS}). */
  public static String bound(String what, boolean low, double level) {
    return "churned_" + what + (low ? "_low_" : "_high_") + Math.round(level * 100);
  }

  public static final StructType SCHEMA = schema();

  private static StructType schema() {
    StructType s = new StructType().add(AsOf.DATE, "date").add("level", "string").add("value", "string")
        .add("accounts", "long").add("arr", "double").add("expected_churned_accounts", "double")
        .add("expected_churned_arr", "double").add("grr_forecast", "double");
    for (double l : ChurnDistribution.LEVELS) s = s.add(bound("accounts", true, l), "long").add(bound("accounts", false, l), "long");
    for (double l : ChurnDistribution.LEVELS) s = s.add(bound("arr", true, l), "double").add(bound("arr", false, l), "double");
    return s.add("horizon_days", "int").add("model_version", "string");
  }

  /**
   * @param scored account_health rows: account_id, as_of_date, segment, region, industry,
   *     csm_owner, arr (null = 0), churn_probability (rows without one are left out), model_version
   * @return one row per date, level and value, columns {@link #SCHEMA}
   */
  public static Dataset<Row> forecast(Dataset<Row> scored, ForecastConfig cfg, int horizonDays) {
    List<Column> fan = new ArrayList<>();
    for (String level : LEVELS) {
      Column value = level.equals(TOTAL) ? lit(HealthBySegment.ALL) : coalesce(col(level), lit(HealthBySegment.NONE));
      fan.add(struct(lit(level).as("level"), value.as("value")));
    }
    Dataset<Row> groups = scored.filter(col("churn_probability").isNotNull())
        .withColumn("__fan", explode(array(fan.toArray(Column[]::new))))
        .groupBy(col(AsOf.DATE), col("__fan.level").as("level"), col("__fan.value").as("value"))
        .agg(sort_array(collect_list(struct(col("account_id"), col("churn_probability").cast("double").as("p"),
                coalesce(col("arr").cast("double"), lit(0.0)).as("arr"), col("model_version")))).as("accounts"));
    int draws = cfg.arrDraws();
    long seed = cfg.seed();
    MapFunction<Row, Row> toForecast = g -> row(g, draws, seed, horizonDays);
    return groups.map(toForecast, Encoders.row(SCHEMA));
  }

  static Row row(Row g, int draws, long seed, int horizonDays) {
    List<Row> accounts = g.getList(3);
    double[] p = new double[accounts.size()];
    double[] arr = new double[accounts.size()];
    String version = null;
    for (int i = 0; i < p.length; i++) {
      Row a = accounts.get(i);
      p[i] = a.getDouble(1);
      arr[i] = a.getDouble(2);
      if (version == null && !a.isNullAt(3)) version = a.getString(3);
    }
    ChurnDistribution.Forecast f = ChurnDistribution.of(p, arr, draws, seed);
    List<Object> v = new ArrayList<>(List.of(g.get(0), g.getString(1), g.getString(2), (long) f.accounts(), f.arr(),
        f.expectedAccounts(), f.expectedArr()));
    v.add(Double.isNaN(f.grr()) ? null : f.grr());
    for (ChurnDistribution.Interval i : f.accountIntervals()) {
      v.add((long) i.low());
      v.add((long) i.high());
    }
    for (ChurnDistribution.Interval i : f.arrIntervals()) {
      v.add(i.low());
      v.add(i.high());
    }
    v.add(horizonDays);
    v.add(version);
    return RowFactory.create(v.toArray());
  }
}
