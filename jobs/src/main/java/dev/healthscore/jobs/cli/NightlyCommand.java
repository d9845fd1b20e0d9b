package dev.healthscore.jobs.cli;

import dev.healthscore.features.config.HealthscoreConfig;
import dev.healthscore.jobs.run.NightlyJob;
import dev.healthscore.jobs.run.RunContext;
import dev.healthscore.jobs.run.TrainJob;
import dev.healthscore.models.alerts.AlertsConfig;
import dev.healthscore.models.churn.ChurnModelConfig;
import dev.healthscore.models.scorecard.ScorecardConfig;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "nightly", mixinStandardHelpOptions = true,
    description = {"Features as of T, the rule-based health score and, where a trained model exists,",
        "the churn probability; writes account_health for T, then the alert feed and rollups",
        "(health_alerts, health_by_segment, account_hierarchy_health); re-running T replaces T only."})
public class NightlyCommand extends SparkCommand {
  @Mixin RunOptions options;
  private HealthscoreConfig config;
  private ScorecardConfig scorecard;
  private ChurnModelConfig model;
  private AlertsConfig alerts;

  @Override
  protected String name() {
    return "nightly";
  }

  @Override
  protected void prepare() {
    config = options.loadConfig();
    scorecard = NightlyJob.scorecard(config);
    model = TrainJob.modelConfig(config);
    alerts = NightlyJob.alerts(config, model);
  }

  @Override
  protected void run(SparkSession spark) {
    RunContext ctx = RunContext.create(spark, name(), options.asOf, config, options.warehouse, options.lake);
    NightlyJob.run(ctx, scorecard, model, alerts);
    printTimings(ctx.timer());
  }
}
