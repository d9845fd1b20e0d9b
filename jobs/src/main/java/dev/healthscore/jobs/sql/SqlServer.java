package dev.healthscore.jobs.sql;

import dev.healthscore.features.run.StepTimer;
import dev.healthscore.jobs.cli.UserError;
import dev.healthscore.jobs.lake.Lake;
import dev.healthscore.jobs.lake.LakeCatalog;
import dev.healthscore.jobs.lake.Metastore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * The SQL endpoint: the Spark Thrift Server (HiveServer2 protocol, which the Hive and Spark
 * JDBC/ODBC drivers of BI tools speak) running in this JVM over a Hive-enabled session on the
 * lake's metastore, with Delta enabled.
 *
 * <p>The server holds the embedded Derby metastore while it runs, so it is also the one that
 * keeps the catalog current: it registers the lake at start and again when the lake changed
 * (a table appeared, disappeared or got a commit, checked every --refresh-seconds). Queries
 * see new data at once in any case: tables are registered by location and read from the
 * Delta log at query time; re-registering keeps the catalog's copy of columns and comments
 * (what JDBC metadata calls return) and the set of tables current.
 *
 * <p>The Thrift Server jar is not on Maven Central; bin/healthscore puts the one of a Spark
 * distribution on the classpath for this command, so it is reached by name, not linked.
 */
public final class SqlServer {
  private static final Pattern COMMIT = Pattern.compile("(\\d{20})\\.json");
  static final String THRIFT_SERVER = "org.apache.spark.sql.hive.thriftserver.HiveThriftServer2";
  static final long METASTORE_WAIT_MS = 60_000;
  /** Runs before Spark's own shutdown hook (priority 40 in Hadoop's ShutdownHookManager). */
  static final int SHUTDOWN_PRIORITY = 50;

  public record Options(String lake, String host, int port, String database, int refreshSeconds) {}

  private final SparkSession hive;
  private final Lake lake;
  private final Options options;
  private final Object thriftServer;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private Map<String, Long> registered; // lake table -> Delta version, as last registered

  private SqlServer(SparkSession hive, Lake lake, Options options, Object thriftServer, Map<String, Long> registered) {
    this.hive = hive;
    this.lake = lake;
    this.options = options;
    this.thriftServer = thriftServer;
    this.registered = registered;
  }

