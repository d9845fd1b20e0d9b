package dev.healthscore.jobs.cli;

import static org.apache.spark.sql.functions.col;

import dev.healthscore.features.run.StepTimer;
import dev.healthscore.features.warehouse.Warehouse;
import dev.healthscore.jobs.lake.Lake;
import dev.healthscore.jobs.run.OverrideLog;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "override", mixinStandardHelpOptions = true,
    description = "Sets, lists and ends people's overrides of an account's health in the lake's append-only override_changes "
        + "table; nightly applies them beside the warehouse's health_overrides (docs/overrides.md).",
    subcommands = {OverrideCommand.Add.class, OverrideCommand.ListOverrides.class, OverrideCommand.Expire.class})
public class OverrideCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** An instant as 2025-01-31T12:00:00Z, or a date (then 00:00 UTC of it). */
  static Instant instant(String value) {
    try {
      return value.length() == 10 ? java.time.LocalDate.parse(value).atStartOfDay(java.time.ZoneOffset.UTC).toInstant() : Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw new UserError("'" + value + "' is not a time: write it as YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (UTC)");
    }
  }

  /** A wrong value is the user's mistake: one line, exit 2. */
  static <T> T checked(java.util.function.Supplier<T> body) {
    try {
      return body.get();
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage());
    }
  }

  @Command(name = "add", mixinStandardHelpOptions = true, description = "Sets an override from now on; prints its id.")
  static class Add extends SparkCommand {
    @Option(names = "--warehouse", required = true, paramLabel = "DIR", description = "the warehouse (the account must be in accounts)") String warehouse;
    @Option(names = "--lake", required = true, paramLabel = "DIR") String lake;
    @Option(names = "--account", required = true, paramLabel = "ID") String account;
    @Option(names = "--band", paramLabel = "BAND", description = "green, yellow or red") String band;
    @Option(names = "--score", paramLabel = "0-100") Double score;
    @Option(names = "--reason", required = true, paramLabel = "TEXT") String reason;
    @Option(names = "--author", required = true, paramLabel = "NAME") String author;
    @Option(names = "--expires", paramLabel = "TIME", description = "YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ; default: overrides.default_lifetime_days") String expires;

    @Override
    protected String name() {
      return "override add";
    }

    @Override
    protected void run(SparkSession spark) {
      Instant ends = expires == null ? null : instant(expires);
      String id = checked(() -> OverrideLog.add(new Lake(spark, lake), new Warehouse(spark, warehouse),
          new OverrideLog.Added(account, band, score, reason, author, ends), Instant.now()));
      StepTimer.log("override add: %s set on %s", id, account);
      System.out.println(id);
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Prints every override's latest state, one line each.")
  static class ListOverrides extends SparkCommand {
    @Option(names = "--lake", required = true, paramLabel = "DIR") String lake;
    @Option(names = "--account", paramLabel = "ID") String account;

    @Override
    protected String name() {
      return "override list";
    }

    @Override
    protected void run(SparkSession spark) {
      var rows = OverrideLog.current(new Lake(spark, lake));
      if (account != null) rows = rows.filter(col("account_id").equalTo(account));
      System.out.println("override_id\taccount_id\tband\tscore\tcreated_at\texpires_at\tauthor\treason\tlast_change");
      for (Row r : rows.orderBy("created_at", "override_id").collectAsList()) {
        System.out.println(String.join("\t", r.<String>getAs("override_id"), r.<String>getAs("account_id"),
            String.valueOf(r.<String>getAs("override_band")), String.valueOf(r.<Double>getAs("override_score")),
            String.valueOf(r.<java.sql.Timestamp>getAs("created_at").toInstant()),
            r.getAs("expires_at") == null ? "(default)" : String.valueOf(r.<java.sql.Timestamp>getAs("expires_at").toInstant()),
            r.<String>getAs("author"), r.<String>getAs("reason"),
            r.<String>getAs("change") + " by " + r.<String>getAs("changed_by")));
      }
    }
  }

  @Command(name = "expire", mixinStandardHelpOptions = true, description = "Ends an override now.")
  static class Expire extends SparkCommand {
    @Option(names = "--lake", required = true, paramLabel = "DIR") String lake;
    @Option(names = "--id", required = true, paramLabel = "OVERRIDE_ID") String id;
    @Option(names = "--author", required = true, paramLabel = "NAME", description = "who ends it") String author;

    @Override
    protected String name() {
      return "override expire";
    }

    @Override
    protected void run(SparkSession spark) {
      checked(() -> {
        OverrideLog.expire(new Lake(spark, lake), id, author, Instant.now());
        return null;
      });
      StepTimer.log("override expire: %s ended by %s", id, author);
    }
  }
}
