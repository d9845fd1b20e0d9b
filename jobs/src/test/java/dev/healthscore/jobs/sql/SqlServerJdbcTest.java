package dev.healthscore.jobs.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.healthscore.features.FeatureCatalog;
import dev.healthscore.features.config.HealthscoreConfig;
import dev.healthscore.jobs.lake.Lake;
import dev.healthscore.jobs.lake.LakeCatalog;
import dev.healthscore.jobs.lake.LakeTables;
import dev.healthscore.jobs.lake.TableDoc;
import dev.healthscore.jobs.run.AccountHealth;
import dev.healthscore.jobs.run.CatalogRefresh;
import dev.healthscore.models.scorecard.ScorecardConfig;
import dev.healthscore.jobs.run.RunContext;
import dev.healthscore.testing.TestSpark;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The SQL endpoint end to end, with real parts: a small lake written by Lake, the real
 * {@code bin/healthscore sql-server} (and {@code catalog}) as separate processes on the embedded
 * Derby metastore, and the Hive JDBC driver (org.apache.hive:hive-jdbc standalone) through
 * java.sql.DriverManager. Answers are checked against what Spark reads from the Delta tables.
 */
class SqlServerJdbcTest {
  static final Path ROOT = Path.of("").toAbsolutePath().getParent(); // surefire runs in jobs/
  static final String[] SPARK = {"--master", "local[2]", "--conf", "spark.ui.enabled=false",
      "--conf", "spark.sql.shuffle.partitions=2"};

  static SparkSession spark() {
    return TestSpark.spark();
  }

