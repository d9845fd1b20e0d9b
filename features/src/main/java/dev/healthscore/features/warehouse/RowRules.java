package dev.healthscore.features.warehouse;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Tags each row of a conformed table with the first contract rule it breaks
 * ({@code _rule}, {@code _column}; both null for a good row). Pure transform: the caller
 * decides what to do with tagged rows (quarantine them, count them).
 */
public final class RowRules {
  public static final String RULE = "_rule";
  public static final String COLUMN = "_column";

  private RowRules() {}

  /** One (rule, column) pair a table can break; the unit of the quarantine counts. */
  public record Check(Rule rule, String column, Column breaks) {}

  /** The row-local checks of a table, in the order they are applied. */
  public static List<Check> rowChecks(TableSpec table, Instant wallClock) {
    List<Check> checks = new ArrayList<>();
    Timestamp now = Timestamp.from(wallClock);
    LocalDate today = LocalDate.ofInstant(wallClock, ZoneOffset.UTC);
    for (ColumnSpec c : table.columns()) {
      if (c.presence() == ColumnSpec.Presence.NOT_NULL) checks.add(new Check(Rule.NOT_NULL, c.name(), col(c.name()).isNull()));
    }
    for (ColumnSpec c : table.columns()) {
      Column v = col(c.name());
      if (c.type() == ColumnType.INT) checks.add(new Check(Rule.NOT_INTEGER, c.name(), v.notEqual(floor(v))));
      if (c.min() != null && c.max() == null) checks.add(new Check(Rule.NEGATIVE, c.name(), v.lt(c.min())));
      if (c.max() != null) checks.add(new Check(Rule.OUT_OF_RANGE, c.name(), v.lt(c.min()).or(v.gt(c.max()))));
      if (c.eventTime()) {
        Column future = c.type() == ColumnType.DATE ? v.gt(lit(java.sql.Date.valueOf(today))) : v.gt(lit(now));
        checks.add(new Check(Rule.FUTURE_TIME, c.name(), future));
      }
      if (!c.values().isEmpty()) checks.add(new Check(Rule.UNKNOWN_VALUE, c.name(), v.isin(c.values().toArray()).unary_$bang()));
      if (c.after() != null) checks.add(new Check(Rule.NOT_LATER, c.name(), v.leq(col(c.after()))));
      if (c.orElse() != null) checks.add(new Check(Rule.NO_VALUE, c.name(), v.isNull().and(col(c.orElse()).isNull())));
    }
    return checks;
  }

  /** Every (rule, column) a table can be tagged with, including the cross-row ones. */
  public static List<Check> allChecks(TableSpec table, Instant wallClock) {
    List<Check> checks = new ArrayList<>(rowChecks(table, wallClock));
    if (table.referencesAccounts()) checks.add(new Check(Rule.UNKNOWN_ACCOUNT, "account_id", null));
    if (table.idColumn() != null) checks.add(new Check(Rule.DUPLICATE_ID, table.idColumn(), null));
    return checks;
  }

  /**
   * True where a row breaks none of the row-local checks (never null). The cross-row rules
   * (unknown account, duplicate id) are not in it.
   */
  public static Column passesRowChecks(TableSpec table, Instant wallClock) {
    return passesRowChecks(table, wallClock, Set.of());
  }

  /** {@link #passesRowChecks(TableSpec, Instant)} without the not-null checks of {@code withoutNulls}, proven by the caller. */
  static Column passesRowChecks(TableSpec table, Instant wallClock, Set<String> withoutNulls) {
    Column ok = lit(true);
    for (Check c : rowChecks(table, wallClock)) {
      if (c.rule() == Rule.NOT_NULL && withoutNulls.contains(c.column())) continue;
      ok = ok.and(c.breaks().eqNullSafe(lit(true)).unary_$bang());
    }
    return ok;
  }

  /** The columns a not-null check applies to. */
  static List<String> notNullColumns(TableSpec table) {
    return table.columns().stream().filter(c -> c.presence() == ColumnSpec.Presence.NOT_NULL).map(ColumnSpec::name).toList();
  }

  /** {@link #withKnownAccount}: the row's account_id when it is an accepted account, else null. */
  static final String KNOWN_ID = "_known_id";

  /** Adds {@link #KNOWN_ID} by a broadcast left join with the accepted account ids (few, against many rows). */
  static Dataset<Row> withKnownAccount(Dataset<Row> rows, Dataset<Row> knownAccountIds) {
    Dataset<Row> known = knownAccountIds.select(col("account_id").as(KNOWN_ID)).distinct();
    return rows.join(broadcast(known), rows.col("account_id").equalTo(col(KNOWN_ID)), "left");
  }

  /**
   * @param knownAccountIds one column {@code account_id} of accepted accounts; ignored for
   *     the accounts table itself
   */
  public static Dataset<Row> tag(TableSpec table, Dataset<Row> conformed, Dataset<Row> knownAccountIds, Instant wallClock) {
    Column rule = lit(null).cast("string");
    Column column = lit(null).cast("string");
    // Applied last-to-first so the first breached check wins.
    List<Check> checks = rowChecks(table, wallClock);
    for (int i = checks.size() - 1; i >= 0; i--) {
      Check c = checks.get(i);
      Column hit = c.breaks().eqNullSafe(lit(true));
      rule = when(hit, lit(c.rule().code())).otherwise(rule);
      column = when(hit, lit(c.column())).otherwise(column);
    }
    Dataset<Row> tagged = conformed.withColumn(RULE, rule).withColumn(COLUMN, column);

    if (table.referencesAccounts()) {
      tagged = withKnownAccount(tagged, knownAccountIds);
      Column unknown = col(RULE).isNull().and(col(KNOWN_ID).isNull());
      tagged = tagged
          .withColumn(COLUMN, when(unknown, lit("account_id")).otherwise(col(COLUMN)))
          .withColumn(RULE, when(unknown, lit(Rule.UNKNOWN_ACCOUNT.code())).otherwise(col(RULE)))
          .drop(KNOWN_ID);
    }

    if (table.idColumn() != null) {
      // The earliest good row of an id is kept; ties broken by the row's content, so the
      // choice never depends on file order (the values themselves: no text made per row).
      String[] dataCols = table.columns().stream().map(ColumnSpec::name).toArray(String[]::new);
      Column content = struct(dataCols[0], java.util.Arrays.copyOfRange(dataCols, 1, dataCols.length));
      var byId = Window.partitionBy(col(table.idColumn())).orderBy(
          col(RULE).isNotNull(), col(table.timeColumn()).asc_nulls_last(), content);
      Column dup = col(RULE).isNull().and(row_number().over(byId).gt(1));
      tagged = tagged
          .withColumn(COLUMN, when(dup, lit(table.idColumn())).otherwise(col(COLUMN)))
          .withColumn(RULE, when(dup, lit(Rule.DUPLICATE_ID.code())).otherwise(col(RULE)));
    }
    return tagged;
  }
}
