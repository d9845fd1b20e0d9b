package dev.healthscore.jobs.run;

import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.lit;

import dev.healthscore.features.run.StepTimer;
import dev.healthscore.features.warehouse.QuarantineCounts;
import dev.healthscore.features.warehouse.ValidatedWarehouse;
import dev.healthscore.jobs.lake.LakeTables;
import java.sql.Date;
import java.util.List;

/**
 * After a command's main pass over the warehouse: prints accepted + quarantined = input per
 * table, and appends the rejected rows (with their rule) to the lake table {@code quarantine}.
 */
final class Quarantine {
  private Quarantine() {}

  static List<QuarantineCounts> record(RunContext ctx, ValidatedWarehouse warehouse) {
    List<QuarantineCounts> counts = warehouse.countsAfterPass(); // observed during the pass that just ran
    long quarantined = counts.stream().mapToLong(QuarantineCounts::quarantined).sum();
    if (quarantined > 0) {
      ctx.timer().step("write " + quarantined + " rejected rows to quarantine", () ->
          ctx.lake().append(LakeTables.QUARANTINE, warehouse.rejected()
              .withColumn("run_id", lit(ctx.runId()))
              .withColumn("command", lit(ctx.command()))
              .withColumn("as_of_date", lit(Date.valueOf(ctx.asOf())))
              .withColumn("quarantined_at", current_timestamp()), LakeTables.QUARANTINE_DOC));
    }
    StepTimer.log("%s: input rows per table (accepted + quarantined = input):", ctx.command());
    counts.forEach(c -> StepTimer.log("  %s", c));
    return counts;
  }
}
