package dev.healthscore.jobs.run;

import dev.healthscore.features.warehouse.QuarantineCounts;
import dev.healthscore.jobs.lake.LakeTables;
import dev.healthscore.jobs.lake.TableDoc;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** One row per run in the lake table {@code runs}: what it read, set aside, wrote, and how long each step took. */
public final class RunLog {
  private RunLog() {}

  public static final StructType SCHEMA = new StructType()
      .add("run_id", "string").add("command", "string").add("as_of_date", "date")
      .add("started_at", "timestamp").add("duration_sec", "double").add("accounts", "long")
      .add("input_rows", DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType))
      .add("quarantined_rows", DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType))
      .add("accounts_per_band", DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType))
      .add("step_seconds", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType));

  static final TableDoc DOC = TableDoc.of("One row per healthscore run: inputs, quarantine, output counts and step timings.",
      "run_id", "run identifier", "command", "command that ran", "as_of_date", "as-of date T",
      "started_at", "when the run started (UTC)", "duration_sec", "wall time of the run",
      "accounts", "accounts written for T", "input_rows", "rows read per warehouse table",
      "quarantined_rows", "rows set aside per warehouse table", "accounts_per_band", "accounts per health band",
      "step_seconds", "seconds per step");

  public static void append(RunContext ctx, long accounts, List<QuarantineCounts> counts, Map<String, Long> perBand) {
    Map<String, Long> input = new LinkedHashMap<>();
    Map<String, Long> quarantined = new LinkedHashMap<>();
    for (QuarantineCounts c : counts) {
      input.put(c.table(), c.input());
      quarantined.put(c.table(), c.quarantined());
    }
    Map<String, Double> steps = new LinkedHashMap<>();
    ctx.timer().timings().forEach((k, v) -> steps.put(k, v.toMillis() / 1000.0));
    Row row = RowFactory.create(ctx.runId(), ctx.command(), Date.valueOf(ctx.asOf()), Timestamp.from(ctx.wallClock()),
        Duration.between(ctx.wallClock(), java.time.Instant.now()).toMillis() / 1000.0, accounts,
        scala(input), scala(quarantined), scala(perBand), scala(steps));
    ctx.lake().append(LakeTables.RUNS, ctx.spark().createDataFrame(List.of(row), SCHEMA), DOC);
  }

  private static <K, V> scala.collection.Map<K, V> scala(Map<K, V> m) {
    return scala.jdk.javaapi.CollectionConverters.asScala(m);
  }
}
