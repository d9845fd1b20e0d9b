package dev.healthscore.features.warehouse;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Every contract table, structurally checked and row-validated, ready for point-in-time
 * reads. Lazy: nothing is scanned until a job consumes the accepted rows.
 */
public final class ValidatedWarehouse {
  private final Map<String, ValidatedTable> tables;
  private final Instant wallClock;

  private ValidatedWarehouse(Map<String, ValidatedTable> tables, Instant wallClock) {
    this.tables = tables;
    this.wallClock = wallClock;
  }

  /** Fails fast on any structural problem, before anything is computed or written. */
  public static ValidatedWarehouse open(Warehouse warehouse, Instant wallClock) {
    Map<String, Dataset<Row>> conformed = new LinkedHashMap<>();
    for (TableSpec t : Contract.TABLES) conformed.put(t.name(), warehouse.read(t));
    return of(conformed, wallClock);
  }

  /** From already-conformed tables (tests, generators). */
  public static ValidatedWarehouse of(Map<String, Dataset<Row>> conformed, Instant wallClock) {
    Map<String, ValidatedTable> tables = new LinkedHashMap<>();
    ValidatedTable accounts = ValidatedTable.of(Contract.ACCOUNTS, conformed.get("accounts"), null, wallClock);
    tables.put("accounts", accounts);
    Dataset<Row> knownIds = accounts.accepted().select("account_id");
    for (TableSpec t : Contract.TABLES) {
      if (t == Contract.ACCOUNTS) continue;
      tables.put(t.name(), ValidatedTable.of(t, conformed.get(t.name()), knownIds, wallClock));
    }
    return new ValidatedWarehouse(tables, wallClock);
  }

  public ValidatedTable table(TableSpec t) {
    return tables.get(t.name());
  }

  public Dataset<Row> accepted(TableSpec t) {
    return table(t).accepted();
  }

  public Instant wallClock() {
    return wallClock;
  }

  /** Per-table counts; call after the job's main action so they come for free. */
  public List<QuarantineCounts> counts() {
    List<QuarantineCounts> out = new ArrayList<>();
    for (ValidatedTable t : tables.values()) out.add(t.counts());
    return out;
  }

  /** All rejected rows of all tables as quarantine records (only tables that have any). */
  public Dataset<Row> rejected() {
    Dataset<Row> all = null;
    for (ValidatedTable t : tables.values()) {
      if (t.counts().quarantined() == 0) continue;
      all = all == null ? t.rejected() : all.unionByName(t.rejected());
    }
    return all;
  }
}
