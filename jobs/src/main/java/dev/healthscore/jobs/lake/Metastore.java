package dev.healthscore.jobs.lake;

import dev.healthscore.features.config.ConfigException;
import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;

/**
 * The Hive metastore the lake's tables are registered in ({@code catalog}, {@code sql-server},
 * and {@code nightly} once one exists). Any metastore the Spark/Hive settings name
 * ({@code hive.metastore.uris}, {@code javax.jdo.option.ConnectionURL}, a hive-site.xml) is
 * used as is; otherwise an embedded Derby database in a local directory:
 * {@code $HEALTHSCORE_METASTORE_DIR}, else {@code <lake>/_metastore} for a local lake.
 *
 * <p>Embedded Derby admits one process at a time. {@link #busy()} tells, without booting
 * Derby, whether another process (typically a running {@code sql-server}) holds it, so that
 * callers can skip instead of failing after Hive's minute of retries.
 */
public final class Metastore {
  public static final String DIR_ENV = "HEALTHSCORE_METASTORE_DIR";
  static final String DERBY_DB = "metastore_db";
  private final Path derbyDir; // null: a metastore configured elsewhere
  private final String description;

  private Metastore(Path derbyDir, String description) {
    this.derbyDir = derbyDir;
    this.description = description;
  }

  /** The metastore for a lake (null: none given), from the session's settings and the environment. */
  public static Metastore forLake(SparkSession spark, String lakeRoot) {
    return locate(spark.sparkContext().hadoopConfiguration(), hiveSite(), lakeRoot, System.getenv(DIR_ENV));
  }

  /** The same, from this process's Spark settings before any Spark starts (a quick look before a long start). */
  public static Metastore forLake(String lakeRoot) {
    Configuration conf = org.apache.spark.deploy.SparkHadoopUtil.get().newConfiguration(new org.apache.spark.SparkConf());
    return locate(conf, hiveSite(), lakeRoot, System.getenv(DIR_ENV));
  }

  /** {@code hiveSite}: the hive-site.xml on the classpath, if any (Hive reads its metastore settings from there too). */
  static Metastore locate(Configuration hadoopConf, Configuration hiveSite, String lakeRoot, String envDir) {
    for (Configuration c : new Configuration[] {hadoopConf, hiveSite}) {
      if (c == null) continue;
      String from = c == hiveSite ? " (hive-site.xml)" : "";
      String uris = c.get("hive.metastore.uris", "");
      if (!uris.isBlank()) return new Metastore(null, "Hive metastore " + uris + from);
      String url = c.get("javax.jdo.option.ConnectionURL", "");
      if (!url.isBlank()) return new Metastore(null, "Hive metastore database " + url + from);
    }
    Path dir;
    if (envDir != null && !envDir.isBlank()) {
      dir = Path.of(envDir);
    } else if (lakeRoot == null) {
      throw new ConfigException("which metastore? give --lake DIR (its embedded metastore is DIR/_metastore), set " + DIR_ENV
          + ", or configure a Hive metastore (--conf spark.hadoop.hive.metastore.uris=thrift://...)");
    } else {
      Path lake = localPath(lakeRoot);
      if (lake == null) {
        throw new ConfigException("lake " + lakeRoot + " is not a local directory, so the embedded metastore cannot live in it: "
            + "set " + DIR_ENV + " to a local directory, or configure a Hive metastore (--conf spark.hadoop.hive.metastore.uris=thrift://...)");
      }
      dir = lake.resolve("_metastore");
    }
    dir = dir.toAbsolutePath().normalize();
    return new Metastore(dir, "embedded Derby metastore " + dir);
  }

  /** A local filesystem path for {@code root} (plain path or file: URI), or null. */
  static Path localPath(String root) {
    if (root.startsWith("file:")) return Path.of(URI.create(root));
    int colon = root.indexOf(':');
    int slash = root.indexOf('/');
    boolean hasScheme = colon > 0 && (slash < 0 || colon < slash);
    return hasScheme ? null : Path.of(root);
  }

  private static Configuration hiveSite() {
    ClassLoader cl = Thread.currentThread().getContextClassLoader();
    java.net.URL url = (cl != null ? cl : Metastore.class.getClassLoader()).getResource("hive-site.xml");
    if (url == null) return null;
    Configuration c = new Configuration(false);
    c.addResource(url);
    return c;
  }

