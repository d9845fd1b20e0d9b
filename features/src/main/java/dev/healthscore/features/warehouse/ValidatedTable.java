package dev.healthscore.features.warehouse;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.Column;
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
 * evaluated for every input row outside generated code, so one per rule made the usage
 * table's pass several times slower (measured in docs/benchmarks.md).
 */
public final class ValidatedTable {
  /** {@link #rowsWithValidity()}: true where the row breaks no row-local rule. */
  public static final String VALID = "_valid";
  /** Per-account counts for {@link #countedPerAccount}: rows read, and rows passing the row-local rules. */
  public static final String ROWS = "_rows";
  public static final String VALID_ROWS = "_valid_rows";

  private final TableSpec table;
  private final Dataset<Row> conformed;
  private final Dataset<Row> knownAccountIds;
  private final Instant wallClock;
  private final Dataset<Row> tagged;
  private final List<RowRules.Check> checks;
  private Observation observation;
  private QuarantineCounts counts;

  private ValidatedTable(TableSpec table, Dataset<Row> conformed, Dataset<Row> knownAccountIds, Instant wallClock) {
    this.table = table;
    this.conformed = conformed;
    this.knownAccountIds = knownAccountIds;
    this.wallClock = wallClock;
    this.checks = RowRules.allChecks(table, wallClock);
    this.observation = newObservation(table);
    this.tagged = RowRules.tag(table, conformed, knownAccountIds, wallClock)
        .observe(observation, count(lit(1)).as("input"), count(col(RowRules.RULE)).as("rejected"));
  }

  public static ValidatedTable of(TableSpec table, Dataset<Row> conformed, Dataset<Row> knownAccountIds, Instant wallClock) {
    return new ValidatedTable(table, conformed, knownAccountIds, wallClock);
  }

  private static Observation newObservation(TableSpec table) {
    return new Observation("validate_" + table.name() + "_" + System.nanoTime());
  }

  /**
   * Whether every rule of this table can be counted inside a per-account aggregation of all
   * its rows ({@link #countedPerAccount}): the row-local rules row by row, the unknown account
   * once per account. Not a table with an id: its duplicate rule needs the rows of an id together.
   */
  public boolean countableWhileAggregating() {
    return table.idColumn() == null;
  }

  /**
   * Every row read, untagged, with {@link #VALID}. Counting this way costs the big tables far
   * less than tagging: no per-row probe of the known accounts, no observed aggregate per row
   * (which Spark evaluates outside generated code), and no not-null test of a column whose
   * files' footers count no null ({@link NullCounts}), docs/benchmarks.md.
   */
  public Dataset<Row> rowsWithValidity() {
    Set<String> withoutNulls = NullCounts.columnsWithoutNulls(conformed, RowRules.notNullColumns(table));
    return conformed.withColumn(VALID, RowRules.passesRowChecks(table, wallClock, withoutNulls));
  }

  /**
   * Counts the table from a per-account aggregation of {@link #rowsWithValidity()}, given as
   * columns {@link #ROWS} and {@link #VALID_ROWS} beside {@code account_id}: input is every
   * row, rejected are the rows breaking a row-local rule plus the valid rows of accounts that
   * are not accepted accounts. The counts are observed while the returned rows (the same, less
   * the two count columns) are consumed; they replace the observation of the tagged rows.
   */
  public synchronized Dataset<Row> countedPerAccount(Dataset<Row> perAccount) {
    Column known = lit(true);
    Dataset<Row> withKnown = perAccount;
    if (table.referencesAccounts() && knownAccountIds != null) {
      withKnown = RowRules.withKnownAccount(perAccount, knownAccountIds);
      known = col(RowRules.KNOWN_ID).isNotNull();
    }
    observation = newObservation(table);
    counts = null;
    Column rejected = col(ROWS).minus(col(VALID_ROWS)).plus(when(known, lit(0L)).otherwise(col(VALID_ROWS)));
    return withKnown
        .observe(observation, sum(col(ROWS)).as("input"), sum(rejected).as("rejected"))
        .drop(ROWS, VALID_ROWS, RowRules.KNOWN_ID);
  }

  private static String key(String rule, String column) {
    return rule + ":" + column;
  }

  public TableSpec table() {
    return table;
  }

  /** Good rows, contract columns only. */
  public Dataset<Row> accepted() {
    return good(tagged);
  }

  private static Dataset<Row> good(Dataset<Row> tagged) {
    return tagged.filter(col(RowRules.RULE).isNull()).drop(RowRules.RULE, RowRules.COLUMN);
  }

  /**
   * The good rows among those meeting {@code condition} (on the table's own columns), which is
   * applied before the row rules: only the matching rows are read, tagged and probed against the
   * accounts, so a few days of a large table cost a few days' work. Only for a table without an
   * id column, where a row's verdict does not depend on the other rows. Not observed: the
   * table's counts come from its full pass.
   */
  public Dataset<Row> acceptedWhere(Column condition) {
    if (table.idColumn() != null) {
      throw new IllegalArgumentException("table '" + table.name() + "' has an id column: its duplicate rule needs all its rows");
    }
    return good(RowRules.tag(table, conformed.filter(condition), knownAccountIds, wallClock));
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
  public QuarantineCounts counts() {
    return counts(Duration.ZERO);
  }

  /**
   * {@link #counts()} for a caller whose main action has just consumed the rows: Spark
   * reports observed metrics through its listener bus, shortly after the action returns, so
   * wait for them a little (10 s at most) rather than count the table again.
   */
  public QuarantineCounts countsAfterPass() {
    return counts(OBSERVED_METRICS_WAIT);
  }

  private synchronized QuarantineCounts counts(Duration wait) {
    if (counts != null) return counts;
    Map<String, Object> observed = observedOrNull(wait);
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

  /** Whether the main pass has reported its counts (so a clean table needs no pass of its own). */
  boolean observedInPass() {
    return observedOrNull(OBSERVED_METRICS_WAIT) != null;
  }

  /** What Spark observed during the main pass (waiting up to {@code wait}), or null if nothing was reported. */
  private Map<String, Object> observedOrNull(Duration wait) {
    try {
      if (!observation.future().isCompleted()) {
        if (wait.isZero()) return null;
        // The metrics of an action that has returned are in events already posted: once the
        // listener bus has delivered those, an observation still open was not part of the pass
        // (a table the command does not read) and is counted at once instead of waited for.
        tagged.sparkSession().sparkContext().listenerBus().waitUntilEmpty(wait.toMillis());
        if (!observation.future().isCompleted()) return null;
      }
      return observation.getAsJava();
    } catch (TimeoutException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static final Duration OBSERVED_METRICS_WAIT = Duration.ofSeconds(10);

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
