package dev.healthscore.jobs.run;

import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.lit;

import dev.healthscore.features.Feature;
import dev.healthscore.features.FeatureCatalog;
import dev.healthscore.features.FeatureEngine;
import dev.healthscore.features.pit.ActiveAccounts;
import dev.healthscore.features.run.StepTimer;
import dev.healthscore.features.warehouse.QuarantineCounts;
import dev.healthscore.features.warehouse.ValidatedWarehouse;
import dev.healthscore.features.warehouse.Warehouse;
import dev.healthscore.jobs.lake.LakeTables;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Warehouse → validated tables → point-in-time features as of T → {@code account_features}.
 * Every input table is scanned once; rejected rows go to {@code quarantine}, counted.
 */
public final class FeaturesJob {
  private FeaturesJob() {}

  /**
   * @param rows the features of T as written, cached: the nightly scores them without reading
   *     the table back; {@link #release()} when done
   */
  public record Result(long accounts, List<QuarantineCounts> quarantine, Dataset<Row> rows) {
    public void release() {
      rows.unpersist();
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

    Written written = timer.step("compute features as of " + ctx.asOf() + " and write account_features", () -> {
      Dataset<Row> rows = FeatureEngine.compute(ctx.spark(), warehouse, features, List.of(ctx.asOf()))
          .drop(ActiveAccounts.FIRST_CHURN) // a label source, never stored with features
          .withColumn("run_id", lit(ctx.runId()))
          .withColumn("computed_at", current_timestamp())
          .persist();
      WriteMetrics metrics = WriteMetrics.of(rows, count(lit(1)).as("accounts"));
      ctx.lake().replaceDates(LakeTables.ACCOUNT_FEATURES, metrics.rows(), List.of(ctx.asOf()), LakeTables.accountFeaturesDoc(features));
      return new Written(rows, metrics);
    });

    List<QuarantineCounts> counts = Quarantine.record(ctx, warehouse);
    long quarantined = counts.stream().mapToLong(QuarantineCounts::quarantined).sum();
    long accounts = WriteMetrics.asLong(written.metrics().get(() -> ctx.lake().readDate(LakeTables.ACCOUNT_FEATURES, ctx.asOf())).get("accounts"));
    StepTimer.log("%s: %d accounts active at %s; %d rows quarantined", ctx.command(), accounts, ctx.asOf(), quarantined);
    return new Result(accounts, counts, written.rows());
  }

  private record Written(Dataset<Row> rows, WriteMetrics metrics) {}
}
