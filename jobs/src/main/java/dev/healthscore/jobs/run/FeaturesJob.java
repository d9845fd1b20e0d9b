package dev.healthscore.jobs.run;

import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.lit;

import dev.healthscore.features.Feature;
import dev.healthscore.features.FeatureCatalog;
import dev.healthscore.features.FeatureEngine;
import dev.healthscore.features.pit.ActiveAccounts;
import dev.healthscore.features.run.Concurrently;
import dev.healthscore.features.run.Materialized;
import dev.healthscore.features.run.StepTimer;
import dev.healthscore.features.warehouse.QuarantineCounts;
import dev.healthscore.features.warehouse.ValidatedWarehouse;
import dev.healthscore.features.warehouse.Warehouse;
import dev.healthscore.jobs.lake.LakeTables;
import java.util.List;
import java.util.concurrent.Future;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Warehouse → validated tables → point-in-time features as of T → {@code account_features}.
 * Every input table is scanned once; rejected rows go to {@code quarantine}, counted.
 */
public final class FeaturesJob {
  private FeaturesJob() {}

  /**
   * @param rows the features of T, computed once and kept (a local checkpoint): the nightly
   *     scores them while they are written; {@link #release()} when done
   * @param written the write of {@code account_features}, running on its own thread; {@link #awaitWritten()}
   */
  public record Result(long accounts, List<QuarantineCounts> quarantine, Dataset<Row> rows, Future<?> written) {
    /** Waits until account_features is written; a failed write fails the caller here, with its own reason. */
    public void awaitWritten() {
      Concurrently.await(written);
    }

    /** Frees the kept rows; call after {@link #awaitWritten()}. */
    public void release() {
      Materialized.release(rows);
    }

    public long quarantined() {
      return quarantine.stream().mapToLong(QuarantineCounts::quarantined).sum();
    }
  }

  public static Result run(RunContext ctx) {
    StepTimer timer = ctx.timer();
    ValidatedWarehouse warehouse = timer.step("check warehouse structure",
        () -> ValidatedWarehouse.open(new Warehouse(ctx.spark(), ctx.warehouseRoot()), ctx.wallClock()));
    List<Feature> features = FeatureCatalog.features(ctx.config());

    Dataset<Row> rows = timer.step("compute features as of " + ctx.asOf(), () -> Materialized.of(
        FeatureEngine.compute(ctx.spark(), warehouse, features, List.of(ctx.asOf()))
            .drop(ActiveAccounts.FIRST_CHURN) // a label source, never stored with features
            .withColumn("run_id", lit(ctx.runId()))
            .withColumn("computed_at", current_timestamp())));
    // Written beside whatever the caller does next (the nightly scores the same rows): a Delta
    // write is mostly driver-side work (planning, stats, the commit); at once saved ~5 s of a
    // nightly against writing first (docs/benchmarks.md, "Closer still").
    Future<?> written = Concurrently.start("healthscore-write-features", () -> timer.step("write account_features", () ->
        ctx.lake().replaceDates(LakeTables.ACCOUNT_FEATURES, rows, List.of(ctx.asOf()), LakeTables.accountFeaturesDoc(features))));

    List<QuarantineCounts> counts = Quarantine.record(ctx, warehouse);
    long quarantined = counts.stream().mapToLong(QuarantineCounts::quarantined).sum();
    long accounts = rows.count(); // of the kept rows: no pass over the warehouse
    StepTimer.log("%s: %d accounts active at %s; %d rows quarantined", ctx.command(), accounts, ctx.asOf(), quarantined);
    return new Result(accounts, counts, rows, written);
  }
}
