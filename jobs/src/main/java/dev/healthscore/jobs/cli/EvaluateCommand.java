package dev.healthscore.jobs.cli;

import dev.healthscore.jobs.run.EvaluateJob;
import dev.healthscore.jobs.run.RecordedRun;
import dev.healthscore.jobs.run.RunContext;
import picocli.CommandLine.Command;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = {"Runs out-of-time backtests for leadership: for each monthly cutoff whose outcome is known at T, it trains "
        + "as of the cutoff, scores the accounts active then and compares with who churned, the churn model next to the "
        + "rule-based health score and baselines.",
        "Writes model_evaluation, model_gains, model_calibration, model_roc, model_band_rates, model_forecast_backtest, "
            + "model_expansion_backtest and model_override_outcomes (re-running replaces the same cutoffs). "
            + "Then: bin/healthscore report."})
public class EvaluateCommand extends LakeCommand {

  @Override
  protected String name() {
    return "evaluate";
  }

  @Override
  protected Object job(RunContext ctx, RecordedRun run) {
    try {
      return EvaluateJob.run(ctx, run);
    } catch (IllegalArgumentException e) {
      throw cannot(e);
    }
  }
}
