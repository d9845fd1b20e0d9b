package dev.healthscore.models.drift;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.percentile_approx;
import static org.apache.spark.sql.functions.stddev_samp;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.healthscore.models.churn.ChurnModel;
import dev.healthscore.models.churn.ChurnModelConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Profiles of model inputs computed with Spark aggregates (two passes, no rows collected):
 * the deciles, missing share, mean and SD of the training rows ({@link #profile}), and the
 * same inputs of other rows on the training bins ({@link #onEdges}).
 */
public final class InputProfiles {
  private InputProfiles() {}

  /** Decile cut points 0.1 … 0.9. */
  static final double[] DECILES = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9};
  /** percentile_approx accuracy: relative rank error 1 / 10,000. */
  static final int ACCURACY = 10_000;

  /** The numeric inputs a model kept (features and derived inputs, untransformed): what drift monitoring profiles. */
  public static List<String> profiledInputs(ChurnModelConfig cfg, ChurnModel model) {
    return cfg.numericInputs().stream().filter(model.inputs()::contains).toList();
  }

  /**
   * The rows with the model's derived inputs added (SQL over the features, as the model
   * pipeline computes them). A derived input whose SQL names a column these rows lack (an
   * earlier date's account_features, written before a feature existed) is left out, so it is
   * not compared.
   */
  public static Dataset<Row> withDerived(Dataset<Row> rows, Map<String, String> derived) {
    Dataset<Row> out = rows;
    for (Map.Entry<String, String> d : derived.entrySet()) {
      try {
        out = out.withColumn(d.getKey(), expr(d.getValue()).cast("double"));
      } catch (Exception e) { // Scala throws the checked AnalysisException undeclared
        if (!(e instanceof org.apache.spark.sql.AnalysisException)) throw e;
      }
    }
    return out;
  }

  private static Column value(String feature) {
    return col("`" + feature + "`").cast("double");
  }

  /** Deciles (distinct edges), bin shares on them, missing share, mean and SD of each feature. */
  public static List<FeatureProfile> profile(Dataset<Row> rows, List<String> features) {
    List<Column> aggs = new ArrayList<>();
    Column deciles = org.apache.spark.sql.functions.array(java.util.Arrays.stream(DECILES).mapToObj(d -> lit(d)).toArray(Column[]::new));
    for (String f : features) {
      aggs.add(percentile_approx(value(f), deciles, lit(ACCURACY)));
    }
    List<Moments> moments = moments(rows, features, aggs);
    List<double[]> edges = new ArrayList<>();
    for (Moments m : moments) edges.add(m.deciles);
    List<double[]> shares = binShares(rows, features, edges);
    List<FeatureProfile> out = new ArrayList<>();
    for (int i = 0; i < features.size(); i++) out.add(moments.get(i).profile(features.get(i), edges.get(i), shares.get(i)));
    return out;
  }

  /** The same features of {@code rows} on the bins of {@code reference} (features missing from rows are left out). */
  public static List<FeatureProfile> onEdges(Dataset<Row> rows, List<FeatureProfile> reference) {
    List<String> columns = List.of(rows.columns());
    List<FeatureProfile> present = reference.stream().filter(p -> columns.contains(p.feature())).toList();
    if (present.isEmpty()) return List.of();
    List<String> features = present.stream().map(FeatureProfile::feature).toList();
    List<Moments> moments = moments(rows, features, List.of());
    List<double[]> edges = present.stream().map(FeatureProfile::edges).toList();
    List<double[]> shares = binShares(rows, features, edges);
    List<FeatureProfile> out = new ArrayList<>();
    for (int i = 0; i < features.size(); i++) out.add(moments.get(i).profile(features.get(i), edges.get(i), shares.get(i)));
    return out;
  }

  /** Rows, values, mean and SD of one feature, and its deciles when asked for. */
  private record Moments(long rows, long values, Double mean, Double sd, double[] deciles) {
    FeatureProfile profile(String feature, double[] edges, double[] shares) {
      return new FeatureProfile(feature, boxed(edges), boxed(shares), rows == 0 ? 0 : (double) (rows - values) / rows, mean, sd, rows);
    }
  }

  /** One aggregate: count(*), then per feature count, avg, stddev and the extra aggregate (if any). */
  private static List<Moments> moments(Dataset<Row> rows, List<String> features, List<Column> extra) {
    List<Column> aggs = new ArrayList<>();
    for (int i = 0; i < features.size(); i++) {
      Column v = value(features.get(i));
      aggs.add(count(v));
      aggs.add(avg(v));
      aggs.add(stddev_samp(v));
      if (!extra.isEmpty()) aggs.add(extra.get(i));
    }
    Row r = rows.agg(count(lit(1)), aggs.toArray(Column[]::new)).first();
    int per = extra.isEmpty() ? 3 : 4;
    List<Moments> out = new ArrayList<>();
    for (int i = 0; i < features.size(); i++) {
      int at = 1 + i * per;
      double[] deciles = new double[0];
      if (!extra.isEmpty() && !r.isNullAt(at + 3)) {
        TreeSet<Double> distinct = new TreeSet<>(r.<Double>getList(at + 3));
        deciles = distinct.stream().mapToDouble(Double::doubleValue).toArray();
      }
      out.add(new Moments(r.getLong(0), r.getLong(at), r.isNullAt(at + 1) ? null : r.getDouble(at + 1),
          r.isNullAt(at + 2) || Double.isNaN(r.getDouble(at + 2)) ? null : r.getDouble(at + 2), deciles));
    }
    return out;
  }

  /** Share of each feature's non-missing values per bin of its edges ({@link DriftStatistics#bin}), in one aggregate. */
  private static List<double[]> binShares(Dataset<Row> rows, List<String> features, List<double[]> edges) {
    List<Column> aggs = new ArrayList<>();
    for (int i = 0; i < features.size(); i++) {
      Column v = value(features.get(i));
      double[] e = edges.get(i);
      aggs.add(count(v));
      for (int b = 0; b <= e.length; b++) {
        Column in = v.isNotNull();
        if (b > 0) in = in.and(v.gt(e[b - 1]));
        if (b < e.length) in = in.and(v.leq(e[b]));
        aggs.add(sum(when(in, 1L).otherwise(0L)));
      }
    }
    if (aggs.isEmpty()) return List.of();
    Row r = rows.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new)).first();
    List<double[]> out = new ArrayList<>();
    int at = 0;
    for (double[] e : edges) {
      long values = r.getLong(at++);
      double[] shares = new double[e.length + 1];
      for (int b = 0; b < shares.length; b++) {
        long inBin = r.getLong(at++);
        shares[b] = values == 0 ? 0 : (double) inBin / values;
      }
      out.add(shares);
    }
    return out;
  }

  private static List<Double> boxed(double[] a) {
    return java.util.Arrays.stream(a).boxed().toList();
  }
}