  /** Fails with one line when the Thrift Server is not on the classpath, saying how to get it. */
  public static void requireThriftServer() {
    try {
      Class.forName(THRIFT_SERVER, false, SqlServer.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      throw new UserError("Spark Thrift Server not found (spark-hive-thriftserver_2.13-" + org.apache.spark.package$.MODULE$.SPARK_VERSION()
          + ".jar, not on Maven Central): bin/healthscore takes it from $SPARK_HOME/jars or from the pyspark in .venv "
          + "(bin/setup-python installs it); with spark-submit, use a Spark distribution that includes it");
    }
  }

  /** Registers the lake (if given), starts the Thrift Server and prints where it listens. */
  public static SqlServer start(SparkSession spark, Options options) {
    long t0 = System.nanoTime();
    requirePortFree(options.host(), options.port());
    Metastore metastore = Metastore.forLake(spark, options.lake());
    StepTimer.log("sql-server: %s", metastore.description());
    waitUntilFree(metastore);
    // Set before any Hive client starts: the Thrift Server reuses the first client's Hive settings.
    // Every JDBC session starts from these. The Thrift Server turns on Java 8 date/time values,
    // with which Delta's metadata-only min/max of a DATE column fails (ClassCastException
    // LocalDate -> java.sql.Date in OptimizeMetadataOnlyDeltaQuery, Delta 4.4), e.g.
    // SELECT max(as_of_date): answer such queries from the data instead.
    SparkSession hive = metastore.open(spark, Map.of(
        "hive.server2.thrift.bind.host", options.host(),
        "hive.server2.thrift.port", String.valueOf(options.port()),
        "spark.databricks.delta.optimizeMetadataQuery.enabled", "false"));
    Lake lake = options.lake() == null ? null : new Lake(spark, options.lake());
    Map<String, Long> registered = null;
    if (lake != null) {
      registered = versions(lake);
      LakeCatalog.Result r = LakeCatalog.register(hive, lake, options.database());
      LakeCatalog.log("sql-server", r);
    } else if (!hive.catalog().databaseExists(options.database())) {
      throw new UserError("database " + options.database() + " is not in the " + metastore.description()
          + ": give --lake DIR, or run healthscore catalog --lake DIR first");
    }

    Object server = startThriftServer(hive);
    SqlServer s = new SqlServer(hive, lake, options, server, registered);
    org.apache.hadoop.util.ShutdownHookManager.get().addShutdownHook(s::stop, SHUTDOWN_PRIORITY);
    awaitListening(options.host(), options.port());
    String auth = spark.sparkContext().hadoopConfiguration().get("hive.server2.authentication", "NONE");
    StepTimer.log("sql-server: listening on %s:%d (HiveServer2 binary protocol, %s), started in %.1fs", options.host(),
        options.port(), auth.equalsIgnoreCase("NONE") ? "no authentication" : "authentication " + auth, (System.nanoTime() - t0) / 1e9);
    StepTimer.log("sql-server: JDBC URL %s", s.jdbcUrl());
    StepTimer.log("sql-server: stop with Ctrl-C or SIGTERM");
    return s;
  }

  public String jdbcUrl() {
    String host = options.host();
    if (host.equals("0.0.0.0") || host.equals("::")) {
      try {
        host = InetAddress.getLocalHost().getHostName();
      } catch (IOException e) {
        host = "localhost";
      }
    }
    return "jdbc:hive2://" + host + ":" + options.port() + "/" + options.database();
  }

  /** Blocks until the process is stopped, registering the lake again when it changed. */
  public void serveUntilStopped() {
    try {
      while (true) {
        if (options.refreshSeconds() <= 0 || lake == null) {
          stopped.await();
          return;
        }
        if (stopped.await(options.refreshSeconds(), TimeUnit.SECONDS)) return;
        refreshIfChanged();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  void refreshIfChanged() {
    try {
      Map<String, Long> now = versions(lake);
      if (now.equals(registered)) return;
      LakeCatalog.Result r = LakeCatalog.register(hive, lake, options.database());
      if (r.changed()) {
        StepTimer.log("sql-server: lake changed, registered again:");
        LakeCatalog.log("sql-server", r);
      }
      registered = now;
    } catch (RuntimeException e) {
      // keep serving what is registered; the next refresh tries again
      StepTimer.log("sql-server: WARNING: registering the lake failed, will retry: %s", e.getMessage());
    }
  }

  /**
   * The lake's tables and their latest Delta versions: a cheap listing that changes when a
   * table appears, disappears or gets a commit (whose schema or comment may differ).
   */
  static Map<String, Long> versions(Lake lake) {
    Map<String, Long> v = new TreeMap<>();
    Configuration conf = lake.spark().sparkContext().hadoopConfiguration();
    for (String table : lake.tables()) {
      Path log = new Path(lake.path(table), "_delta_log");
      long latest = -1;
      try {
        for (FileStatus f : log.getFileSystem(conf).listStatus(log)) {
          Matcher m = COMMIT.matcher(f.getPath().getName());
          if (m.matches()) latest = Math.max(latest, Long.parseLong(m.group(1)));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      v.put(table, latest);
    }
    return v;
  }

  void stop() {
    if (stopped.getCount() == 0) return;
    StepTimer.log("sql-server: stopping");
    try {
      thriftServer.getClass().getMethod("stop").invoke(thriftServer);
    } catch (ReflectiveOperationException | RuntimeException e) {
      StepTimer.log("sql-server: WARNING: stopping the Thrift Server: %s", e);
    }
    stopped.countDown();
    StepTimer.log("sql-server: stopped");
  }

  private static Object startThriftServer(SparkSession hive) {
    requireThriftServer();
    try {
      return Class.forName(THRIFT_SERVER).getMethod("startWithSparkSession", SparkSession.class, boolean.class)
          .invoke(null, hive, false);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      if (cause instanceof RuntimeException re) throw re;
      throw new IllegalStateException("Thrift Server failed to start: " + cause, cause);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("Thrift Server API not as expected (Spark " + hive.version() + "): " + e, e);
    }
  }

  private static void requirePortFree(String host, int port) {
    try (ServerSocket probe = new ServerSocket()) {
      probe.bind(new InetSocketAddress(host, port));
    } catch (IOException e) {
      throw new UserError("cannot listen on " + host + ":" + port + " (" + e.getMessage() + "): another sql-server? choose --port / --host");
    }
  }

  private static void waitUntilFree(Metastore metastore) {
    long deadline = System.currentTimeMillis() + METASTORE_WAIT_MS;
    boolean said = false;
    while (metastore.busy()) {
      if (System.currentTimeMillis() > deadline) {
        throw new UserError(metastore.description() + " is in use by another process (another sql-server, "
            + "or a catalog / nightly run still registering): stop it, or configure a shared Hive metastore");
      }
      if (!said) StepTimer.log("sql-server: %s is in use by another process; waiting up to %ds", metastore.description(),
          METASTORE_WAIT_MS / 1000);
      said = true;
      dev.healthscore.features.run.Concurrently.pause(2000, "waiting for the server");
    }
  }

  private static void awaitListening(String host, int port) {
    String target = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
    long deadline = System.currentTimeMillis() + 30_000;
    while (true) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(target, port), 1000);
        return;
      } catch (IOException e) {
        if (System.currentTimeMillis() > deadline) {
          throw new UserError("the Thrift Server did not start listening on " + host + ":" + port + " (" + e.getMessage() + ")");
        }
        dev.healthscore.features.run.Concurrently.pause(200, "waiting for the server");
      }
    }
  }

}
