package dev.healthscore.jobs.run;

import dev.healthscore.features.pit.AsOf;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.lit;

import dev.healthscore.features.run.StepTimer;
import dev.healthscore.features.warehouse.QuarantineCounts;
import dev.healthscore.features.warehouse.ValidatedWarehouse;
import dev.healthscore.jobs.lake.LakeTables;
import java.sql.Date;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * After a command's main pass over the warehouse: prints accepted + quarantined = input per
 * table ({@link #counts}); when the run publishes, its rejected rows (with their rule)
 * replace those of the same command and date in the lake table {@code quarantine}
 * ({@link #publish}), so re-runs never pile up copies and a failed attempt leaves none.
 */
final class Quarantine {
  private Quarantine() {}

  static List<QuarantineCounts> counts(RunContext ctx, ValidatedWarehouse warehouse) {
    List<QuarantineCounts> counts = warehouse.countsAfterPass(); // observed during the pass that just ran
    StepTimer.log("%s: input rows per table (accepted + quarantined = input):", ctx.command());
    counts.forEach(c -> StepTimer.log("  %s", c));
    return counts;
  }

  static void publish(RunContext ctx, ValidatedWarehouse warehouse, List<QuarantineCounts> counts) {
    long quarantined = counts.stream().mapToLong(QuarantineCounts::quarantined).sum();
    String predicate = "command = '" + ctx.command() + "' AND as_of_date = DATE'" + ctx.asOf() + "'";
    if (quarantined == 0) { // nothing to add; rows an earlier run of the date set aside go
      if (ctx.lake().exists(LakeTables.QUARANTINE)) {
        ctx.timer().step("clear quarantine of " + ctx.asOf(), () -> ctx.lake().deleteWhere(LakeTables.QUARANTINE, predicate,
            LakeTables.QUARANTINE_DOC));
      }
      return;
    }
    Dataset<Row> rows = warehouse.rejected()
        .withColumn("run_id", lit(ctx.runId()))
        .withColumn("command", lit(ctx.command()))
        .withColumn(AsOf.DATE, lit(Date.valueOf(ctx.asOf())))
        .withColumn("quarantined_at", current_timestamp());
    ctx.timer().step("write " + quarantined + " rejected rows to quarantine", () ->
        ctx.lake().replaceWhere(LakeTables.QUARANTINE, rows, predicate, LakeTables.QUARANTINE_DOC));
  }
}
