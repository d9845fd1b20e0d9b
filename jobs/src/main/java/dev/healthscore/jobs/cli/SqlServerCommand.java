package dev.healthscore.jobs.cli;

import dev.healthscore.jobs.lake.LakeCatalog;
import dev.healthscore.jobs.sql.SqlServer;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "sql-server", mixinStandardHelpOptions = true,
    description = {"Serves the catalog over JDBC/ODBC (Spark Thrift Server, HiveServer2 protocol) until Ctrl-C or SIGTERM.",
        "With --lake, it registers the lake's tables at start and again when the lake changes. "
            + "JDBC URL: jdbc:hive2://HOST:PORT/DATABASE"})
public class SqlServerCommand extends SparkCommand {
  @Option(names = "--lake", paramLabel = "DIR", description = "lake to register and serve (default: serve the catalog as it is)")
  String lake;

  @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
      description = "address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 for every interface)")
  String host;

  @Option(names = "--port", defaultValue = "10000", paramLabel = "PORT", description = "port (default: ${DEFAULT-VALUE})")
  int port;

  @Option(names = "--database", defaultValue = LakeCatalog.DEFAULT_DATABASE, paramLabel = "NAME",
      description = "catalog database of the lake tables; the JDBC URL's default (default: ${DEFAULT-VALUE})")
  String database;

  @Option(names = "--refresh-seconds", defaultValue = "60", paramLabel = "S",
      description = "how often to look for lake changes (tables added, removed or changed); 0 = never (default: ${DEFAULT-VALUE})")
  int refreshSeconds;

  @Override
  protected String name() {
    return "sql-server";
  }

  @Override
  protected void prepare() {
    database = LakeCatalog.databaseName(database);
    if (port < 1 || port > 65535) throw new UserError("--port must be 1-65535 (got " + port + ")");
    if (refreshSeconds < 0) throw new UserError("--refresh-seconds must be >= 0 (got " + refreshSeconds + ")");
    SqlServer.requireThriftServer();
  }

  @Override
  protected void run(SparkSession spark) {
    SqlServer server = SqlServer.start(spark, new SqlServer.Options(lake, host, port, database, refreshSeconds));
    server.serveUntilStopped();
  }
}
