package dev.healthscore.jobs.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;

import dev.healthscore.features.run.StepTimer;
import dev.healthscore.features.warehouse.Contract;
import dev.healthscore.features.warehouse.TableSpec;
import dev.healthscore.jobs.cli.SparkCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The benchmark's floor (bench/run): the least any nightly implementation must do on the same
 * data and Spark settings. Reads each input table once, one group-by-account aggregation per
 * table, joins the results, writes one Delta table. No validation, no windows, no scoring.
 */
@Command(name = "bench-floor", hidden = true, mixinStandardHelpOptions = true,
    description = "Benchmark floor: scan each warehouse table once, aggregate per account, join, write one Delta table.")
public class FloorCommand extends SparkCommand {
  @Option(names = "--warehouse", required = true) String warehouse;
  @Option(names = "--out", required = true) String out;

  @Override
  protected String name() {
    return "bench-floor";
  }

  @Override
  protected void run(SparkSession spark) {
    StepTimer timer = new StepTimer(name());
    timer.step("scan, aggregate per account, join, write", () -> {
      Dataset<Row> result = null;
      for (TableSpec t : Contract.TABLES) {
        if (!Files.isDirectory(Path.of(warehouse, t.name())) && !warehouse.contains("://")) continue;
        Dataset<Row> rows = spark.read().parquet(warehouse + "/" + t.name());
        String key = "account_id";
        String time = t.timeColumn() != null ? t.timeColumn() : "created_date";
        Dataset<Row> agg = rows.groupBy(col(key))
            .agg(count(lit(1)).as(t.name() + "_rows"), max(col(time)).cast("string").as(t.name() + "_latest"));
        result = result == null ? agg : result.join(agg, new String[] {key}, "left");
      }
      result.write().format("delta").mode("overwrite").save(out);
    });
    StepTimer.log("bench-floor: %,d accounts written to %s", spark.read().format("delta").load(out).count(), out);
    printTimings(timer);
  }
}
