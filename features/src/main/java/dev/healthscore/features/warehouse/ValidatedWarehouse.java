package dev.healthscore.features.warehouse;

import dev.healthscore.features.run.Concurrently;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
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

  /**
   * Fails fast on any structural problem, before anything is computed or written. The tables
   * are opened at once (each open lists its folder and reads a Parquet footer, or a Delta log:
   * mostly waiting on files); the first problem in table order is the one reported.
   */
  public static ValidatedWarehouse open(Warehouse warehouse, Instant wallClock) {
    ExecutorService pool = Concurrently.pool("healthscore-open-table", 4);
    try {
      Map<String, Future<Dataset<Row>>> opening = new LinkedHashMap<>();
      for (TableSpec t : Contract.TABLES) opening.put(t.name(), pool.submit(() -> warehouse.read(t)));
      Map<String, Dataset<Row>> conformed = new LinkedHashMap<>();
      for (Map.Entry<String, Future<Dataset<Row>>> e : opening.entrySet()) conformed.put(e.getKey(), Concurrently.await(e.getValue()));
      return of(conformed, wallClock);
    } finally {
      pool.shutdownNow();
    }
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

  /** Per-table counts, counting now any table whose rows no action has consumed yet. */
  public List<QuarantineCounts> counts() {
    List<QuarantineCounts> out = new ArrayList<>();
    for (ValidatedTable t : tables.values()) out.add(t.counts());
    return out;
  }

  /** Per-table counts right after the job's main action, which observed them: free for a clean table. */
  public List<QuarantineCounts> countsAfterPass() {
    List<QuarantineCounts> out = new ArrayList<>();
    for (ValidatedTable t : tables.values()) out.add(t.countsAfterPass());
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
