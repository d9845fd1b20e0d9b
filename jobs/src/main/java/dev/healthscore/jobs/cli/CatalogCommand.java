package dev.healthscore.jobs.cli;

import dev.healthscore.features.run.StepTimer;
import dev.healthscore.jobs.lake.Lake;
import dev.healthscore.jobs.lake.LakeCatalog;
import dev.healthscore.jobs.lake.Metastore;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "catalog", mixinStandardHelpOptions = true,
    description = {"Registers the lake's Delta tables in the Hive metastore for SQL access.",
        "Each becomes the external table <database>.<table> at its location, with its",
        "comments; plus the view account_health_latest. Re-running updates the catalog",
        "and drops tables no longer in the lake. Metastore: embedded Derby in",
        "$HEALTHSCORE_METASTORE_DIR or <lake>/_metastore, unless Spark/Hive settings",
        "(hive.metastore.uris, javax.jdo.option.ConnectionURL) name another."})
public class CatalogCommand extends SparkCommand {
  @Option(names = "--lake", required = true, paramLabel = "DIR", description = "lake root holding the Delta tables")
  String lake;

  @Option(names = "--database", defaultValue = LakeCatalog.DEFAULT_DATABASE, paramLabel = "NAME",
      description = "catalog database (default: ${DEFAULT-VALUE})")
  String database;

  @Override
  protected String name() {
    return "catalog";
  }

  @Override
  protected void prepare() {
    database = LakeCatalog.databaseName(database);
  }

  @Override
  public Integer call() {
    prepare();
    Metastore metastore = Metastore.forLake(lake);
    if (metastore.busy()) { // held by a running sql-server: say so now instead of after starting Spark
      StepTimer.log("%s: %s", name(), LakeCatalog.busyMessage(metastore));
      return 0;
    }
    return super.call();
  }

  @Override
  protected void run(SparkSession spark) {
    StepTimer timer = new StepTimer(name());
    Lake l = new Lake(spark, lake);
    StepTimer.log("%s: %s", name(), Metastore.forLake(spark, lake).description());
    LakeCatalog.Update u = timer.step("register lake tables", () -> LakeCatalog.update(spark, l, database));
    if (u.registered()) {
      LakeCatalog.log(name(), u.result());
    } else {
      StepTimer.log("%s: %s", name(), u.skipped());
    }
    printTimings(timer);
  }
}
