package dev.healthscore.jobs.cli;

import dev.healthscore.jobs.run.RunConfig;
import dev.healthscore.jobs.run.FeaturesJob;
import dev.healthscore.jobs.run.RunContext;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "features", mixinStandardHelpOptions = true,
    description = "Computes point-in-time features as of T into the lake table account_features (and T's rejected rows into quarantine).")
public class FeaturesCommand extends SparkCommand {
  @Mixin RunOptions options;
  private RunConfig config;

  @Override
  protected void prepare() {
    config = options.loadConfig();
    options.check();
  }

  @Override
  protected String name() {
    return "features";
  }

  @Override
  protected void run(SparkSession spark) {
    RunContext ctx = RunContext.create(spark, name(), options.asOf, config, options.warehouse, options.lake);
    recorded(ctx, options, false, run -> FeaturesJob.run(ctx, run));
    printTimings(ctx.timer());
  }
}
