package dev.healthscore.models.churn;

import dev.healthscore.features.config.HealthscoreConfig;
import dev.healthscore.testing.TestSpark;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

/**
 * Labelled snapshot rows drawn from a known logistic model, so fits can be checked against
 * an independent implementation and the truth: logit P(churn) = b0 + 1.2 x1 − 0.8 (x2 − 5) / 2
 * + 0.6 [segment = enterprise]; x3 is noise; x4 is missing for a fifth of the rows.
 */
final class ChurnFixtures {
  static final Set<String> FEATURES = Set.of("x1", "x2", "x3", "x4");
  static final StructType SCHEMA = new StructType()
      .add("account_id", "string").add("as_of_date", "date").add("segment", "string")
      .add("x1", "double").add("x2", "double").add("x3", "double").add("x4", "double").add("churned", "double");

  private ChurnFixtures() {}

  /** {@code perDate} accounts on each of {@code dates} monthly snapshots ending 2024-10-02. */
  static Dataset<Row> rows(int dates, int perDate, double intercept, long seed) {
    Random rnd = new Random(seed);
    List<Row> out = new ArrayList<>();
    String[] segments = {"smb", "smb", "mid_market", "enterprise"};
    LocalDate newest = LocalDate.of(2024, 10, 2);
    for (int d = 0; d < dates; d++) {
      Date day = Date.valueOf(newest.minusMonths(dates - 1 - d));
      for (int a = 0; a < perDate; a++) {
        double x1 = rnd.nextGaussian();
        double x2 = 5 + 2 * rnd.nextGaussian();
        double x3 = rnd.nextGaussian();
        Double x4 = rnd.nextDouble() < 0.2 ? null : rnd.nextGaussian();
        String seg = segments[rnd.nextInt(segments.length)];
        double logit = intercept + 1.2 * x1 - 0.8 * (x2 - 5) / 2 + (seg.equals("enterprise") ? 0.6 : 0);
        double y = rnd.nextDouble() < 1 / (1 + Math.exp(-logit)) ? 1.0 : 0.0;
        out.add(RowFactory.create(String.format("a%04d", a), day, seg, x1, x2, x3, x4, y));
      }
    }
    return TestSpark.spark().createDataFrame(out, SCHEMA);
  }

  static ChurnModelConfig config(String extraYaml) {
    String yaml = "model:\n  horizon_days: 90\n  lookback_months: 12\n  validation_snapshots: 3\n  max_iter: 500\n" + extraYaml;
    return ChurnModelConfig.from(HealthscoreConfig.fromYaml(yaml, "test.yaml"), FEATURES);
  }
}
