package dev.healthscore.features.warehouse;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;

/**
 * A table after validation. Rows read and rows rejected are collected by Spark while the
 * accepted rows are consumed downstream ({@link Observation}), so counting a clean table
 * costs no extra scan; only when some rows were rejected is the table scanned again, to
 * count them per rule.
 *
 * <p>The observation holds two aggregates, not one per rule: every observed aggregate is
 * evaluated for every input row outside generated code, and on the 51M-row usage table
 * one per rule (8) cost 22 s of a 33 s pass, two cost 7 s (docs/benchmarks.md).
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
    Dataset<Row> observed = tagged.observe(obs, count(lit(1)).as("input"), count(col(RowRules.RULE)).as("rejected"));
    return new ValidatedTable(table, observed, checks, obs);
  }

  private static String key(String rule, String column) {
    return rule + ":" + column;
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
   * action and none were rejected; otherwise one counting pass (rows per rule) runs now.
   */
  public synchronized QuarantineCounts counts() {
    if (counts != null) return counts;
    Map<String, Object> observed = observedOrNull();
    if (observed != null && asLong(observed.get("rejected")) == 0) {
      counts = new QuarantineCounts(table.name(), asLong(observed.get("input")), Map.of());
      return counts;
    }
    counts = countPerRule();
    if (observed != null && (counts.input() != asLong(observed.get("input"))
        || counts.quarantined() != asLong(observed.get("rejected")))) {
      throw new IllegalStateException("warehouse table '" + table.name() + "' changed while this run read it: "
          + observed.get("input") + " rows (" + observed.get("rejected") + " rejected) in the main pass, "
          + counts.input() + " (" + counts.quarantined() + ") when counted again");
    }
    return counts;
  }

  /** What Spark observed during the main pass, or null if no action has consumed the rows yet. */
  private Map<String, Object> observedOrNull() {
    if (!observation.future().isCompleted()) return null;
    try {
      return observation.getAsJava();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** One pass: rows per (rule, column), good rows under (null, null). */
  private QuarantineCounts countPerRule() {
    Map<String, Long> found = new LinkedHashMap<>();
    long input = 0;
    for (Row r : tagged.groupBy(col(RowRules.RULE), col(RowRules.COLUMN)).count().collectAsList()) {
      long n = r.getLong(2);
      input += n;
      if (!r.isNullAt(0)) found.put(key(r.getString(0), r.getString(1)), n);
    }
    Map<String, Long> byRule = new LinkedHashMap<>(); // in the order the checks are applied
    for (RowRules.Check c : checks) {
      String key = key(c.rule().code(), c.column());
      Long n = found.remove(key);
      if (n != null) byRule.put(key, n);
    }
    if (!found.isEmpty()) throw new IllegalStateException(table.name() + ": rows tagged with undeclared checks " + found);
    return new QuarantineCounts(table.name(), input, byRule);
  }

  /** A sum over no rows is null. */
  private static long asLong(Object n) {
    return n == null ? 0L : ((Number) n).longValue();
  }
}
