package dev.healthscore.jobs.run;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.healthscore.features.pit.AsOf;
import dev.healthscore.features.run.StepTimer;
import dev.healthscore.features.warehouse.Contract;
import dev.healthscore.features.warehouse.ValidatedWarehouse;
import dev.healthscore.jobs.lake.LakeTables;
import dev.healthscore.models.churn.TrainingSet;
import dev.healthscore.models.overrides.HealthOverrides;
import dev.healthscore.models.overrides.OverrideOutcomes;
import dev.healthscore.models.overrides.OverridesConfig;
import dev.healthscore.models.scorecard.Scorecard;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The nightly's step for people's overrides of an account's health (docs/overrides.md): the
 * accepted {@code health_overrides} rows known at T, with their lifetimes; attached to the
 * scored rows ({@link #attach}, after the churn model has scored them, so the model never sees
 * an override); the effective rows every reader of T's health takes ({@link #effective}); and
 * the review alerts ({@link #alerts}).
 */
final class AppliedOverrides {
  private final RunContext ctx;
  private final OverridesConfig cfg;
  private final Dataset<Row> resolved;
  private final Dataset<Row> history;
  private final LocalDate previousRun;

  private AppliedOverrides(RunContext ctx, OverridesConfig cfg, Dataset<Row> resolved, Dataset<Row> history, LocalDate previousRun) {
    this.ctx = ctx;
    this.cfg = cfg;
    this.resolved = resolved;
    this.history = history;
    this.previousRun = previousRun;
  }

  /** Reads the overrides known at T and the latest earlier runs' bands (of the 180 days before T). */
  static AppliedOverrides of(RunContext ctx, ValidatedWarehouse warehouse) {
    OverridesConfig cfg = ctx.config().overrides();
    Timestamp endOfT = Timestamp.from(ctx.asOf().plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant());
    // the warehouse's table and the overrides set with bin/healthscore override (checked when they were written)
    Dataset<Row> known = warehouse.accepted(Contract.HEALTH_OVERRIDES).unionByName(OverrideLog.asOf(ctx.lake(), ctx.asOf()))
        .filter(col("created_at").lt(lit(endOfT)));
    Dataset<Row> history = earlierBands(ctx);
    Row latest = history.agg(max(col(AsOf.DATE))).first();
    LocalDate previousRun = latest.isNullAt(0) ? ctx.asOf().minusDays(1) : latest.getDate(0).toLocalDate();
    return new AppliedOverrides(ctx, cfg, HealthOverrides.lifetimes(known, cfg), history, previousRun);
  }

  /**
   * For {@code evaluate}: per cutoff, how the accounts under an override at the cutoff fared
   * against the rest of their computed band (churn within the horizon); printed in the summary
   * and written to model_override_outcomes.
   *
   * @param rows the evaluation's feature rows with the label, for every cutoff
   */
  static List<OverrideOutcomes.Outcome> outcomes(RunContext ctx, ValidatedWarehouse warehouse, Dataset<Row> rows,
                                                 List<LocalDate> cutoffs) {
    // the log as of T is right for every cutoff before it: an override set later does not apply there, and
    // an early end set later lies after the cutoff
    Dataset<Row> resolved = HealthOverrides.lifetimes(warehouse.accepted(Contract.HEALTH_OVERRIDES)
        .unionByName(OverrideLog.asOf(ctx.lake(), ctx.asOf())), ctx.config().overrides());
    List<OverrideOutcomes.Outcome> out = new ArrayList<>();
    for (LocalDate c : cutoffs) {
      Dataset<Row> scored = Scorecard.score(TrainingSet.onDates(rows, List.of(c)), ctx.config().scorecard());
      out.addAll(outcomesAt(ctx, c, scored, resolved));
    }
    return out;
  }

  /**
   * One cutoff's outcomes.
   *
   * @param scored account_id, as_of_date (= the cutoff), health_score, health_band and the 0/1 label of the accounts active at C
   * @param resolved {@link HealthOverrides#lifetimes} rows
   */
  static List<OverrideOutcomes.Outcome> outcomesAt(RunContext ctx, LocalDate cutoff, Dataset<Row> scored, Dataset<Row> resolved) {
    List<OverrideOutcomes.Group> groups = OverrideOutcomes.groups(
        HealthOverrides.outcomes(HealthOverrides.attach(scored, resolved), TrainingSet.LABEL));
    return OverrideOutcomes.compare(cutoff, groups, ctx.config().overrides().minAccountsEvaluated());
  }

  /** The run summary's lines: each cutoff's overridden groups against the rest of their band, with the verdict. */
  static void printOutcomes(RunContext ctx, List<OverrideOutcomes.Outcome> outcomes, List<LocalDate> cutoffs) {
    int min = ctx.config().overrides().minAccountsEvaluated();
    StepTimer.log("%s: accounts under an override at each cutoff vs the rest of their computed band (churned within the horizon; "
        + "judged with at least %d accounts a side):", ctx.command(), min);
    for (LocalDate c : cutoffs) {
      List<OverrideOutcomes.Outcome> at = outcomes.stream().filter(o -> o.cutoff().equals(c)).toList();
      if (at.isEmpty()) StepTimer.log("  %s: no override in force", c);
      for (OverrideOutcomes.Outcome o : at) {
        StepTimer.log("  %s  computed %-10s override %-7s %5d accounts %4d churned (%5.1f%%) vs %6d without %5d churned (%5.1f%%): %s",
            c, o.computedBand() == null ? "(no score)" : o.computedBand(), o.overrideBand(), o.accounts(), o.churned(),
            100 * o.churnRate(), o.comparisonAccounts(), o.comparisonChurned(), 100 * o.comparisonChurnRate(), o.verdict());
      }
    }
  }

  /** account_id, as_of_date, health_band, effective_band of the runs in the 180 days before T (effective_band null before overrides). */
  private static Dataset<Row> earlierBands(RunContext ctx) {
    if (!ctx.lake().exists(LakeTables.ACCOUNT_HEALTH)) {
      return ctx.spark().createDataFrame(List.of(), new org.apache.spark.sql.types.StructType()
          .add("account_id", "string").add(AsOf.DATE, "date").add(Scorecard.HEALTH_BAND, "string")
          .add(HealthOverrides.EFFECTIVE_BAND, "string"));
    }
    Dataset<Row> rows = ctx.lake().read(LakeTables.ACCOUNT_HEALTH)
        .filter(col(AsOf.DATE).lt(lit(Date.valueOf(ctx.asOf())))
            .and(col(AsOf.DATE).geq(lit(Date.valueOf(ctx.asOf().minusDays(NightlyJob.HISTORY_DAYS))))));
    boolean hasEffective = Arrays.asList(rows.columns()).contains(HealthOverrides.EFFECTIVE_BAND);
    return rows.select(col("account_id"), col(AsOf.DATE), col(Scorecard.HEALTH_BAND),
        (hasEffective ? col(HealthOverrides.EFFECTIVE_BAND) : lit(null).cast("string")).as(HealthOverrides.EFFECTIVE_BAND));
  }

  /** The scored rows with the override active at T and the effective band and score. */
  Dataset<Row> attach(Dataset<Row> scored) {
    return HealthOverrides.attach(scored, resolved);
  }

  /**
   * account_health rows of T as alerts, rollups and the worklist read them (effective band and
   * score); logs how many accounts an override changed.
   */
  Dataset<Row> effective(Dataset<Row> health) {
    Row n = health.agg(count(col(HealthOverrides.OVERRIDE_AUTHOR)).as("overridden"),
        sum(when(col(HealthOverrides.EFFECTIVE_BAND).notEqual(col(Scorecard.HEALTH_BAND)), 1L).otherwise(0L)).as("band_changed"))
        .first();
    StepTimer.log("%s: overrides active at %s: %d accounts, band changed for %d (previous run %s)", ctx.command(), ctx.asOf(),
        n.getLong(0), n.isNullAt(1) ? 0L : n.getLong(1), previousRun);
    return HealthOverrides.effectiveView(health, HealthOverrides.previousEffectiveBand(health, history));
  }

  /** override_expiring and override_expired rows of T ({@code HealthAlerts.OUTPUT} columns). */
  Dataset<Row> alerts(Dataset<Row> effective) {
    return HealthOverrides.alerts(effective, resolved, lit(Date.valueOf(previousRun)), cfg);
  }
}
