package dev.healthscore.features.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * The one place a SparkSession is configured. Embedded {@code local[*]} unless the
 * usual Spark settings (spark-submit's --master, SPARK_MASTER, spark-defaults) say otherwise.
 */
public final class SparkSessions {
  private SparkSessions() {}

  public static SparkSession getOrCreate(String appName) {
    SparkConf conf = new SparkConf(); // picks up spark.* system properties set by spark-submit
    if (!conf.contains("spark.master")) {
      String envMaster = System.getenv("SPARK_MASTER");
      conf.setMaster(envMaster != null && !envMaster.isBlank() ? envMaster : "local[*]");
    }
    conf.setIfMissing("spark.app.name", appName);
    applyDefaults(conf);
    return SparkSession.builder().config(conf).getOrCreate();
  }

  /** Settings every healthscore session needs; user settings win (setIfMissing). */
  public static void applyDefaults(SparkConf conf) {
    conf.setIfMissing("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension");
    conf.setIfMissing("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");
    conf.setIfMissing("spark.sql.session.timeZone", "UTC");
    conf.setIfMissing("spark.sql.adaptive.enabled", "true");
    conf.setIfMissing("spark.sql.adaptive.coalescePartitions.enabled", "true");
    // Quarantine counts are observed metrics; AQE's empty-relation rule drops them when a
    // table has no rows left after the as-of cut (ObservedCountsTest). Losing that rule
    // only matters for empty inputs.
    conf.setIfMissing("spark.sql.adaptive.optimizer.excludedRules",
        "org.apache.spark.sql.execution.adaptive.AQEPropagateEmptyRelation");
    conf.setIfMissing("spark.ui.showConsoleProgress", "false");
    // Cached results (the nightly keeps T's features and scores in memory) are coalesced by
    // AQE like any other; otherwise they keep all spark.sql.shuffle.partitions, and every
    // step after them runs 32 tiny tasks and writes 32 files.
    conf.setIfMissing("spark.sql.optimizer.canChangeCachedPlanOutputPartitioning", "true");
    conf.setIfMissing("spark.sql.shuffle.partitions", "32");
    // Stages share the cores fairly (fairscheduler.xml): small stages do not queue behind
    // the tasks of the big scan (docs/benchmarks.md).
    conf.setIfMissing("spark.scheduler.mode", "FAIR");
    conf.setIfMissing("spark.databricks.delta.snapshotPartitions", "4");
    // Our Delta tables must stay readable by delta-rs and Delta Kernel: no deletion vectors.
    conf.setIfMissing("spark.databricks.delta.properties.defaults.enableDeletionVectors", "false");
    conf.setIfMissing("spark.sql.parquet.datetimeRebaseModeInWrite", "CORRECTED");
    conf.setIfMissing("spark.sql.parquet.int96RebaseModeInWrite", "CORRECTED");
    // file: paths without Hadoop's chmod and readlink processes (LocalFilesWithoutShell)
    LocalFilesWithoutShell.register(conf);
  }
}
