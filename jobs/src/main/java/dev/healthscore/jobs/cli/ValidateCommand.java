package dev.healthscore.jobs.cli;

import dev.healthscore.features.run.StepTimer;
import dev.healthscore.features.warehouse.Contract;
import dev.healthscore.features.warehouse.QuarantineCounts;
import dev.healthscore.features.warehouse.ValidatedWarehouse;
import dev.healthscore.features.warehouse.Warehouse;
import java.time.Instant;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "validate", mixinStandardHelpOptions = true,
    description = {"Checks that a warehouse has every required table and column with a readable type (no data is read).",
        "With --rows, it also counts the rows that break each contract rule (one scan per table; writes nothing)."})
public class ValidateCommand extends SparkCommand {
  @Option(names = "--warehouse", required = true, paramLabel = "DIR") String warehouse;
  @Option(names = "--rows", description = "also count rule breaches per table") boolean rows;

  @Override
  protected String name() {
    return "validate";
  }

  @Override
  protected void run(SparkSession spark) {
    StepTimer timer = new StepTimer(name());
    Warehouse wh = new Warehouse(spark, warehouse);
    timer.step("check structure of " + Contract.TABLES.size() + " tables", wh::checkStructure);
    if (rows) {
      ValidatedWarehouse v = ValidatedWarehouse.open(wh, Instant.now());
      timer.step("count rule breaches", () -> v.counts().forEach(c -> StepTimer.log("  %s", c)));
      long bad = v.counts().stream().mapToLong(QuarantineCounts::quarantined).sum();
      StepTimer.log("validate: %d rows break the contract (they would be quarantined)", bad);
    }
    StepTimer.log("validate: warehouse %s is structurally valid", warehouse);
    printTimings(timer);
  }
}
