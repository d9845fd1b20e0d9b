package dev.healthscore.jobs.run;

import dev.healthscore.features.run.StepTimer;
import dev.healthscore.jobs.lake.LakeCatalog;
import dev.healthscore.jobs.lake.Metastore;

/**
 * Keeps the SQL catalog current after a run published, once one is set up (catalog or
 * sql-server ran, or a Hive metastore is configured); otherwise costs nothing. Never fails
 * the run: its tables are written by now, and they are registered by location, so their new
 * rows are visible whatever happens here.
 */
public final class CatalogRefresh {
  private CatalogRefresh() {}

  public static LakeCatalog.Update after(RunContext ctx) {
    Metastore metastore;
    try {
      metastore = Metastore.forLake(ctx.spark(), ctx.lake().root());
    } catch (RuntimeException e) {
      return null; // no metastore can be placed (remote lake, none configured): SQL access not set up
    }
    if (!metastore.exists()) return null;
    return ctx.timer().step("update SQL catalog", () -> {
      try {
        LakeCatalog.Update u = LakeCatalog.update(ctx.spark(), ctx.lake(), LakeCatalog.DEFAULT_DATABASE);
        if (u.registered()) {
          LakeCatalog.log(ctx.command(), u.result());
        } else {
          StepTimer.log("%s: %s", ctx.command(), u.skipped());
        }
        return u;
      } catch (RuntimeException e) {
        String why = "SQL catalog not updated (" + e.getMessage() + "); the run's tables are written. Retry with: "
            + "healthscore catalog --lake " + ctx.lake().root();
        StepTimer.log("%s: WARNING: %s", ctx.command(), why);
        return new LakeCatalog.Update(null, why);
      }
    });
  }
}
