package dev.healthscore.jobs.run;

import dev.healthscore.features.pit.AsOf;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.healthscore.features.run.Concurrently;
import dev.healthscore.features.run.FaultInjection;
import dev.healthscore.features.run.Materialized;
import dev.healthscore.features.run.StepTimer;
import dev.healthscore.jobs.lake.LakeTables;
import dev.healthscore.models.scorecard.HealthTrends;
import dev.healthscore.models.scorecard.Scorecard;
import java.sql.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The nightly run: features as of T, the rule-based health score with trends and drivers,
 * the churn probability where a model exists, the alert feed and the rollups computed from
 * them ({@link AlertsAndRollups}); checked by the quality gate, then published for T with
 * {@code account_health} last.
 */
public final class NightlyJob {
  private NightlyJob() {}

  /** Longest trend look-back (90 days) times two: history older than this is never read. */
  static final int HISTORY_DAYS = 180;

  public record Result(long accounts, Map<String, Long> accountsPerBand, AccountFeatures features,
                       AlertsAndRollups.Result alerts, QualityGate.Verdict gate, Map<String, Long> opportunitiesPerSignal) {}

  /**
   * Write, audit, publish: everything of T is computed and kept in memory, the quality gate
   * checks the counts, and only then are the tables of T replaced, account_health last (its
   * commit publishes the run), then the run is recorded as succeeded. A failed gate
   * publishes nothing.
   */
  public static Result run(RunContext given, boolean skipGate, RecordedRun run) {
    RunContext ctx = EventTypeChoice.forScoring(given); // features.event_types_top: the champion's stored types
    RunConfig config = ctx.config();
    var champion = ChurnScoring.loadChampion(ctx); // while the features are computed
    AccountFeatures features = AccountFeatures.compute(ctx);
    StepTimer timer = ctx.timer();
    try {
      AppliedOverrides overrides = AppliedOverrides.of(ctx, features.warehouse());
      run.counted(features.quarantine());
      DriftMonitoring.Inputs drift = DriftMonitoring.inputs(ctx, features);
      QualityGate.Verdict gate = timer.step("quality gate", () -> QualityGate.check(config.quality(),
          QualityGate.Counts.of(features.accounts(), features.quarantine()), QualityGate.lastSucceededBefore(ctx.lake(), ctx.asOf()))
          .with(QualityGate.driftCheck(drift.rows(), config.monitoring().blockOnAlert())));
      gate.checks().forEach(c -> StepTimer.log("%s: gate %s", ctx.command(), c));
      if (!gate.passed()) {
        if (!skipGate) {
          throw new ExitCodes.Failure(ExitCodes.GATE_FAILED, "quality gate failed for " + ctx.asOf() + ", nothing published: " + gate.failures()
              + " (see docs/runs.md; --skip-gate publishes anyway)");
        }
        StepTimer.log("%s: --skip-gate: publishing although the gate failed", ctx.command());
      }
      FaultInjection.after("gate");
      run.checkStillHeld();
      java.util.concurrent.Future<?> featuresWritten = features.publish(ctx);

      // earlier runs, read once (before T is written): score trends now, probability alerts later
      Dataset<Row> history = history(ctx);
      Dataset<Row> health = timer.step("score accounts", () -> {
        Dataset<Row> scored = Scorecard.score(features.rows(), config.scorecard());
        scored = HealthTrends.attach(scored, history);
        scored = ChurnScoring.apply(ctx, scored, config.model(), champion);
        scored = overrides.attach(scored); // after the model: an override never reaches its inputs
        return Materialized.of(AccountHealth.select(scored, config.scorecard(), ctx));
      });
      // alerts, rollups, the worklist and the signals read the effective band and score (docs/overrides.md)
      Dataset<Row> effective = overrides.effective(health);
      // account_opportunities before the rollups: health_by_segment counts its signals
      // each step is handed the rows of T written before it, never reads them back from the lake
      Opportunities.Written opportunities = Opportunities.write(ctx, config.opportunities(), effective, features.rows());
      AlertsAndRollups.Written written;
      try {
        written = AlertsAndRollups.write(ctx, config.alerts(), config.cooldown(), effective,
            history.select("account_id", AsOf.DATE, "churn_probability"), overrides.alerts(effective), drift.dataProblems(),
            opportunities.rows());
      } finally {
        opportunities.release();
      }
      try {
        // churn_forecast (when a model scored T) and account_worklist, also before account_health
        ForecastAndWorklist.write(ctx, ForecastAndWorklist.Settings.of(config), effective, features.rows(), written.rows(),
            Concurrently.await(champion).isPresent());
      } finally {
        written.release();
      }
      AlertsAndRollups.Result alerts = written.counts();
      DriftMonitoring.write(ctx, drift, health); // feature_drift, also before account_health
      Concurrently.await(featuresWritten);
      // account_health last: a reader of it never sees a date whose other tables are not written yet
      WriteMetrics metrics = timer.step("write account_health", () -> {
        WriteMetrics m = WriteMetrics.of(health, perBandCounts());
        ctx.lake().replaceDates(LakeTables.ACCOUNT_HEALTH, m.rows(), List.of(ctx.asOf()), AccountHealth.doc(config.scorecard()));
        return m;
      });
      Map<String, Object> counted = metrics.get(() -> ctx.lake().readDate(LakeTables.ACCOUNT_HEALTH, ctx.asOf()));
      Map<String, Long> perBand = new LinkedHashMap<>();
      for (String band : BAND_ORDER) {
        long n = WriteMetrics.asLong(counted.get(band));
        if (n > 0) perBand.put(band, n);
      }
      long accounts = WriteMetrics.asLong(counted.get("accounts"));
      long unexpected = accounts - perBand.values().stream().mapToLong(Long::longValue).sum();
      if (unexpected != 0) throw new IllegalStateException(unexpected + " rows of account_health have a band other than " + BAND_ORDER);
      StepTimer.log("%s: account_health for %s: %d accounts, per band %s; %d alerts on %d accounts, per reason %s",
          ctx.command(), ctx.asOf(), accounts, perBand, alerts.alerts(), alerts.alertedAccounts(), alerts.alertsPerReason());
      if (!alerts.hierarchyIssues().isEmpty()) {
        StepTimer.log("%s: bad parent links, accounts listed on their own in account_hierarchy_health: %s (e.g. %s)",
            ctx.command(), alerts.hierarchyIssues(), String.join(", ", alerts.issueExamples()));
      }
      run.succeeded(accounts, features.quarantine(), perBand);
      CatalogRefresh.after(ctx);
      return new Result(accounts, perBand, features, alerts, gate, opportunities.perSignal());
    } finally {
      features.release();
    }
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
          .add("account_id", "string").add(AsOf.DATE, "date").add("health_score", "double").add("health_band", "string")
          .add("churn_probability", "double"));
    }
    Date t = Date.valueOf(ctx.asOf());
    Date from = Date.valueOf(ctx.asOf().minusDays(HISTORY_DAYS));
    return ctx.lake().read(LakeTables.ACCOUNT_HEALTH)
        .filter(col(AsOf.DATE).lt(lit(t)).and(col(AsOf.DATE).geq(lit(from))))
        .select("account_id", AsOf.DATE, "health_score", "health_band", "churn_probability");
  }
}
