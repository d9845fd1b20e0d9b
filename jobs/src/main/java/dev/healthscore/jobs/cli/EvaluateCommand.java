package dev.healthscore.jobs.cli;

import dev.healthscore.jobs.run.RunConfig;
import dev.healthscore.jobs.run.EvaluateJob;
import dev.healthscore.jobs.run.RunContext;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = {"Runs out-of-time backtests for leadership: for each monthly cutoff whose outcome is known at T, it trains "
        + "as of the cutoff, scores the accounts active then and compares with who churned, the churn model next to the "
        + "rule-based health score and baselines.",
        "Writes model_evaluation, model_gains, model_calibration, model_roc and model_band_rates (re-running replaces the "
            + "same cutoffs). Then: bin/healthscore report."})
public class EvaluateCommand extends SparkCommand {
  @Mixin RunOptions options;
  private RunConfig config;

  @Override
  protected String name() {
    return "evaluate";
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
      recorded(ctx, options, false, run -> EvaluateJob.run(ctx, run));
    } catch (IllegalArgumentException e) {
      throw new UserError("cannot evaluate as of " + options.asOf + ": " + e.getMessage());
    }
    printTimings(ctx.timer());
  }
}
