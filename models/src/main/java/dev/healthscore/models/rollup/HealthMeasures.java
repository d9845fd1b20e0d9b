package dev.healthscore.models.rollup;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.healthscore.models.scorecard.Scorecard;
import org.apache.spark.sql.Column;

/** Aggregates shared by the rollups: counts, ARR, ARR-weighted means, ARR at risk. */
final class HealthMeasures {
  private HealthMeasures() {}

  /** Decimals of rolled-up probabilities (scores keep the scorecard's 2). */
  static final int PROBABILITY_DECIMALS = 4;

  /** Red band, or churn_probability at or above the high-risk threshold; null parts count as false. */
  static Column atRisk(double highChurnProbability) {
    return Attention.atRisk(highChurnProbability);
  }

  /** Number of rows where {@code condition} holds (null counts as false); 0 for none. */
  static Column countIf(Column condition) {
    return coalesce(sum(when(condition, lit(1L)).otherwise(lit(0L))), lit(0L));
  }

  /** Sum of ARR (a null ARR counts as 0) over the rows where {@code condition} holds; 0.0 for none. */
  static Column arrIf(Column condition) {
    return coalesce(sum(when(condition, col("arr"))), lit(0.0));
  }

  static Column arr() {
    return coalesce(sum(col("arr")), lit(0.0));
  }

  /**
   * sum(arr * value) / sum(arr) over the rows where both are non-null; null when that ARR sum is
   * 0 (no ARR, or no values: e.g. no churn model yet).
   */
  static Column arrWeighted(Column value, int decimals) {
    Column both = value.isNotNull().and(col("arr").isNotNull());
    Column weight = sum(when(both, col("arr")));
    Column weighted = sum(when(both, col("arr").multiply(value)));
    return round(when(weight.gt(0), weighted.divide(weight)), decimals);
  }

  static Column arrWeightedScore() {
    return arrWeighted(col("health_score"), Scorecard.DECIMALS);
  }

  static Column arrWeightedProbability() {
    return arrWeighted(col("churn_probability"), PROBABILITY_DECIMALS);
  }
}