  @Test
  void analystsQueryTheLakeOverJdbc() throws Exception {
    Path work = TestSpark.tempDir("sql-server");
    Lake lake = writeLake(work.resolve("lake").toString());

    int port = freePort();
    Path serverLog = work.resolve("sql-server.log");
    long t0 = System.nanoTime();
    Process server = launch(serverLog, "sql-server", "--lake", lake.root(), "--port", String.valueOf(port), "--refresh-seconds", "2");
    try {
      String url = "jdbc:hive2://127.0.0.1:" + port + "/healthscore";
      // without $SPARK_HOME/jars, .cache/thrift or a .venv (a fresh clone), bin/healthscore first fetches the jar
      awaitLine(server, serverLog, "sql-server: starting Spark", 30 * 60);
      double fetch = checkThriftServerJarFetch(read(serverLog));
      awaitLine(server, serverLog, "sql-server: JDBC URL " + url, 240);
      double startup = (System.nanoTime() - t0) / 1e9 - fetch;
      String started = read(serverLog);
      // the server made the embedded metastore in <lake>/_metastore and registered the lake
      assertTrue(started.contains("sql-server: embedded Derby metastore " + lake.root() + "/_metastore"), started);
      assertTrue(Files.isDirectory(Path.of(lake.root(), "_metastore", "metastore_db")));
      assertTrue(started.matches("(?s).*healthscore\\.account_health +table +5 rows +added.*"), started);
      assertTrue(started.matches("(?s).*healthscore\\.account_health_latest +view +2 rows +added.*"), started);
      assertTrue(started.contains("listening on 127.0.0.1:" + port), started);

      try (Connection c = connect(url)) {
        assertEquals("Spark SQL", c.getMetaData().getDatabaseProductName());
        assertEquals(List.of("account_features", "account_health", "account_health_latest", "quarantine"),
            column(query(c, "SHOW TABLES"), 1));

        // every table and the view: exactly what Spark reads from the Delta tables
        assertEquals(spark(lake, "account_health", "account_id, as_of_date, health_score, health_band, churn_probability, segment",
            "as_of_date", "account_id"),
            query(c, "SELECT account_id, as_of_date, health_score, health_band, churn_probability, segment FROM account_health "
                + "ORDER BY as_of_date, account_id"));
        assertEquals(spark(lake, "account_features", "account_id, as_of_date, active_users_30d, open_tickets", "as_of_date", "account_id"),
            query(c, "SELECT account_id, as_of_date, active_users_30d, open_tickets FROM healthscore.account_features "
                + "ORDER BY as_of_date, account_id"));
        assertEquals(spark(lake, "quarantine", "table_name, rule, column_name, as_of_date", "as_of_date", "table_name"),
            query(c, "SELECT table_name, rule, column_name, as_of_date FROM quarantine ORDER BY as_of_date, table_name"));
        List<List<Object>> latest = spark(lake, "account_health", "account_id, as_of_date, health_score, health_band, churn_probability, segment",
            "as_of_date", "account_id").stream().filter(r -> r.get(1).equals("2024-06-30")).toList();
        assertEquals(2, latest.size());
        assertEquals(latest, query(c, "SELECT account_id, as_of_date, health_score, health_band, churn_probability, segment "
            + "FROM account_health_latest ORDER BY account_id"));
        assertEquals(List.of(List.of("2024-06-30")), query(c, "SELECT max(as_of_date) FROM account_health"));
        assertEquals(List.of(Arrays.asList("red", 1L, 35.0), Arrays.asList("green", 1L, 75.5)),
            query(c, "SELECT health_band, count(*), avg(health_score) FROM account_health_latest GROUP BY health_band ORDER BY 3"));

        // documentation: DESCRIBE and JDBC metadata show the comments stored in the Delta tables
        var healthDoc = AccountHealth.doc(ScorecardConfig.from(HealthscoreConfig.defaults()));
        String tableComment = healthDoc.table();
        List<List<Object>> describe = query(c, "DESCRIBE TABLE EXTENDED account_health");
        assertTrue(healthDoc.columns().get("health_band").startsWith("green, yellow or red"));
        assertTrue(describe.contains(List.of("health_band", "string", healthDoc.columns().get("health_band"))), describe.toString());
        assertTrue(describe.contains(List.of("Comment", tableComment, "")), describe.toString());
        assertTrue(query(c, "DESCRIBE account_health_latest").contains(List.of("health_score", "double",
            healthDoc.columns().get("health_score"))));
        DatabaseMetaData md = c.getMetaData();
        assertEquals(Map.of("account_health", tableComment,
                "account_health_latest", "account_health rows of the latest as_of_date: the current health of every account active then",
                "quarantine", LakeTables.QUARANTINE_DOC.table()),
            remarks(md.getTables(null, "healthscore", "%", null), 3, 5, "account_features"));
        assertEquals(Map.of("health_score", healthDoc.columns().get("health_score"),
                "health_band", healthDoc.columns().get("health_band")),
            remarks(md.getColumns(null, "healthscore", "account_health", "health%"), 4, 12, null));

        // round trips, measured
        double select1 = median(() -> query(c, "SELECT 1"), 5);
        double viewCount = median(() -> query(c, "SELECT count(*) FROM account_health_latest"), 3);
        System.out.printf("[measure] sql-server start-up %.1fs (server's own: %s; Thrift Server jar fetch before it %.0fs); "
            + "round trip SELECT 1 %.3fs, count(*) of account_health_latest %.3fs%n", startup, startedIn(started), fetch, select1,
            viewCount);

        // while the server holds the embedded metastore: catalog and nightly skip, they do not fail
        Path busyLog = work.resolve("catalog-busy.log");
        assertEquals(0, run(busyLog, "catalog", "--lake", lake.root()), () -> read(busyLog));
        assertTrue(read(busyLog).contains("is in use by another process (a running sql-server?): catalog update skipped"), read(busyLog));
        assertFalse(read(busyLog).contains("starting Spark"), read(busyLog)); // found out before starting Spark
        RunContext nightly = RunContext.create(spark(), "nightly", LocalDate.parse("2024-07-31"), dev.healthscore.jobs.run.RunConfig.from(HealthscoreConfig.defaults()),
            "unused", lake.root());
        LakeCatalog.Update u = CatalogRefresh.after(nightly);
        assertNotNull(u);
        assertFalse(u.registered());
        assertTrue(u.skipped().contains("is in use by another process"), u.skipped());

        // new rows are visible at once (registered by location); a new table after a refresh
        lake.replaceDates(LakeTables.ACCOUNT_HEALTH, health(new Object[] {"A1", "2024-07-31", 70.0, "yellow", 0.3, "smb"}),
            List.of(LocalDate.parse("2024-07-31")), healthDoc());
        assertEquals(List.of(List.of("2024-07-31", 1L)), query(c, "SELECT max(as_of_date), count(*) FROM account_health_latest"));
        lake.overwrite("model_gains", spark().createDataFrame(List.of(RowFactory.create("churn_model", 1, 2.5)),
            new StructType().add("model", "string").add("decile", "int").add("lift", "double")),
            TableDoc.of("Gains per decile (test).", "lift", "churn rate of the decile over the overall rate"));
        List<List<Object>> gains = awaitQuery(c, "SELECT model, decile, lift FROM model_gains", 90);
        assertEquals(List.of(Arrays.asList("churn_model", 1, 2.5)), gains);
      }

      // SIGTERM: stops cleanly
      server.destroy();
      assertTrue(server.waitFor(60, TimeUnit.SECONDS), "sql-server did not stop on SIGTERM");
      assertEquals(143, server.exitValue()); // 128 + SIGTERM, after the shutdown hooks ran
      assertTrue(read(serverLog).contains("sql-server: stopped"), read(serverLog));
    } finally {
      if (server.isAlive()) server.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    // the metastore outlives the server: catalog opens it and finds everything registered
    Path catalogLog = work.resolve("catalog.log");
    assertEquals(0, run(catalogLog, "catalog", "--lake", lake.root()), () -> read(catalogLog));
    String catalog = read(catalogLog);
    assertTrue(catalog.matches("(?s).*healthscore\\.account_health +table +6 rows +unchanged.*"), catalog);
    assertTrue(catalog.matches("(?s).*healthscore\\.model_gains +table +1 rows +unchanged.*"), catalog);
    assertTrue(catalog.matches("(?s).*healthscore\\.account_health_latest +view +1 rows +unchanged.*"), catalog);
  }

  static final String THRIFT_JAR = "spark-hive-thriftserver_2.13-4.1.0.jar";

  /**
   * When bin/healthscore found the Thrift Server jar nowhere ($SPARK_HOME/jars, .cache/thrift,
   * the pyspark of a .venv), it fetched it with pip into .cache/thrift/4.1.0 before starting
   * Java, saying so on stderr: check what it says and leaves there (the two jars, no download
   * left behind). Returns the seconds the fetch took, 0 if there was none.
   */
  static double checkThriftServerJarFetch(String log) throws IOException {
    if (!log.contains("[healthscore] sql-server: fetching the Spark Thrift Server jar")) return 0;
    assertTrue(log.contains("[healthscore] sql-server: fetching the Spark Thrift Server jar (pip download pyspark==4.1.0, ~450 MB, "
        + "once) into .cache/thrift/4.1.0 ..."), log);
    assertTrue(log.contains("MB downloaded, kept hive-service-rpc-4.0.0.jar, " + THRIFT_JAR), log);
    var done = java.util.regex.Pattern.compile("\\[healthscore] sql-server: done in (\\d+)s: [0-9.]+M of jars in .cache/thrift/4\\.1\\.0")
        .matcher(log);
    assertTrue(done.find(), log);
    Path cache = ROOT.resolve(".cache/thrift");
    try (Stream<Path> jars = Files.list(cache.resolve("4.1.0")); Stream<Path> all = Files.list(cache)) {
      assertEquals(List.of("hive-service-rpc-4.0.0.jar", THRIFT_JAR), jars.map(j -> j.getFileName().toString()).sorted().toList());
      assertEquals(List.of("4.1.0"), all.map(d -> d.getFileName().toString()).toList(), "a download was left behind");
    }
    System.out.printf("[measure] Thrift Server jar fetched in %ss%n", done.group(1));
    return Double.parseDouble(done.group(1));
  }

  // ---- the lake ----

  static TableDoc healthDoc() {
    return AccountHealth.doc(ScorecardConfig.from(HealthscoreConfig.defaults()));
  }

  /** account_health rows: id, date, score, band, churn probability, segment. */
  static Dataset<Row> health(Object[]... rows) {
    List<Row> out = new ArrayList<>();
    for (Object[] r : rows) out.add(RowFactory.create(r[0], java.sql.Date.valueOf((String) r[1]), r[2], r[3], r[4], r[5]));
    return spark().createDataFrame(out, new StructType().add("account_id", "string").add("as_of_date", "date")
        .add("health_score", "double").add("health_band", "string").add("churn_probability", "double").add("segment", "string"));
  }

  static Lake writeLake(String root) {
    Lake lake = new Lake(spark(), root);
    lake.replaceDates(LakeTables.ACCOUNT_HEALTH, health(
        new Object[] {"A1", "2024-05-31", 80.25, "green", null, "smb"},
        new Object[] {"A2", "2024-05-31", 40.0, "red", null, "enterprise"},
        new Object[] {"A3", "2024-05-31", 60.0, "yellow", null, "mid_market"}), List.of(LocalDate.parse("2024-05-31")), healthDoc());
    lake.replaceDates(LakeTables.ACCOUNT_HEALTH, health(
        new Object[] {"A1", "2024-06-30", 75.5, "green", 0.125, "smb"},
        new Object[] {"A2", "2024-06-30", 35.0, "red", 0.75, "enterprise"}), List.of(LocalDate.parse("2024-06-30")), healthDoc());
    List<Row> features = List.of(RowFactory.create("A1", java.sql.Date.valueOf("2024-06-30"), 12.0, 0.0),
        RowFactory.create("A2", java.sql.Date.valueOf("2024-06-30"), 3.0, 2.0));
    lake.replaceDates(LakeTables.ACCOUNT_FEATURES, spark().createDataFrame(features, new StructType().add("account_id", "string")
            .add("as_of_date", "date").add("active_users_30d", "double").add("open_tickets", "double")),
        List.of(LocalDate.parse("2024-06-30")), LakeTables.accountFeaturesDoc(FeatureCatalog.features(HealthscoreConfig.defaults())));
    lake.append(LakeTables.QUARANTINE, spark().createDataFrame(List.of(
            RowFactory.create("invoices", "negative", "amount", java.sql.Date.valueOf("2024-06-30")),
            RowFactory.create("accounts", "not_null", "account_id", java.sql.Date.valueOf("2024-05-31"))),
        new StructType().add("table_name", "string").add("rule", "string").add("column_name", "string").add("as_of_date", "date")),
        LakeTables.QUARANTINE_DOC);
    return lake;
  }

  /** What Spark reads directly from the Delta table, in the form the JDBC answers take. */
  static List<List<Object>> spark(Lake lake, String table, String columns, String... orderBy) {
    List<List<Object>> rows = new ArrayList<>();
    for (Row r : lake.read(table).selectExpr(columns.split(", ")).orderBy(orderBy[0], Arrays.copyOfRange(orderBy, 1, orderBy.length))
        .collectAsList()) {
      List<Object> row = new ArrayList<>();
      for (int i = 0; i < r.size(); i++) row.add(value(r.get(i)));
      rows.add(row);
    }
    return rows;
  }

  // ---- the processes ----

  static Process launch(Path log, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("bin/healthscore").toString()));
    cmd.addAll(List.of(SPARK));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
    Map<String, String> env = pb.environment();
    env.put("HEALTHSCORE_CLASSPATH", runtimeClasspath());
    env.put("HEALTHSCORE_MEMORY", "1g");
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    env.remove("HEALTHSCORE_METASTORE_DIR");
    env.remove("SPARK_MASTER");
    return pb.start();
  }

  /**
   * The classes this build just compiled and their dependencies, so that bin/healthscore starts
   * no build of its own. Without test code: Spark's test jars carry a hive-site.xml for
   * Spark's own tests.
   */
  static String runtimeClasspath() {
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    return Arrays.stream(cp.split(java.io.File.pathSeparator))
        .filter(e -> !e.endsWith("-tests.jar") && !e.endsWith("test-classes") && !e.endsWith("test-classes/"))
        .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
  }

  static int run(Path log, String... args) throws Exception {
    Process p = launch(log, args);
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), "timed out: " + String.join(" ", args));
    return p.exitValue();
  }

  static void awaitLine(Process p, Path log, String line, int seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!read(log).contains(line)) {
      assertTrue(p.isAlive(), () -> "process ended (exit " + p.exitValue() + ") before '" + line + "':\n" + read(log));
      assertTrue(System.nanoTime() < deadline, () -> "no '" + line + "' within " + seconds + "s:\n" + read(log));
      Thread.sleep(250);
    }
  }

  static String read(Path log) {
    try {
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static String startedIn(String log) {
    var m = java.util.regex.Pattern.compile("started in ([0-9.]+s)").matcher(log.substring(log.indexOf("listening on")));
    return m.find() ? m.group(1) : "?";
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  // ---- JDBC ----

  /**
   * A connection through DriverManager with the Hive JDBC driver. Its standalone jar carries
   * Hive 4 and Hadoop classes that clash with Spark's on the test classpath, so it gets a
   * class loader of its own; DriverManager only hands out drivers the caller can see,
   * hence the delegating driver.
   */
  static Connection connect(String url) throws Exception {
    Path jar;
    try (Stream<Path> jars = Files.list(Path.of("target", "jdbc-driver"))) {
      jar = jars.filter(p -> p.getFileName().toString().matches("hive-jdbc-.*-standalone\\.jar")).findFirst().orElseThrow();
    }
    URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
    Driver hive = (Driver) Class.forName("org.apache.hive.jdbc.HiveDriver", true, loader).getDeclaredConstructor().newInstance();
    DriverManager.registerDriver(new VisibleDriver(hive));
    return DriverManager.getConnection(url, "analyst", "");
  }

  /** Rows as lists of plain values: strings, numbers, dates as yyyy-MM-dd, nulls. */
  static List<List<Object>> query(Connection c, String sql) {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      List<List<Object>> rows = new ArrayList<>();
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= n; i++) row.add(value(rs.getObject(i)));
        rows.add(row);
      }
      return rows;
    } catch (SQLException e) {
      throw new AssertionError(sql + ": " + e.getMessage(), e);
    }
  }

  static List<List<Object>> awaitQuery(Connection c, String sql, int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (true) {
      try {
        return query(c, sql);
      } catch (AssertionError e) {
        if (System.nanoTime() > deadline) throw e;
        Thread.sleep(1000);
      }
    }
  }

  static Object value(Object v) {
    return v instanceof java.sql.Date || v instanceof java.time.LocalDate ? v.toString() : v;
  }

  static List<Object> column(List<List<Object>> rows, int i) {
    return rows.stream().map(r -> r.get(i)).toList();
  }

  /** name column -> remarks column of a metadata result, leaving out one name. */
  static Map<String, String> remarks(ResultSet rs, int name, int remarks, String except) throws SQLException {
    Map<String, String> m = new java.util.TreeMap<>();
    try (rs) {
      while (rs.next()) {
        if (!rs.getString(name).equals(except)) m.put(rs.getString(name), rs.getString(remarks));
      }
    }
    return m;
  }

  static double median(java.util.function.Supplier<?> query, int times) {
    double[] t = new double[times];
    for (int i = 0; i < times; i++) {
      long t0 = System.nanoTime();
      query.get();
      t[i] = (System.nanoTime() - t0) / 1e9;
    }
    Arrays.sort(t);
    return t[times / 2];
  }

  /** Delegates to a driver from another class loader, so that DriverManager hands it out. */
  record VisibleDriver(Driver d) implements Driver {
    public Connection connect(String url, Properties info) throws SQLException {
      return d.connect(url, info);
    }

    public boolean acceptsURL(String url) throws SQLException {
      return d.acceptsURL(url);
    }

    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) throws SQLException {
      return d.getPropertyInfo(url, info);
    }

    public int getMajorVersion() {
      return d.getMajorVersion();
    }

    public int getMinorVersion() {
      return d.getMinorVersion();
    }

    public boolean jdbcCompliant() {
      return d.jdbcCompliant();
    }

    public Logger getParentLogger() throws java.sql.SQLFeatureNotSupportedException {
      return d.getParentLogger();
    }
  }
}
