package dev.healthscore.jobs.run;

import dev.healthscore.features.Feature;
import dev.healthscore.features.FeatureCatalog;
import dev.healthscore.features.config.HealthscoreConfig;
import dev.healthscore.features.config.SectionReader;
import dev.healthscore.models.alerts.AlertCooldown;
import dev.healthscore.models.alerts.AlertsConfig;
import dev.healthscore.models.forecast.ForecastConfig;
import dev.healthscore.models.overrides.OverridesConfig;
import dev.healthscore.models.opportunities.OpportunitiesConfig;
import dev.healthscore.models.rollup.WorklistConfig;
import dev.healthscore.models.churn.ChurnModelConfig;
import dev.healthscore.models.drift.MonitoringConfig;
import dev.healthscore.models.eval.EvaluationConfig;
import dev.healthscore.models.scorecard.ScorecardConfig;
import dev.healthscore.models.scorecard.TuningConfig;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The effective configuration of a run, every section read and checked once, before Spark
 * starts, and carried on the {@link RunContext}. The values come from
 * {@code healthscore-defaults.yaml} with the user's {@code --config} laid over it; no reader
 * restates a default.
 *
 * @param source the merged YAML (what {@code config show} prints)
 * @param features the feature catalog: built-in and custom features
 * @param lease how long a running run's lease lasts without renewal ({@code run.lease_seconds})
 * @param heartbeat how often a running run renews it ({@code run.heartbeat_seconds})
 * @param monitoring drift monitoring's limits ({@code monitoring:}, docs/monitoring.md)
 * @param opportunities the thresholds of account_opportunities' signals ({@code opportunities})
 */
public record RunConfig(HealthscoreConfig source, List<Feature> features, ScorecardConfig scorecard, ChurnModelConfig model,
                        EvaluationConfig evaluation, TuningConfig tuning, AlertsConfig alerts, AlertCooldown cooldown,
                        ForecastConfig forecast, WorklistConfig worklist, QualityGate.Limits quality, Duration lease,
                        Duration heartbeat, MonitoringConfig monitoring, OverridesConfig overrides,
                        OpportunitiesConfig opportunities) {

  public static RunConfig from(HealthscoreConfig config) {
    List<Feature> features = FeatureCatalog.features(config);
    Set<String> known = Set.copyOf(FeatureCatalog.allNames(features));
    ChurnModelConfig model = ChurnModelConfig.from(config, known);
    SectionReader run = new SectionReader(config, "run").onlyKeys(Set.of("lease_seconds", "heartbeat_seconds"));
    Duration lease = Duration.ofSeconds(run.integer("lease_seconds", 10, 7 * 24 * 3600));
    Duration heartbeat = Duration.ofSeconds(run.integer("heartbeat_seconds", 1, 3600));
    if (heartbeat.compareTo(lease.dividedBy(2)) > 0) {
      throw run.errorAt("heartbeat_seconds", "must be at most half of run.lease_seconds (" + lease.toSeconds() + ")");
    }
    EvaluationConfig evaluation = EvaluationConfig.from(config);
    return new RunConfig(config, features, ScorecardConfig.from(config, known), model, evaluation, TuningConfig.from(config),
        AlertsConfig.from(config, model.highRiskFrom()), AlertCooldown.from(config), ForecastConfig.from(config),
        WorklistConfig.from(config, evaluation.capacityShare()), QualityGate.Limits.from(config, null, null, null), lease, heartbeat,
        MonitoringConfig.from(config), OverridesConfig.from(config),
        OpportunitiesConfig.from(config));
  }
}
