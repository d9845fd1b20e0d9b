package dev.healthscore.jobs.lake;

import dev.healthscore.features.pit.AsOf;
import static org.apache.spark.sql.functions.col;

import dev.healthscore.features.run.FaultInjection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructField;

/**
 * The lake: a root directory (or URI) of Delta tables, one sub-directory each. Writes
 * replace whole as-of dates (idempotent re-runs) and carry table and column comments.
 */
public final class Lake {
  private final SparkSession spark;
  private final String root;

  public Lake(SparkSession spark, String root) {
    this.spark = spark;
    this.root = absolute(root.endsWith("/") ? root.substring(0, root.length() - 1) : root);
  }

  /**
   * A local relative root as an absolute path: Delta's SQL ({@code ALTER TABLE delta.`path`})
   * resolves a relative path against nothing, and a run must write where it was pointed even
   * if the working directory changes. URIs (s3a://, file:, hdfs://) stay as given.
   */
  private static String absolute(String root) {
    if (root.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*") || root.startsWith("/")) return root;
    return java.nio.file.Path.of(root).toAbsolutePath().normalize().toString();
  }

  public String root() {
    return root;
  }

  public SparkSession spark() {
    return spark;
  }

  public String path(String table) {
    return root + "/" + table;
  }

  /**
   * Whether the table has a committed version. A {@code _delta_log/} alone is not enough: a writer creating the
   * table makes the directory before its first commit lands, and Delta reports such a table as not existing.
   */
  public boolean exists(String table) {
    Path log = new Path(path(table), "_delta_log");
    try {
      return hasCommit(log.getFileSystem(spark.sparkContext().hadoopConfiguration()), log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final java.util.regex.Pattern COMMIT_FILE = java.util.regex.Pattern.compile("\\d{20}\\.(json|checkpoint\\..*)");

  private static boolean hasCommit(FileSystem fs, Path log) throws IOException {
    if (!fs.exists(log)) return false;
    for (FileStatus f : fs.listStatus(log)) {
      if (COMMIT_FILE.matcher(f.getPath().getName()).matches()) return true;
    }
    return false;
  }

  public boolean rootExists() {
    Path rootPath = new Path(root);
    try {
      return rootPath.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(rootPath);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The Delta tables in the lake: sub-directories holding a {@code _delta_log/}, sorted.
   * Names starting with {@code _} or {@code .} are not tables (e.g. {@code _metastore}).
   */
  public List<String> tables() {
    Path rootPath = new Path(root);
    try {
      FileSystem fs = rootPath.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(rootPath)) return List.of();
      List<String> names = new ArrayList<>();
      for (FileStatus s : fs.listStatus(rootPath)) {
        String name = s.getPath().getName();
        if (s.isDirectory() && !name.startsWith("_") && !name.startsWith(".") && hasCommit(fs, new Path(s.getPath(), "_delta_log"))) {
          names.add(name);
        }
      }
      Collections.sort(names);
      return names;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Dataset<Row> read(String table) {
    return spark.read().format("delta").load(path(table));
  }

  /**
   * Writes {@code rows} as the complete content of the given as-of dates of a table
   * partitioned by as_of_date: those dates are replaced atomically, others untouched.
   */
  public void replaceDates(String table, Dataset<Row> rows, Collection<LocalDate> dates, TableDoc doc) {
    String predicate = dates.stream().map(d -> "DATE'" + d + "'")
        .collect(Collectors.joining(", ", AsOf.DATE + " IN (", ")"));
    commit(table, doc, () -> withComments(rows, doc).write().format("delta").mode("overwrite")
        .option("replaceWhere", predicate)
        .option("mergeSchema", "true")
        .partitionBy(AsOf.DATE)
        .save(path(table)));
  }

  /**
   * Writes {@code rows} as the complete content of the given dates of {@code column} in an
   * unpartitioned table (small tables keyed by date, e.g. evaluation results per cutoff):
   * those dates are replaced atomically, others untouched.
   */
  public void replaceWhere(String table, Dataset<Row> rows, String column, Collection<LocalDate> dates, TableDoc doc) {
    String predicate = dates.stream().map(d -> "DATE'" + d + "'")
        .collect(Collectors.joining(", ", column + " IN (", ")"));
    replaceWhere(table, rows, predicate, doc);
  }

  /**
   * Writes {@code rows} as the complete content of the rows matching {@code predicate} (a SQL
   * condition on the table's columns) in an unpartitioned table: one atomic commit that
   * replaces exactly those rows (e.g. one run's quarantine of one date), others untouched.
   */
  public void replaceWhere(String table, Dataset<Row> rows, String predicate, TableDoc doc) {
    commit(table, doc, () -> withComments(rows, doc).write().format("delta").mode(exists(table) ? "overwrite" : "errorifexists")
        .option("replaceWhere", predicate)
        .option("mergeSchema", "true")
        .save(path(table)));
  }

  /** Deletes the rows matching {@code predicate} (SQL on the table's columns) in one commit. */
  public void deleteWhere(String table, String predicate, TableDoc doc) {
    commit(table, doc, () -> io.delta.tables.DeltaTable.forPath(spark, path(table)).delete(predicate));
  }

  /** Appends rows (logs such as quarantine and runs). */
  public void append(String table, Dataset<Row> rows, TableDoc doc, String... partitionBy) {
    commit(table, doc, () -> {
      var w = withComments(rows, doc).write().format("delta").mode("append").option("mergeSchema", "true");
      if (partitionBy.length > 0) w = w.partitionBy(partitionBy);
      w.save(path(table));
    });
  }

  /** Replaces a whole small table (registries, evaluation tables keyed by the caller). */
  public void overwrite(String table, Dataset<Row> rows, TableDoc doc) {
    commit(table, doc, () ->
        withComments(rows, doc).write().format("delta").mode("overwrite").option("overwriteSchema", "true").save(path(table)));
  }

  /**
   * One write of {@code table}, made to survive other writers of the same lake: Delta
   * detects a conflicting concurrent commit (two runs creating the same new table, or
   * replacing rows another run's commit also touched) and fails the later one with a
   * {@link ConcurrentModificationException}; the write is then made again on the new
   * snapshot, up to {@link #COMMIT_ATTEMPTS} times. Each write replaces or appends whole
   * rows in one commit, so a repeat is safe. A new table gets its comment right after its
   * first commit. Afterwards {@link FaultInjection} may stop the process (tests only).
   */
  public void commit(String table, TableDoc doc, Runnable write) {
    bookkeeping(table, doc, write);
    synchronized (committed) {
      committed.add(table);
    }
    FaultInjection.after(table);
  }

  /**
   * Creates a bookkeeping table holding {@code rows} (none: empty) in its first version, with the doc's comments and
   * the given Delta table properties. A DataFrame write, not SQL {@code CREATE TABLE}: over a {@code _delta_log/}
   * left without a commit (a creator killed or still at work) SQL refuses ("already exists") while Delta's writer
   * creates the table. Fails if a version is committed.
   */
  public void createWith(String table, TableDoc doc, org.apache.spark.sql.types.StructType schema, List<Row> rows,
                         Map<String, String> properties) {
    bookkeeping(table, doc, () -> withComments(spark.createDataFrame(rows, schema), doc).write().format("delta")
        .mode("errorifexists").options(properties).save(path(table)));
  }

  /** A commit of a bookkeeping table (the run ledger): retried like {@link #commit}, not counted as published data. */
  public void bookkeeping(String table, TableDoc doc, Runnable write) {
    boolean existed = exists(table);
    retryingConflicts(table, write);
    if (!existed) retryingConflicts(table, () -> setTableComment(table, doc.table()));
  }

  private static void retryingConflicts(String table, Runnable commit) {
    for (int attempt = 1; ; attempt++) {
      try {
        commit.run();
        return;
      } catch (RuntimeException e) {
        if (!isConcurrentCommit(e) || attempt >= COMMIT_ATTEMPTS) throw e;
        long waitMs = Math.min(8000, 250L << Math.min(attempt, 5)) + java.util.concurrent.ThreadLocalRandom.current().nextLong(250);
        dev.healthscore.features.run.StepTimer.log("lake: %s: a concurrent commit conflicted (%s); writing again in %.1fs (attempt %d of %d)",
            table, e.getClass().getSimpleName(), waitMs / 1000.0, attempt + 1, COMMIT_ATTEMPTS);
        dev.healthscore.features.run.Concurrently.pause(waitMs, "waiting to write again");
      }
    }
  }

  /** Conflicting writers retry this often before the run fails with Delta's own reason. */
  static final int COMMIT_ATTEMPTS = 8;

  /** Tables this lake object committed to, in order (a run's published tables). */
  private final List<String> committed = new ArrayList<>();

  public List<String> committed() {
    synchronized (committed) {
      return List.copyOf(committed);
    }
  }

  /** Delta's conflict exceptions all extend {@link ConcurrentModificationException}; a first commit raced by another writer may surface as an already-existing log file. */
  public static boolean isConcurrentCommit(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof ConcurrentModificationException || t instanceof java.nio.file.FileAlreadyExistsException
          || t instanceof org.apache.hadoop.fs.FileAlreadyExistsException) {
        return true;
      }
    }
    return false;
  }


  /** Rows of one as-of date; Delta prunes the other partitions. */
  public Dataset<Row> readDate(String table, LocalDate date) {
    return read(table).filter(col(AsOf.DATE).equalTo(Date.valueOf(date)));
  }

  private void setTableComment(String table, String comment) {
    spark.sql("ALTER TABLE delta.`" + path(table) + "` SET TBLPROPERTIES ('comment' = '" + comment.replace("'", "\\'") + "')");
  }

  /** Column comments live in the schema metadata, so Delta stores them with the table. */
  static Dataset<Row> withComments(Dataset<Row> rows, TableDoc doc) {
    Map<String, String> comments = doc.columns();
    Column[] cols = new Column[rows.columns().length];
    int i = 0;
    for (StructField f : rows.schema().fields()) {
      String comment = comments.get(f.name());
      Column c = col("`" + f.name() + "`");
      if (comment != null) {
        Metadata md = new MetadataBuilder().withMetadata(f.metadata()).putString("comment", comment).build();
        c = c.as(f.name(), md);
      }
      cols[i++] = c;
    }
    return rows.select(cols);
  }
}
