package dev.healthscore.jobs.run;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.healthscore.features.FeatureCatalog;
import dev.healthscore.features.run.Materialized;
import dev.healthscore.features.run.StepTimer;
import dev.healthscore.jobs.lake.LakeCatalog;
import dev.healthscore.jobs.lake.LakeTables;
import dev.healthscore.models.alerts.AlertsConfig;
import dev.healthscore.models.churn.ChurnModelConfig;
import dev.healthscore.jobs.lake.Metastore;
import dev.healthscore.models.scorecard.HealthTrends;
import dev.healthscore.models.scorecard.Scorecard;
import dev.healthscore.models.scorecard.ScorecardConfig;
import java.sql.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The nightly run: features as of T, the rule-based health score with trends and drivers,
 * the churn probability where a model exists, written to {@code account_health} for T; then
 * the alert feed and the rollups computed from it ({@link AlertsAndRollups}).
 */
public final class NightlyJob {
  private NightlyJob() {}

  /** Longest trend look-back (90 days) times two: history older than this is never read. */
  static final int HISTORY_DAYS = 180;

  public record Result(long accounts, Map<String, Long> accountsPerBand, FeaturesJob.Result features,
                       AlertsAndRollups.Result alerts) {}

  /** Validates the scorecard against the feature catalog; call before Spark starts. */
  public static ScorecardConfig scorecard(dev.healthscore.features.config.HealthscoreConfig config) {
    return ScorecardConfig.from(config, Set.copyOf(FeatureCatalog.allNames(FeatureCatalog.features(config))));
  }

  /** Validates the alerts section; "high churn risk" defaults to the model's high risk band. Call before Spark starts. */
  public static AlertsConfig alerts(dev.healthscore.features.config.HealthscoreConfig config, ChurnModelConfig model) {
    return AlertsConfig.from(config, model.highRiskFrom());
  }

  public static Result run(RunContext ctx, ScorecardConfig scorecard, ChurnModelConfig model, AlertsConfig alertsConfig) {
    var champion = ChurnScoring.loadChampion(ctx); // while the features are computed
    FeaturesJob.Result features = FeaturesJob.run(ctx);
    StepTimer timer = ctx.timer();
    try {
      // earlier runs, read once (before T is written): score trends now, probability alerts later
      Dataset<Row> history = history(ctx);
      // account_health of T, kept: the alerts and both rollups are computed from these rows
      Health written = timer.step("score accounts and write account_health", () -> {
        Dataset<Row> scored = Scorecard.score(features.rows(), scorecard);
        scored = HealthTrends.attach(scored, history);
        scored = ChurnScoring.apply(ctx, scored, model, champion);
        Dataset<Row> rows = Materialized.of(AccountHealth.select(scored, scorecard, ctx));
        WriteMetrics metrics = WriteMetrics.of(rows, perBandCounts());
        ctx.lake().replaceDates(LakeTables.ACCOUNT_HEALTH, metrics.rows(), List.of(ctx.asOf()), AccountHealth.doc(scorecard));
        return new Health(rows, metrics);
      });
      Dataset<Row> health = written.rows();
      Map<String, Object> counted = written.metrics().get(() -> ctx.lake().readDate(LakeTables.ACCOUNT_HEALTH, ctx.asOf()));
      Map<String, Long> perBand = new LinkedHashMap<>();
      for (String band : BAND_ORDER) {
        long n = WriteMetrics.asLong(counted.get(band));
        if (n > 0) perBand.put(band, n);
      }
      long accounts = WriteMetrics.asLong(counted.get("accounts"));
      long unexpected = accounts - perBand.values().stream().mapToLong(Long::longValue).sum();
      if (unexpected != 0) throw new IllegalStateException(unexpected + " rows of account_health have a band other than " + BAND_ORDER);
      AlertsAndRollups.Result alerts = AlertsAndRollups.write(ctx, alertsConfig, health,
          history.select("account_id", "as_of_date", "churn_probability"));
      StepTimer.log("%s: account_health for %s: %d accounts, per band %s; %d alerts on %d accounts, per reason %s",
          ctx.command(), ctx.asOf(), accounts, perBand, alerts.alerts(), alerts.alertedAccounts(), alerts.alertsPerReason());
      if (!alerts.hierarchyIssues().isEmpty()) {
        StepTimer.log("%s: bad parent links, accounts listed on their own in account_hierarchy_health: %s (e.g. %s)",
            ctx.command(), alerts.hierarchyIssues(), String.join(", ", alerts.issueExamples()));
      }
      features.awaitWritten(); // the run is logged once everything it wrote is there
      RunLog.append(ctx, accounts, features.quarantine(), perBand);
      updateCatalog(ctx);
      return new Result(accounts, perBand, features, alerts);
    } finally {
      if (features.written().isDone()) features.release(); // else the write still reads them; blocks go with the JVM
    }
  }