  public String description() {
    return description;
  }

  public boolean embedded() {
    return derbyDir != null;
  }

  /** True when a metastore has been set up: configured, or the embedded one was created by an earlier run. */
  public boolean exists() {
    return derbyDir == null || Files.isDirectory(derbyDir.resolve(DERBY_DB));
  }

  /**
   * True when another process holds the embedded Derby database. Derby keeps an exclusive
   * OS lock on {@code dbex.lck} while booted; we try that lock and release it at once.
   */
  public boolean busy() {
    if (derbyDir == null) return false;
    Path lock = derbyDir.resolve(DERBY_DB).resolve("dbex.lck");
    if (!Files.exists(lock)) return false;
    try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.WRITE)) {
      FileLock l = ch.tryLock();
      if (l == null) return true;
      l.release();
      return false;
    } catch (OverlappingFileLockException e) {
      return false; // held by this JVM: our own Derby, usable
    } catch (IOException e) {
      return false; // cannot tell; booting will say
    }
  }

  /** Spark settings for a Hive-enabled session on this metastore (user settings are in the Hadoop conf and win). */
  Map<String, String> sessionSettings() {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("spark.sql.catalogImplementation", "hive");
    if (derbyDir != null) {
      s.put("spark.sql.warehouse.dir", derbyDir.resolve("warehouse").toUri().toString());
      s.put("javax.jdo.option.ConnectionURL", "jdbc:derby:;databaseName=" + derbyDir.resolve(DERBY_DB) + ";create=true");
      // a held Derby fails the same way every time: don't retry it for a minute
      s.put("hive.hmshandler.retry.attempts", "1");
      s.put("hive.metastore.failure.retries", "0");
    }
    return s;
  }

  /**
   * A session whose catalog is this metastore, sharing {@code base}'s SparkContext (so a
   * job that runs without Hive, like nightly, pays the metastore start-up only here). The
   * base session stays the active and default one.
   */
  public SparkSession open(SparkSession base) {
    return open(base, Map.of());
  }

  /** {@link #open(SparkSession)} with more Hive settings (they reach every Hive client of the session). */
  public SparkSession open(SparkSession base, Map<String, String> hiveSettings) {
    if (derbyDir != null) {
      try {
        Files.createDirectories(derbyDir);
      } catch (IOException e) {
        throw new ConfigException("cannot create the metastore directory " + derbyDir + ": " + e.getMessage());
      }
      // Derby writes derby.log into the working directory unless told otherwise
      System.setProperty("derby.stream.error.file", derbyDir.resolve("derby.log").toString());
    }
    requireHiveClasses();
    var builder = SparkSession.builder().sparkContext(base.sparkContext());
    sessionSettings().forEach((k, v) -> {
      // an explicit --conf wins (a warehouse directory, say), except over what makes this a Hive session
      if (k.equals("spark.sql.catalogImplementation") || !base.sparkContext().conf().contains(k)) builder.config(k, v);
    });
    hiveSettings.forEach(builder::config);
    try {
      return builder.create();
    } finally {
      SparkSession.setDefaultSession(base);
      SparkSession.setActiveSession(base);
    }
  }

  /** Hive support is on bin/healthscore's classpath and in Spark distributions, but not in every Spark. */
  static void requireHiveClasses() {
    try {
      Class.forName("org.apache.spark.sql.hive.HiveSessionStateBuilder", false, Metastore.class.getClassLoader());
      Class.forName("org.apache.hadoop.hive.conf.HiveConf", false, Metastore.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new ConfigException("Spark has no Hive support here (" + e.getMessage() + " not found): run through bin/healthscore, "
          + "or use a Spark distribution built with Hive (spark-hive_2.13)");
    }
  }

  /** True when {@code e} says the embedded Derby database is held by another process. */
  public static boolean isBusyError(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String m = String.valueOf(t.getMessage());
      if (m.contains("XSDB6") || m.contains("Another instance of Derby may have already booted")) return true;
      if (t instanceof java.sql.SQLException sql) {
        for (java.sql.SQLException n = sql.getNextException(); n != null; n = n.getNextException()) {
          if ("XSDB6".equals(n.getSQLState())) return true;
        }
      }
    }
    return false;
  }
}
