package dev.healthscore.jobs.lake;

import dev.healthscore.features.pit.AsOf;
import dev.healthscore.features.config.ConfigException;
import dev.healthscore.features.run.StepTimer;
import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.catalog.CatalogTable;
import org.apache.spark.sql.catalyst.catalog.CatalogTableType;
import org.apache.spark.sql.catalyst.catalog.ExternalCatalog;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Registers the lake's Delta tables in a Spark catalog, so that BI tools find them by name
 * (through the sql-server) with their table and column comments.
 *
 * <p>Each lake table becomes an external table {@code <database>.<table>} at its Delta
 * location. Queries read schema and data from the Delta log, so rows written later (nightly)
 * are visible without registering again. The catalog also keeps a copy of the schema and
 * comments for JDBC metadata calls; re-registering refreshes that copy when the table's
 * columns or comment changed, and is needed when tables appear or disappear.
 *
 * <p>The database belongs to healthscore: re-registering adds new tables, updates changed or
 * moved ones, and drops external tables that are no longer in the lake (dropping an external
 * table never deletes data). Managed tables and other views in it are left alone.
 */
public final class LakeCatalog {
  private LakeCatalog() {}

  public static final String DEFAULT_DATABASE = "healthscore";
  public static final String LATEST_VIEW = "account_health_latest";
  private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]*");

  public enum Change { ADDED, UPDATED, UNCHANGED }

  /** One registered table or view: its catalog name, location (tables) and row count. */
  public record Entry(String name, boolean view, String location, long rows, Change change) {}

  /** What a registration did; {@code entries} are the tables (lake order) then the view. */
  public record Result(String database, List<Entry> entries, List<String> dropped) {
    public List<String> names() {
      return entries.stream().map(Entry::name).toList();
    }

    public boolean changed() {
      return !dropped.isEmpty() || entries.stream().anyMatch(e -> e.change() != Change.UNCHANGED);
    }
  }

  /** The outcome of {@link #update}: registered, or skipped and why (another process holds the metastore). */
  public record Update(Result result, String skipped) {
    public boolean registered() {
      return result != null;
    }
  }

  /**
   * Registers every table of the lake in {@code spark}'s catalog (a Hive-enabled session
   * for a persistent catalog; any catalog works). Idempotent.
   */
  public static Result register(SparkSession spark, Lake lake, String database) {
    String db = databaseName(database);
    List<String> lakeTables = lake.tables().stream().map(t -> t.toLowerCase(Locale.ROOT)).toList();
    if (lakeTables.isEmpty() && !lake.rootExists()) {
      throw new ConfigException("lake " + lake.root() + " does not exist"); // a typo must not empty the catalog
    }
    // Delta keeps a table's schema and comment in its log only; with this it also copies them
    // into the catalog, where JDBC metadata calls (getColumns, getTables) look. Own session:
    // the caller's settings stay as they were.
    SparkSession s = spark.newSession();
    s.conf().set("spark.databricks.delta.catalog.update.enabled", "true");
    ExternalCatalog catalog = ((org.apache.spark.sql.classic.SparkSession) s).sharedState().externalCatalog();
    s.sql("CREATE DATABASE IF NOT EXISTS " + db
        + " COMMENT 'healthscore lake tables (external Delta tables) and views, registered by healthscore catalog'");
    s.sql("ALTER DATABASE " + db + " SET DBPROPERTIES ('healthscore.lake' = " + quote(lake.root()) + ")");
    List<String> existing = CollectionConverters.asJava(catalog.listTables(db));

    List<Entry> entries = new ArrayList<>();
    Change healthChange = null;
    for (String name : lakeTables) {
      String qualified = db + ".`" + name + "`";
      String location = qualify(s, lake.path(name));
      DeltaTable delta = DeltaTable.forPath(s, location);
      StructType schema = delta.toDF().schema();
      String comment = delta.detail().first().getAs("description");
      Change change = Change.ADDED;
      if (existing.contains(name)) {
        CatalogTable t = catalog.getTable(db, name);
        if (t.tableType() != CatalogTableType.EXTERNAL()) {
          String kind = t.tableType() == CatalogTableType.VIEW() ? "view" : "managed table";
          throw new ConfigException("catalog " + db + "." + name + " exists as a " + kind
              + " that healthscore did not register; drop or rename it so that the lake table " + name + " can be registered");
        }
        boolean same = location.equals(qualify(s, t.location().toString()))
            && Objects.equals(comment, t.comment().getOrElse(() -> null))
            && columns(schema).equals(columns(t.schema()));
        change = same ? Change.UNCHANGED : Change.UPDATED;
        if (!same) s.sql("DROP TABLE " + qualified);
      }
      if (change != Change.UNCHANGED) {
        s.sql("CREATE TABLE " + qualified + " USING delta LOCATION " + quote(location)
            + (comment == null ? "" : " COMMENT " + quote(comment)));
      }
      if (name.equals(LakeTables.ACCOUNT_HEALTH)) healthChange = change;
      entries.add(new Entry(name, false, location, s.table(qualified).count(), change));
    }

    List<String> dropped = new ArrayList<>();
    String view = db + "." + LATEST_VIEW;
    if (healthChange == null && existing.contains(LATEST_VIEW)) {
      // straight from the catalog: DROP VIEW would first resolve it against a table that is gone
      catalog.dropTable(db, LATEST_VIEW, true, false);
      dropped.add(LATEST_VIEW);
    }
    for (String name : existing) {
      if (!lakeTables.contains(name) && !name.equals(LATEST_VIEW)
          && catalog.getTable(db, name).tableType() == CatalogTableType.EXTERNAL()) {
        s.sql("DROP TABLE IF EXISTS " + db + ".`" + name + "`");
        dropped.add(name);
      }
    }

    if (healthChange != null) {
      Change change = !existing.contains(LATEST_VIEW) ? Change.ADDED : healthChange;
      if (change != Change.UNCHANGED) {
        String health = db + "." + LakeTables.ACCOUNT_HEALTH;
        // SCHEMA EVOLUTION: queries follow columns added to account_health later; it is
        // re-created when account_health changes so that its catalog columns follow too
        String published = latestPublished(s, db, lakeTables);
        s.sql("CREATE OR REPLACE VIEW " + view + " COMMENT "
            + quote("account_health rows of the latest as_of_date" + (published.contains(LakeTables.RUNS)
                ? " whose nightly run succeeded" : "") + ": the current health of every account active then")
            + " WITH SCHEMA EVOLUTION AS SELECT * FROM " + health + published);
      }
      entries.add(new Entry(LATEST_VIEW, true, null, s.table(view).count(), change));
    }
    return new Result(db, List.copyOf(entries), List.copyOf(dropped));
  }

  /**
   * The latest date whose nightly run is recorded as succeeded in {@code runs}, and only that
   * run's rows (docs/runs.md): a run still publishing, or one that died, is never "latest".
   * Rows of runs from before the ledger had no status and count as succeeded. A lake without
   * {@code runs} falls back to the latest date of account_health.
   */
  private static String latestPublished(SparkSession s, String db, List<String> lakeTables) {
    if (!lakeTables.contains(LakeTables.RUNS) || !List.of(s.table(db + "." + LakeTables.RUNS).columns()).contains("status")) {
      return " WHERE " + AsOf.DATE + " = (SELECT max(" + AsOf.DATE + ") FROM " + db + "." + LakeTables.ACCOUNT_HEALTH + ")";
    }
    String published = "SELECT run_id, " + AsOf.DATE + " FROM " + db + "." + LakeTables.RUNS
        + " WHERE command = 'nightly' AND (status IS NULL OR status = 'succeeded')";
    return " WHERE " + AsOf.DATE + " = (SELECT max(" + AsOf.DATE + ") FROM (" + published + "))"
        + " AND run_id IN (SELECT run_id FROM (" + published + "))";
  }

  /** Top-level column names, types and comments: what a catalog entry must agree on with the Delta log. */
  private static List<String> columns(StructType schema) {
    List<String> cols = new ArrayList<>();
    for (StructField f : schema.fields()) {
      cols.add(f.name() + " " + f.dataType().catalogString() + " " + f.getComment().getOrElse(() -> ""));
    }
    return cols;
  }

  /**
   * Registers the lake in its metastore ({@link Metastore#forLake}) from a session of any
   * kind, e.g. at the end of nightly. When another process holds the embedded metastore
   * (a running sql-server) this is skipped, not failed: the tables are registered by
   * location, so new data is visible anyway, and the server registers new tables itself.
   */
  public static Update update(SparkSession spark, Lake lake, String database) {
    Metastore metastore = Metastore.forLake(spark, lake.root());
    if (metastore.busy()) return new Update(null, busyMessage(metastore));
    try {
      return new Update(register(metastore.open(spark), lake, database), null);
    } catch (RuntimeException e) {
      if (Metastore.isBusyError(e)) return new Update(null, busyMessage(metastore));
      throw e;
    }
  }

  public static String busyMessage(Metastore metastore) {
    return metastore.description() + " is in use by another process (a running sql-server?): catalog update skipped. "
        + "Tables are registered by location, so new data in them is visible now; "
        + "the sql-server registers lake changes itself (every --refresh-seconds)";
  }

  /** Prints what a registration did, one line per table. */
  public static void log(String command, Result r) {
    for (Entry e : r.entries()) {
      StepTimer.log("%s: %s.%-24s %-5s %,12d rows  %s", command, r.database(), e.name(), e.view() ? "view" : "table",
          e.rows(), e.change().name().toLowerCase(Locale.ROOT));
    }
    for (String d : r.dropped()) StepTimer.log("%s: %s.%-24s dropped (no longer in the lake)", command, r.database(), d);
  }

  /** The database name, lower-cased as the metastore stores it; fails on anything but letters, digits and _. */
  public static String databaseName(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    if (!IDENTIFIER.matcher(n).matches()) {
      throw new ConfigException("database name '" + name + "' must be letters, digits and _ (not starting with a digit)");
    }
    return n;
  }

  private static String qualify(SparkSession spark, String path) {
    Path p = new Path(path);
    try {
      return p.getFileSystem(spark.sparkContext().hadoopConfiguration()).makeQualified(p).toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String quote(String s) {
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
