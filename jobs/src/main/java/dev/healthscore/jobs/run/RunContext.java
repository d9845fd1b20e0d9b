package dev.healthscore.jobs.run;

import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.lit;

import dev.healthscore.features.warehouse.ValidatedWarehouse;
import dev.healthscore.features.warehouse.Warehouse;
import dev.healthscore.features.run.StepTimer;
import dev.healthscore.jobs.lake.Lake;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Everything one command run needs: who it is, as of when, where it reads and writes. */
public record RunContext(SparkSession spark, String runId, String command, LocalDate asOf, Instant wallClock,
                         RunConfig config, String warehouseRoot, Lake lake, StepTimer timer) {

  public static RunContext create(SparkSession spark, String command, LocalDate asOf, RunConfig config,
                                  String warehouseRoot, String lakeRoot) {
    Instant now = Instant.now();
    String runId = command + "-" + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(now)
        + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
    // each step labels its Spark jobs, so the Spark UI and event logs say "nightly 2025-10-01: compute features ..."
    String label = command + (asOf == null ? "" : " " + asOf);
    StepTimer timer = new StepTimer(command).describeWith(step ->
        spark.sparkContext().setJobDescription(step == null ? label : label + ": " + step));
    return new RunContext(spark, runId, command, asOf, now, config, warehouseRoot,
        lakeRoot == null ? null : new Lake(spark, lakeRoot), timer);
  }

  /** The first step of every job that reads the warehouse: its structure checked against the contract, rows validated lazily. */
  public ValidatedWarehouse openWarehouse() {
    return timer.step("check warehouse structure", () -> ValidatedWarehouse.open(new Warehouse(spark, warehouseRoot), wallClock));
  }

  /** Marks rows with the run that wrote them: readers tell runs apart by run_id. */
  public Dataset<Row> stamp(Dataset<Row> rows) {
    return rows.withColumn("run_id", lit(runId)).withColumn("computed_at", current_timestamp());
  }
}
