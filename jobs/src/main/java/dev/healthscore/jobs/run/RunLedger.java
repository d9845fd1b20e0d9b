package dev.healthscore.jobs.run;

import dev.healthscore.features.pit.AsOf;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.healthscore.features.run.StepTimer;
import dev.healthscore.jobs.lake.Lake;
import dev.healthscore.jobs.lake.LakeTables;
import dev.healthscore.jobs.lake.TableDoc;
import io.delta.tables.DeltaTable;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The lake table {@code runs}: one row per run, written when the run starts (status
 * {@code running}) and again when it ends ({@code succeeded}, {@code failed}), or by a later
 * run that finds it dead ({@code abandoned}). The {@code running} rows are also the leases:
 * at most one run per {@code lease_key} may be running (same command group and date).
 *
 * <p>Every change is one Delta MERGE or UPDATE. The table is {@code Serializable}, so two
 * runs that read "no running row for this key" and both insert one cannot both commit: Delta
 * fails the later commit, which then reads again and finds the other's lease. That is Delta's
 * own commit protocol, the same on local disks, HDFS and object stores (with the log store
 * Delta needs there for any concurrent writer), so no lock file is involved.
 */
public final class RunLedger {
  public static final String RUNNING = "running";
  public static final String SUCCEEDED = "succeeded";
  public static final String FAILED = "failed";
  public static final String ABANDONED = "abandoned";

