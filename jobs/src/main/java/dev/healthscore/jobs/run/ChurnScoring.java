package dev.healthscore.jobs.run;

import static org.apache.spark.sql.functions.lit;

import dev.healthscore.features.run.Concurrently;
import dev.healthscore.features.run.StepTimer;
import dev.healthscore.jobs.lake.ModelRegistry;
import dev.healthscore.models.churn.ChurnModel;
import dev.healthscore.models.churn.ChurnModelConfig;
import java.util.Optional;
import java.util.concurrent.Future;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Adds the champion model's churn columns to scored accounts; null until a model is trained. */
final class ChurnScoring {
  private ChurnScoring() {}

  static final String REASON_TYPE = "array<struct<feature:string,value:double,log_odds:double>>";

  /**
   * Starts loading the champion model on its own thread: an MLlib pipeline loads through a
   * string of small Spark jobs and file reads (seconds on a cold JVM), which can run while
   * the features are computed. {@link #apply} waits for it; a failed load fails the run there.
   */
  static Future<Optional<ChurnModel>> loadChampion(RunContext ctx) {
    return Concurrently.start("healthscore-load-model", () -> new ModelRegistry(ctx.lake()).loadChampion());
  }

  static Dataset<Row> apply(RunContext ctx, Dataset<Row> scored, ChurnModelConfig cfg, Future<Optional<ChurnModel>> loading) {
    Optional<ChurnModel> champion = Concurrently.await(loading);
    if (champion.isEmpty()) {
      StepTimer.log("%s: no trained churn model in %s yet: churn_probability stays null (run 'train' first)",
          ctx.command(), ctx.lake().root());
      return scored
          .withColumn(ChurnModel.PROBABILITY, lit(null).cast("double"))
          .withColumn(ChurnModel.RISK_BAND, lit(null).cast("string"))
          .withColumn(ChurnModel.REASONS, lit(null).cast(REASON_TYPE))
          .withColumn(ChurnModel.VERSION, lit(null).cast("string"));
    }
    StepTimer.log("%s: churn probability from champion model %s", ctx.command(), champion.get().version());
    return champion.get().score(scored, cfg.mediumRiskFrom(), cfg.highRiskFrom(), cfg.reasons());
  }
}
