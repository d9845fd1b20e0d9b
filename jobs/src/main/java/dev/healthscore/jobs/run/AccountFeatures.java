package dev.healthscore.jobs.run;

import dev.healthscore.features.Feature;
import dev.healthscore.features.FeatureEngine;
import dev.healthscore.features.pit.ActiveAccounts;
import dev.healthscore.features.run.Concurrently;
import dev.healthscore.features.run.Materialized;
import dev.healthscore.features.run.StepTimer;
import dev.healthscore.features.warehouse.QuarantineCounts;
import dev.healthscore.features.warehouse.ValidatedWarehouse;
import dev.healthscore.jobs.lake.LakeTables;
import java.util.List;
import java.util.concurrent.Future;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The features step shared by {@code features} and {@code nightly}: warehouse → validated
 * tables → point-in-time features as of T ({@link #compute}), kept in memory until the run
 * publishes them to {@code account_features} ({@link #publish}). Every input table is
 * scanned once; rejected rows are counted, and published to {@code quarantine}.
 *
 * @param rows the features of T, computed once and kept (a local checkpoint): the nightly
 *     scores them while they are written; {@link #release()} when done
 */
public record AccountFeatures(long accounts, List<QuarantineCounts> quarantine, Dataset<Row> rows, ValidatedWarehouse warehouse,
                              List<Feature> features) {

  public static AccountFeatures compute(RunContext ctx) {
    ValidatedWarehouse warehouse = ctx.openWarehouse();
    List<Feature> features = ctx.config().features();
    Dataset<Row> rows = ctx.timer().step("compute features as of " + ctx.asOf(), () -> Materialized.of(ctx.stamp(
        FeatureEngine.compute(ctx.spark(), warehouse, features, List.of(ctx.asOf()))
            .drop(ActiveAccounts.FIRST_CHURN)))); // a label source, never stored with features
    List<QuarantineCounts> counts = Quarantine.counts(ctx, warehouse);
    long quarantined = counts.stream().mapToLong(QuarantineCounts::quarantined).sum();
    long accounts = rows.count(); // of the kept rows: no pass over the warehouse
    StepTimer.log("%s: %d accounts active at %s; %d rows quarantined", ctx.command(), accounts, ctx.asOf(), quarantined);
    return new AccountFeatures(accounts, counts, rows, warehouse, features);
  }

  /**
   * Replaces T's rows of {@code quarantine} (this command's) and {@code account_features},
   * on a thread of its own: a Delta write is mostly driver-side work (planning, stats, the
   * commit) and overlaps well with what the caller does next (the nightly scores the same rows).
   */
  public Future<?> publish(RunContext ctx) {
    return Concurrently.start("healthscore-write-features", () -> {
      Quarantine.publish(ctx, warehouse, quarantine);
      ctx.timer().step("write account_features", () -> ctx.lake().replaceDates(LakeTables.ACCOUNT_FEATURES, rows,
          List.of(ctx.asOf()), LakeTables.accountFeaturesDoc(features)));
    });
  }

  /** Frees the kept rows; call when nothing reads them any more. */
  public void release() {
    Materialized.release(rows);
  }
}
