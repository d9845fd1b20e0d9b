package dev.healthscore.models.eval;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The "single best feature" baseline: the one feature that, on its own, ranks the training
 * rows best (AUC furthest from 0.5, in either direction). Chosen on the training rows only,
 * then applied unchanged to the evaluation rows, so the baseline is as honest as the model.
 * Missing values take the training median.
 */
public record BestFeature(String feature, boolean higherMeansChurn, double fill, double trainingAuc) {

  public static BestFeature choose(Dataset<Row> training, List<String> features, String label) {
    List<Column> cols = new ArrayList<>();
    for (String f : features) cols.add(col("`" + f + "`").cast("double"));
    cols.add(col(label));
    List<Row> rows = training.select(cols.toArray(Column[]::new)).collectAsList();
    double[] y = new double[rows.size()];
    for (int i = 0; i < y.length; i++) y[i] = rows.get(i).getDouble(features.size());
    BestFeature best = null;
    for (int j = 0; j < features.size(); j++) {
      List<Double> present = new ArrayList<>();
      for (Row r : rows) if (!r.isNullAt(j)) present.add(r.getDouble(j));
      if (present.isEmpty()) continue;
      double median = median(present);
      double[] x = new double[rows.size()];
      for (int i = 0; i < x.length; i++) x[i] = rows.get(i).isNullAt(j) ? median : rows.get(i).getDouble(j);
      double auc = BinaryMetrics.of(x, y).auc();
      if (Double.isNaN(auc)) continue;
      BestFeature c = new BestFeature(features.get(j), auc >= 0.5, median, Math.max(auc, 1 - auc));
      if (best == null || c.trainingAuc() > best.trainingAuc()) best = c;
    }
    if (best == null) throw new IllegalArgumentException("no feature has values in the training rows");
    return best;
  }

  /** The baseline's churn score: the feature (missing = training median), negated if lower means churn. */
  public Column score() {
    Column x = coalesce(col("`" + feature + "`").cast("double"), lit(fill));
    return higherMeansChurn ? x : x.multiply(-1.0);
  }

  private static double median(List<Double> v) {
    double[] a = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int n = a.length;
    return n % 2 == 1 ? a[n / 2] : (a[n / 2 - 1] + a[n / 2]) / 2;
  }
}
