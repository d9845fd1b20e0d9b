package dev.healthscore.jobs.cli;

import dev.healthscore.jobs.run.RunConfig;
import dev.healthscore.jobs.run.RunContext;
import dev.healthscore.jobs.run.TrainJob;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "train", mixinStandardHelpOptions = true,
    description = {"Trains the churn model as of T on monthly snapshots whose outcome was known at T, stores it in the lake "
        + "(models/<version>, table churn_models) and promotes it to champion unless its validation AUC is worse than the "
        + "champion's on the same rows. One train runs per lake at a time."})
public class TrainCommand extends SparkCommand {
  @Mixin RunOptions options;
  @Option(names = "--force", description = "promote the new model even if it validates worse than the champion")
  boolean force;
  private RunConfig config;

  @Override
  protected String name() {
    return "train";
  }

  @Override
  protected void prepare() {
    config = options.loadConfig();
    options.check();
  }

  @Override
  protected void run(SparkSession spark) {
    RunContext ctx = RunContext.create(spark, name(), options.asOf, config, options.warehouse, options.lake);
    try {
      recorded(ctx, options, false, run -> TrainJob.run(ctx, force, run));
    } catch (IllegalArgumentException e) {
      throw new UserError("cannot train as of " + options.asOf + ": " + e.getMessage());
    }
    printTimings(ctx.timer());
  }
}
