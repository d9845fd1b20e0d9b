package dev.healthscore.jobs.run;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;

import dev.healthscore.features.config.HealthscoreConfig;
import dev.healthscore.features.pit.AsOf;
import dev.healthscore.features.run.Materialized;
import dev.healthscore.features.run.StepTimer;
import dev.healthscore.jobs.lake.LakeTables;
import dev.healthscore.models.churn.ChurnModel;
import dev.healthscore.models.eval.EvaluationConfig;
import dev.healthscore.models.forecast.ChurnForecast;
import dev.healthscore.models.forecast.ForecastConfig;
import dev.healthscore.models.rollup.AccountWorklist;
import dev.healthscore.models.rollup.WorklistConfig;
import java.sql.Date;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What nightly writes after the alerts and rollups and before account_health (so a published
 * date has them): the leadership forecast {@code churn_forecast} (only when a churn model
 * scored the accounts) and the CS team's {@code account_worklist}, each replacing T only.
 */
final class ForecastAndWorklist {
  private ForecastAndWorklist() {}

  /** What the step reads of the run's configuration. */
  record Settings(ForecastConfig forecast, WorklistConfig worklist, int horizonDays, double highChurnProbability) {
    static Settings of(RunConfig config) {
      return new Settings(config.forecast(), config.worklist(), config.model().horizonDays(), config.alerts().highChurnProbability());
    }
  }

  /** Each feature's catalogue description (built-in, event types, custom and derived): the worklist's words. */
  private static java.util.Map<String, String> featureWords(RunContext ctx) {
    java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
    ctx.config().features().forEach(f -> out.put(f.name(), f.description()));
    dev.healthscore.features.FeatureCatalog.derived(ctx.config().features()).forEach(d -> out.put(d.name(), d.description()));
    out.put(dev.healthscore.features.pit.ActiveAccounts.TENURE_DAYS, dev.healthscore.features.pit.ActiveAccounts.TENURE_DESCRIPTION);
    return out;
  }

  /** Rows written: forecast rows (0 without a model), worklist rows, of them above the capacity line. */
  record Result(long forecastRows, long worklist, long aboveLine) {}

  /**
   * @param health the account_health rows of T (not yet written)
   * @param features account_features rows of T (days_to_renewal; own-past comparisons of the reasons)
   * @param alertsOfT health_alerts of T as written (account_id, as_of_date, alert_reason, ...)
   * @param scored whether a churn model scored the accounts
   */
  static Result write(RunContext ctx, Settings s, Dataset<Row> health, Dataset<Row> features, Dataset<Row> alertsOfT, boolean scored) {
    StepTimer timer = ctx.timer();
    List<java.time.LocalDate> t = List.of(ctx.asOf());
    long[] forecastRows = {0};
    if (scored) {
      Dataset<Row> forecast = Materialized.of(ctx.stamp(ChurnForecast.forecast(health, s.forecast(), s.horizonDays())));
      forecastRows[0] = timer.step("write churn_forecast", () -> {
        ctx.lake().replaceDates(LakeTables.CHURN_FORECAST, forecast, t, LakeTables.churnForecastDoc(s.horizonDays()));
        return forecast.count();
      });
      Row total = forecast.filter(col("level").equalTo(ChurnForecast.TOTAL)).first();
      StepTimer.log("%s: churn expected within %d days: %.1f accounts [80%%: %d-%d], ARR %,.0f [80%%: %,.0f-%,.0f; 95%%: %,.0f-%,.0f] of %,.0f",
          ctx.command(), s.horizonDays(), total.<Double>getAs("expected_churned_accounts"),
          total.<Long>getAs("churned_accounts_low_80"), total.<Long>getAs("churned_accounts_high_80"),
          total.<Double>getAs("expected_churned_arr"), total.<Double>getAs("churned_arr_low_80"),
          total.<Double>getAs("churned_arr_high_80"), total.<Double>getAs("churned_arr_low_95"),
          total.<Double>getAs("churned_arr_high_95"), total.<Double>getAs("arr"));
      Materialized.release(forecast);
    }
    Dataset<Row> alerts = alertsOfT.select("account_id", AsOf.DATE, "alert_reason");
    Dataset<Row> worklist = Materialized.of(ctx.stamp(AccountWorklist.build(health, alerts,
        features, previousWorklist(ctx),
        s.highChurnProbability(), s.worklist().capacityShare(), featureWords(ctx))));
    try {
      return timer.step("write account_worklist", () -> {
        ctx.lake().replaceDates(LakeTables.ACCOUNT_WORKLIST, worklist, t, LakeTables.WORKLIST_DOC);
        long rows = worklist.count();
        long above = worklist.filter(col("above_capacity_line")).count();
        StepTimer.log("%s: account_worklist for %s: %d accounts need attention, %d above the capacity line",
            ctx.command(), ctx.asOf(), rows, above);
        return new Result(forecastRows[0], rows, above);
      });
    } finally {
      Materialized.release(worklist);
    }
  }

  /** account_id and on_list_since of the latest worklist before T (none on the first run). */
  static Dataset<Row> previousWorklist(RunContext ctx) {
    Dataset<Row> none = ctx.spark().createDataFrame(List.of(), new org.apache.spark.sql.types.StructType()
        .add("account_id", "string").add("on_list_since", "date"));
    if (!ctx.lake().exists(LakeTables.ACCOUNT_WORKLIST)) return none;
    Dataset<Row> earlier = ctx.lake().read(LakeTables.ACCOUNT_WORKLIST).filter(col(AsOf.DATE).lt(lit(Date.valueOf(ctx.asOf()))));
    Row latest = earlier.agg(max(col(AsOf.DATE))).first();
    if (latest.isNullAt(0)) return none;
    return earlier.filter(col(AsOf.DATE).equalTo(lit(latest.getDate(0)))).select("account_id", "on_list_since");
  }
}
