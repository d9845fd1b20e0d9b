package dev.healthscore.jobs.generate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import dev.healthscore.features.run.StepTimer;
import dev.healthscore.features.warehouse.ColumnSpec;
import dev.healthscore.features.warehouse.Contract;
import dev.healthscore.features.warehouse.TableSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Writes a synthetic but realistic warehouse: every table of shared/CONTRACT.md section 1 as
 * a Parquet directory {@code <out>/<table>/}, with exactly the contract's columns and types.
 * Accounts carry a hidden health that drifts month to month and shows up, with noise, in
 * every table; churn happens mostly at renewals and more often for unhealthy accounts.
 * Deterministic: the same options give the same rows. See docs/sample-world.md.
 */
public final class SampleWorld {
  private SampleWorld() {}

  private static final String TIMESTAMP_TYPE_CONF = "spark.sql.parquet.outputTimestampType";

  public static GenerateResult generate(SparkSession spark, GeneratorOptions o) {
    long t0 = System.nanoTime();
    String out = o.out().endsWith("/") ? o.out().substring(0, o.out().length() - 1) : o.out();
    StepTimer timer = new StepTimer("generate");
    StepTimer.log("generate: sample world of %,d accounts, %d months [%s, %s), seed %d -> %s",
        o.accounts(), o.months(), o.start(), o.end(), o.seed(), out);

    String previousTsType = spark.conf().get(TIMESTAMP_TYPE_CONF);
    // Standard INT64 microsecond UTC timestamps (Spark's default INT96 is legacy).
    spark.conf().set(TIMESTAMP_TYPE_CONF, "TIMESTAMP_MICROS");
    Map<String, Long> rows = new LinkedHashMap<>();
    try {
      WorldModel model = new WorldModel(spark, o);
      long cells = (long) o.accounts() * o.months();
      int usageFiles = (int) Math.max(1, Math.min(256, cells / 1500));
      int smallFiles = (int) Math.max(1, Math.min(8, cells / 50_000));

      // The per-account and per-account-month layers are small; materializing each one
      // (localCheckpoint) keeps every later query plan short, which is what makes small
      // worlds fast: planning, not data, dominates there.
      Layers l = timer.step("hidden health, contracts, churn", () -> {
        Dataset<Row> accounts = model.accounts().localCheckpoint();
        Dataset<Row> health = model.health(accounts).localCheckpoint();
        Dataset<Row> terms = model.contractTerms(accounts, health).localCheckpoint();
        Dataset<Row> churn = model.churn(terms, health).localCheckpoint();
        Dataset<Row> contracts = model.contracts(terms, churn).localCheckpoint();
        Dataset<Row> state = model.state(accounts, health, churn, contracts).localCheckpoint();
        StepTimer.log("generate:   %,d account-months of hidden health, %,d live account-months in the world",
            health.count(), state.count());
        return new Layers(accounts, health, churn, contracts, state);
      });

      Map<String, Supplier<Dataset<Row>>> tables = new LinkedHashMap<>();
      tables.put("accounts", l::accounts);
      tables.put("contracts", l::contracts);
      tables.put("churn_events", l::churn);
      tables.put("usage_events", () -> shifted(model.usageEvents(l.state(), usageFiles), o.minutesShift()));
      tables.put("support_tickets", () -> model.supportTickets(l.state()));
      tables.put("invoices", () -> model.invoices(l.contracts(), l.health()));
      tables.put("engagements", () -> model.engagements(l.state()));
      tables.put("nps_responses", () -> model.npsResponses(l.state()));
      tables.put("csm_assessments", () -> model.csmAssessments(l.state()));
      tables.put("health_overrides", () -> model.healthOverrides(l.state()));
      for (TableSpec t : Contract.TABLES) {
        int files = t == Contract.USAGE_EVENTS ? usageFiles : smallFiles;
        Rng rng = new Rng(o.seed());
        long n = timer.step(t.name(), () -> write(o.shifts().apply(t, tables.get(t.name()).get(), l.accounts(), rng), t,
            out + "/" + t.name(), files));
        StepTimer.log("generate:   %s: %,d rows", t.name(), n);
        rows.put(t.name(), n);
      }
    } finally {
      spark.conf().set(TIMESTAMP_TYPE_CONF, previousTsType);
    }
    timer.summaryLines().forEach(line -> StepTimer.log("%s", line));
    return new GenerateResult(Collections.unmodifiableMap(rows), o.start(), o.end(), Duration.ofNanos(System.nanoTime() - t0));
  }

  /**
   * An injected drift for testing drift monitoring: events from the shift's date on last its
   * factor longer. Nothing else changes (the hidden health and churn do not know about it).
   */
  static Dataset<Row> shifted(Dataset<Row> usage, GeneratorOptions.MinutesShift shift) {
    if (shift == null) return usage;
    org.apache.spark.sql.Column from = org.apache.spark.sql.functions.lit(java.sql.Timestamp.valueOf(shift.from().atStartOfDay()));
    org.apache.spark.sql.Column duration = org.apache.spark.sql.functions.col("duration_sec");
    return usage.withColumn("duration_sec", org.apache.spark.sql.functions.when(
        org.apache.spark.sql.functions.col("event_time").geq(from), duration.multiply(shift.factor())).otherwise(duration));
  }

  /** The materialized hidden layers every table is derived from. */
  private record Layers(Dataset<Row> accounts, Dataset<Row> health, Dataset<Row> churn, Dataset<Row> contracts,
                        Dataset<Row> state) {}

  /** Writes {@code df} projected onto the table's contract columns; returns the rows written. */
  private static long write(Dataset<Row> df, TableSpec table, String path, int files) {
    // Counted while writing (no second pass over the data or the files).
    Observation rows = new Observation("generate_" + table.name() + "_" + System.nanoTime());
    conform(df, table).coalesce(files).observe(rows, count(lit(1)).as("rows"))
        .write().mode(SaveMode.Overwrite).parquet(path);
    try {
      return ((Number) rows.getAsJava().get("rows")).longValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while counting " + table.name(), e);
    }
  }

  /** Exactly the contract's columns, in contract order, with the contract's types. */
  static Dataset<Row> conform(Dataset<Row> df, TableSpec table) {
    List<Column> cols = new ArrayList<>();
    for (ColumnSpec c : table.columns()) cols.add(col(c.name()).cast(sqlType(c)).as(c.name()));
    return df.select(cols.toArray(Column[]::new));
  }

  /** The Spark SQL type a contract column is written as. */
  static String sqlType(ColumnSpec c) {
    return switch (c.type()) {
      case STRING -> "string";
      case DATE -> "date";
      case TIMESTAMP -> "timestamp";
      case DOUBLE -> "double";
      case INT -> "int";
      case BOOLEAN -> "boolean";
    };
  }
}
