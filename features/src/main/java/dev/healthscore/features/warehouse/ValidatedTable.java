package dev.healthscore.features.warehouse;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;

/**
 * A table after validation. The rule counts are collected by Spark while the accepted
 * rows are consumed downstream ({@link Observation}), so counting costs no extra scan;
 * rejected rows are only scanned again when there are some.
 */
public final class ValidatedTable {
  private final TableSpec table;
  private final Dataset<Row> tagged;
  private final List<RowRules.Check> checks;
  private final Observation observation;
  private QuarantineCounts counts;

  private ValidatedTable(TableSpec table, Dataset<Row> tagged, List<RowRules.Check> checks, Observation observation) {
    this.table = table;
    this.tagged = tagged;
    this.checks = checks;
    this.observation = observation;
  }

  public static ValidatedTable of(TableSpec table, Dataset<Row> conformed, Dataset<Row> knownAccountIds, Instant wallClock) {
    Dataset<Row> tagged = RowRules.tag(table, conformed, knownAccountIds, wallClock);
    List<RowRules.Check> checks = RowRules.allChecks(table, wallClock);
    Observation obs = new Observation("validate_" + table.name() + "_" + System.nanoTime());
    return new ValidatedTable(table, tagged.observe(obs, count(lit(1)).as("input"), countColumns(checks)), checks, obs);
  }

  private static Column[] countColumns(List<RowRules.Check> checks) {
    List<Column> cols = new ArrayList<>();
    for (RowRules.Check c : checks) {
      Column hit = col(RowRules.RULE).equalTo(c.rule().code()).and(col(RowRules.COLUMN).equalTo(c.column()));
      cols.add(sum(when(hit, 1L).otherwise(0L)).as(key(c)));
    }
    return cols.toArray(Column[]::new);
  }

  private static String key(RowRules.Check c) {
    return c.rule().code() + ":" + c.column();
  }

  public TableSpec table() {
    return table;
  }

  /** Good rows, contract columns only. */
  public Dataset<Row> accepted() {
    return tagged.filter(col(RowRules.RULE).isNull()).drop(RowRules.RULE, RowRules.COLUMN);
  }

  /** Bad rows as quarantine records: table, rule, column, the row as JSON. */
  public Dataset<Row> rejected() {
    String[] dataCols = table.columns().stream().map(ColumnSpec::name).toArray(String[]::new);
    return tagged.filter(col(RowRules.RULE).isNotNull()).select(
        lit(table.name()).as("table_name"),
        col(RowRules.RULE).as("rule"),
        col(RowRules.COLUMN).as("column_name"),
        org.apache.spark.sql.functions.to_json(
            org.apache.spark.sql.functions.struct(dataCols[0], java.util.Arrays.copyOfRange(dataCols, 1, dataCols.length)))
            .as("row_json"));
  }

  /**
   * Input and rejection counts. Free if the accepted rows were already consumed by an
   * action; otherwise one counting pass runs now.
   */
  public synchronized QuarantineCounts counts() {
    if (counts != null) return counts;
    Map<String, Object> metrics = new LinkedHashMap<>();
    if (observation.future().isCompleted()) {
      try {
        metrics.putAll(observation.getAsJava());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    } else {
      Row row = tagged.agg(count(lit(1)).as("input"), countColumns(checks)).first();
      for (String f : row.schema().fieldNames()) metrics.put(f, row.getAs(f));
    }
    Map<String, Long> byRule = new LinkedHashMap<>();
    for (RowRules.Check c : checks) {
      long n = asLong(metrics.get(key(c)));
      if (n > 0) byRule.put(key(c), n);
    }
    counts = new QuarantineCounts(table.name(), asLong(metrics.get("input")), byRule);
    return counts;
  }

  /** A sum over no rows is null. */
  private static long asLong(Object n) {
    return n == null ? 0L : ((Number) n).longValue();
  }
}
