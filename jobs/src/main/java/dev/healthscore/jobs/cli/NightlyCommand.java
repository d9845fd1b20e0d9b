package dev.healthscore.jobs.cli;

import dev.healthscore.jobs.run.NightlyJob;
import dev.healthscore.jobs.run.RunConfig;
import dev.healthscore.jobs.run.RunContext;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "nightly", mixinStandardHelpOptions = true,
    description = {"Computes features as of T, the rule-based health score and, where a trained model exists, the churn "
        + "probability, then the alert feed and the rollups (health_alerts, health_by_segment, account_hierarchy_health).",
        "The quality gate checks the results first; only then are T's rows replaced, account_health last. "
            + "Re-running T replaces T only. Exit codes: docs/runs.md."})
public class NightlyCommand extends SparkCommand {
  @Mixin RunOptions options;
  @Option(names = "--skip-gate", description = "Publish even when the quality gate fails (recorded in the runs table).")
  boolean skipGate;
  private RunConfig config;

  @Override
  protected String name() {
    return "nightly";
  }

  @Override
  protected void prepare() {
    config = options.loadConfig();
    options.check();
  }

  @Override
  protected void run(SparkSession spark) {
    RunContext ctx = RunContext.create(spark, name(), options.asOf, config, options.warehouse, options.lake);
    recorded(ctx, options, skipGate, run -> NightlyJob.run(ctx, skipGate, run));
    printTimings(ctx.timer());
  }
}