  private record Health(Dataset<Row> rows, WriteMetrics metrics) {}

  /**
   * Keeps the SQL catalog current once one is set up (catalog or sql-server ran, or a Hive
   * metastore is configured); otherwise costs nothing and returns null. Never fails the run:
   * account_health is written by now, and the tables are registered by location, so its new
   * rows are visible whatever happens here.
   */
  public static LakeCatalog.Update updateCatalog(RunContext ctx) {
    Metastore metastore;
    try {
      metastore = Metastore.forLake(ctx.spark(), ctx.lake().root());
    } catch (RuntimeException e) {
      return null; // no metastore can be placed (remote lake, none configured): SQL access not set up
    }
    if (!metastore.exists()) return null;
    return ctx.timer().step("update SQL catalog", () -> {
      try {
        LakeCatalog.Update u = LakeCatalog.update(ctx.spark(), ctx.lake(), LakeCatalog.DEFAULT_DATABASE);
        if (u.registered()) {
          LakeCatalog.log(ctx.command(), u.result());
        } else {
          StepTimer.log("%s: %s", ctx.command(), u.skipped());
        }
        return u;
      } catch (RuntimeException e) {
        String why = "SQL catalog not updated (" + e.getMessage() + "); account_health for " + ctx.asOf()
            + " is written. Retry with: healthscore catalog --lake " + ctx.lake().root();
        StepTimer.log("%s: WARNING: %s", ctx.command(), why);
        return new LakeCatalog.Update(null, why);
      }
    });
  }

  /** Bands as the summary lists them (null band = no score first, then alphabetical). */
  static final List<String> BAND_ORDER = List.of("(no score)", "green", "red", "yellow");

  /** Accounts written and accounts per band, counted while account_health is written. */
  private static Column[] perBandCounts() {
    List<Column> aggs = new java.util.ArrayList<>();
    aggs.add(count(lit(1)).as("accounts"));
    for (String band : BAND_ORDER) {
      Column in = band.startsWith("(") ? col("health_band").isNull() : col("health_band").equalTo(band);
      aggs.add(sum(when(in, 1L).otherwise(0L)).as(band));
    }
    return aggs.toArray(Column[]::new);
  }

  /**
   * Earlier runs of the 180 days before T: scores for the 7/30/90-day trends and the previous
   * band, churn probabilities for "crossed the high-risk threshold since the previous run".
   */
  static Dataset<Row> history(RunContext ctx) {
    if (!ctx.lake().exists(LakeTables.ACCOUNT_HEALTH)) {
      return ctx.spark().createDataFrame(List.of(), new org.apache.spark.sql.types.StructType()
          .add("account_id", "string").add("as_of_date", "date").add("health_score", "double").add("health_band", "string")
          .add("churn_probability", "double"));
    }
    Date t = Date.valueOf(ctx.asOf());
    Date from = Date.valueOf(ctx.asOf().minusDays(HISTORY_DAYS));
    return ctx.lake().read(LakeTables.ACCOUNT_HEALTH)
        .filter(col("as_of_date").lt(lit(t)).and(col("as_of_date").geq(lit(from))))
        .select("account_id", "as_of_date", "health_score", "health_band", "churn_probability");
  }

  static Dataset<Row> stamp(Dataset<Row> rows, RunContext ctx) {
    return rows.withColumn("run_id", lit(ctx.runId())).withColumn("computed_at", current_timestamp());
  }
}
