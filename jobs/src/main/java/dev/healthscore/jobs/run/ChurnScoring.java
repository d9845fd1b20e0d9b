package dev.healthscore.jobs.run;

import static org.apache.spark.sql.functions.lit;

import dev.healthscore.features.run.StepTimer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Adds the churn columns to scored accounts; null until a churn model is trained. */
final class ChurnScoring {
  private ChurnScoring() {}

  static Dataset<Row> apply(RunContext ctx, Dataset<Row> scored) {
    StepTimer.log("%s: no trained churn model in %s yet: churn_probability stays null (run 'train' first)",
        ctx.command(), ctx.lake().root());
    return scored
        .withColumn("churn_probability", lit(null).cast("double"))
        .withColumn("churn_risk_band", lit(null).cast("string"))
        .withColumn("churn_reasons", lit(null).cast("array<string>"))
        .withColumn("model_version", lit(null).cast("string"));
  }
}