  public static final StructType SCHEMA = new StructType()
      .add("run_id", "string").add("command", "string").add(AsOf.DATE, "date")
      .add("started_at", "timestamp").add("duration_sec", "double").add("accounts", "long")
      .add("input_rows", DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType))
      .add("quarantined_rows", DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType))
      .add("accounts_per_band", DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType))
      .add("step_seconds", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType))
      .add("status", "string").add("lease_key", "string").add("arguments", "string")
      .add("host", "string").add("pid", "long").add("heartbeat_at", "timestamp").add("lease_expires_at", "timestamp")
      .add("ended_at", "timestamp").add("exit_code", "int").add("reason", "string").add("skip_gate", "boolean")
      .add("published_tables", DataTypes.createArrayType(DataTypes.StringType));

  static final TableDoc DOC = TableDoc.of(
      "One row per healthscore run: status (running, succeeded, failed, abandoned), who ran it, inputs, quarantine, "
          + "output counts and step timings. Running rows are the leases that keep two runs off one date.",
      "run_id", "run identifier (also in the run_id column of every row the run wrote)", "command", "command that ran",
      AsOf.DATE, "as-of date T", "started_at", "when the run started (UTC)", "duration_sec", "wall time of the run",
      "accounts", "accounts written for T", "input_rows", "rows read per warehouse table",
      "quarantined_rows", "rows set aside per warehouse table", "accounts_per_band", "accounts per health band",
      "step_seconds", "seconds per step",
      "status", "running, succeeded (everything published), failed (nothing or part published, see reason) or abandoned "
          + "(the process died; found by a later run)",
      "lease_key", "what the run holds while running: command group and date (one running run per key)",
      "arguments", "command-line arguments", "host", "host the run ran on", "pid", "process id on that host",
      "heartbeat_at", "last sign of life of a running run", "lease_expires_at", "a running run whose lease expired is abandoned",
      "ended_at", "when the run ended (UTC)", "exit_code", "exit code of the command (0 = succeeded)",
      "reason", "one line: why the run failed or was abandoned, or what it published",
      "skip_gate", "true when --skip-gate published despite the quality gate",
      "published_tables", "lake tables the run replaced its date in, in commit order");

  private final Lake lake;
  private final String host = RunHost.name();

  public RunLedger(Lake lake) {
    // The ledger's table is tiny: its MERGEs and UPDATEs plan one shuffle partition, not the
    // session's 32 (a MERGE is a join). A session of its own keeps the caller's settings.
    org.apache.spark.sql.SparkSession session = lake.spark().newSession();
    session.conf().set("spark.sql.shuffle.partitions", "1");
    // Its few hundred rows are evaluated faster than code can be generated and compiled for
    // each of the plans a MERGE runs (docs/benchmarks.md, "The lease").
    session.conf().set("spark.sql.codegen.wholeStage", "false");
    session.conf().set("spark.sql.codegen.factoryMode", "NO_CODEGEN");
    this.lake = new Lake(session, lake.root());
  }

  /**
   * Delta finds its session through SparkSession.active: the heartbeat thread and the
   * shutdown hook that record the run have none of their own.
   */
  private Lake lake() {
    org.apache.spark.sql.SparkSession.setActiveSession(lake.spark());
    return lake;
  }

  /** A running row as the lease holder: enough to name it in an error. */
  public record Holder(String runId, String command, String host, long pid, Instant startedAt) {
    @Override
    public String toString() {
      return "run " + runId + " (" + command + ", host " + host + ", pid " + pid + ", started " + startedAt + ")";
    }
  }

  /**
   * On a lake without the table: creates it holding {@code running} (one commit, so the first
   * run of a lake neither reads nor merges). False when the table exists, also when another run
   * created it first: Delta commits a table's first version once.
   */
  boolean createHolding(Row running) {
    return create(List.of(running));
  }

  /** Creates the table, or adds the columns an older healthscore did not write. */
  void ensureTable() {
    if (create(List.of())) return;
    List<String> missing = missingColumns();
    if (missing.isEmpty()) return;
    try {
      lake().bookkeeping(LakeTables.RUNS, DOC, () -> lake().spark().sql("ALTER TABLE delta.`" + lake().path(LakeTables.RUNS)
          + "` ADD COLUMNS (" + String.join(", ", missing) + ")"));
      lake().bookkeeping(LakeTables.RUNS, DOC, () -> lake().spark().sql("ALTER TABLE delta.`" + lake().path(LakeTables.RUNS)
          + "` SET TBLPROPERTIES ('delta.isolationLevel' = 'Serializable')"));
    } catch (Exception e) { // another run upgraded it at the same moment
      if (!missingColumns().isEmpty()) throw e;
    }
  }

  /** Creates the table with {@code rows} unless it exists; false when it exists, also when another run created it first. */
  private boolean create(List<Row> rows) {
    if (lake().exists(LakeTables.RUNS)) return false;
    try {
      lake().createWith(LakeTables.RUNS, DOC, SCHEMA, rows, Map.of("delta.isolationLevel", "Serializable"));
      return true;
    } catch (Exception e) { // another run created it first
      if (!lake().exists(LakeTables.RUNS)) throw e;
      return false;
    }
  }

  /** Columns of SCHEMA the table lacks (a lake written by a healthscore from before the ledger). */
  private List<String> missingColumns() {
    List<String> have = List.of(lake().read(LakeTables.RUNS).schema().fieldNames());
    List<String> missing = new ArrayList<>();
    for (StructField f : SCHEMA.fields()) {
      if (!have.contains(f.name())) missing.add("`" + f.name() + "` " + f.dataType().sql());
    }
    return missing;
  }

  /**
   * Inserts {@code row} (status running) unless a running row with its lease key exists.
   * Returns the holder that kept it out, or empty when the row is in.
   */
  Optional<Holder> tryInsertRunning(Row row) {
    String key = row.getAs("lease_key");
    merge(row, "t.lease_key = s.lease_key AND t.status = '" + RUNNING + "'", false);
    List<Holder> holders = running(key);
    String mine = row.getAs("run_id");
    if (holders.stream().anyMatch(h -> h.runId().equals(mine))) {
      return holders.stream().filter(h -> !h.runId().equals(mine)).findFirst(); // defensive: Delta serializes the inserts
    }
    return holders.stream().findFirst();
  }

  /** The running rows of a lease key. */
  List<Holder> running(String key) {
    List<Holder> out = new ArrayList<>();
    for (Row r : runningRows().stream().filter(r -> key.equals(r.getAs("lease_key"))).toList()) out.add(holder(r));
    return out;
  }

  List<Row> runningRows() {
    return lake().read(LakeTables.RUNS).filter(col("status").equalTo(RUNNING)).collectAsList();
  }

  static Holder holder(Row r) {
    Timestamp started = r.getAs("started_at");
    Long pid = r.getAs("pid");
    return new Holder(r.getAs("run_id"), r.getAs("command"), r.getAs("host"), pid == null ? -1 : pid,
        started == null ? null : started.toInstant());
  }

  /** Extends a running run's lease; false when the row is no longer running (another run declared it dead). */
  boolean heartbeat(String runId, Duration lease) {
    Instant now = Instant.now();
    Map<String, Column> set = new LinkedHashMap<>();
    set.put("heartbeat_at", lit(Timestamp.from(now)));
    set.put("lease_expires_at", lit(Timestamp.from(now.plus(lease))));
    String where = "run_id = '" + runId + "' AND status = '" + RUNNING + "'";
    lake().bookkeeping(LakeTables.RUNS, DOC, () -> DeltaTable.forPath(lake().spark(), lake().path(LakeTables.RUNS)).update(functions(where), set));
    return stillRunning(runId);
  }

  boolean stillRunning(String runId) {
    return !lake().read(LakeTables.RUNS).filter(col("run_id").equalTo(runId).and(col("status").equalTo(RUNNING))).isEmpty();
  }

  /** Writes the final row of a run (whatever another run may have said about it meanwhile). */
  void finish(Row row) {
    merge(row, "t.run_id = s.run_id", true);
  }

  /** Marks a running row of another run as ended, unless it changed since it was read. */
  void markEnded(String runId, String status, String reason) {
    Map<String, Column> set = new LinkedHashMap<>();
    set.put("status", lit(status));
    set.put("reason", lit(reason));
    set.put("ended_at", lit(Timestamp.from(Instant.now())));
    String where = "run_id = '" + runId + "' AND status = '" + RUNNING + "'";
    lake().bookkeeping(LakeTables.RUNS, DOC, () -> DeltaTable.forPath(lake().spark(), lake().path(LakeTables.RUNS)).update(functions(where), set));
    StepTimer.log("runs: run %s marked %s: %s", runId, status, reason);
  }

  private void merge(Row row, String on, boolean updateWhenMatched) {
    var source = lake().spark().createDataFrame(List.of(row), SCHEMA);
    lake().bookkeeping(LakeTables.RUNS, DOC, () -> {
      var m = DeltaTable.forPath(lake().spark(), lake().path(LakeTables.RUNS)).as("t").merge(source.as("s"), on);
      if (updateWhenMatched) m = m.whenMatched().updateAll();
      m.whenNotMatched().insertAll().execute();
    });
  }

  private static Column functions(String sql) {
    return org.apache.spark.sql.functions.expr(sql);
  }

  /** The row of a run as it starts. */
  Row startRow(RunContext ctx, String leaseKey, String arguments, boolean skipGate, Duration lease) {
    Instant now = Instant.now();
    return new GenericRowWithSchema(new Object[] {ctx.runId(), ctx.command(), ctx.asOf() == null ? null : Date.valueOf(ctx.asOf()),
        Timestamp.from(ctx.wallClock()), null, null, null, null, null, null,
        RUNNING, leaseKey, arguments, host, ProcessHandle.current().pid(), Timestamp.from(now), Timestamp.from(now.plus(lease)),
        null, null, null, skipGate, null}, SCHEMA);
  }

  /** The row of a run as it ends. */
  static Row endRow(Row start, String status, int exitCode, String reason, Long accounts, Map<String, Long> input,
                    Map<String, Long> quarantined, Map<String, Long> perBand, Map<String, Double> steps, List<String> published) {
    Object[] v = new Object[SCHEMA.size()];
    for (int i = 0; i < v.length; i++) v[i] = start.get(i);
    Instant now = Instant.now();
    v[SCHEMA.fieldIndex("duration_sec")] = Duration.between(start.<Timestamp>getAs("started_at").toInstant(), now).toMillis() / 1000.0;
    v[SCHEMA.fieldIndex("accounts")] = accounts;
    v[SCHEMA.fieldIndex("input_rows")] = scala(input);
    v[SCHEMA.fieldIndex("quarantined_rows")] = scala(quarantined);
    v[SCHEMA.fieldIndex("accounts_per_band")] = scala(perBand);
    v[SCHEMA.fieldIndex("step_seconds")] = scala(steps);
    v[SCHEMA.fieldIndex("status")] = status;
    v[SCHEMA.fieldIndex("ended_at")] = Timestamp.from(now);
    v[SCHEMA.fieldIndex("exit_code")] = exitCode;
    v[SCHEMA.fieldIndex("reason")] = reason;
    v[SCHEMA.fieldIndex("published_tables")] = published == null ? null : scala.jdk.javaapi.CollectionConverters.asScala(published).toSeq();
    return new GenericRowWithSchema(v, SCHEMA);
  }

  private static <K, V> scala.collection.Map<K, V> scala(Map<K, V> m) {
    return m == null ? null : scala.jdk.javaapi.CollectionConverters.asScala(m);
  }

  String host() {
    return host;
  }
}
