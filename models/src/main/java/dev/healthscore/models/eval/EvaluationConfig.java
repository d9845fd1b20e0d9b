package dev.healthscore.models.eval;

import dev.healthscore.features.config.HealthscoreConfig;
import dev.healthscore.features.config.SectionReader;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;

/**
 * The {@code evaluation:} section: which backtest cutoffs, the CS team's capacity, the
 * bootstrap, and whether a gradient-boosted reference model is fitted for comparison.
 */
public record EvaluationConfig(int cutoffs, int cutoffEveryMonths, double capacityShare, int bootstrapResamples,
                               long bootstrapSeed, String referenceGbt) {
  public static final Set<String> GBT_MODES = Set.of("none", "latest", "all");

  public static EvaluationConfig from(HealthscoreConfig config) {
    SectionReader r = new SectionReader(config, "evaluation").onlyKeys(Set.of("cutoffs", "cutoff_every_months",
        "capacity_share", "bootstrap_resamples", "bootstrap_seed", "reference_gbt"));
    return new EvaluationConfig(
        r.integer("cutoffs", 1, 60),
        r.integer("cutoff_every_months", 1, 12),
        r.number("capacity_share", 0.001, 1),
        r.integer("bootstrap_resamples", 0, 100_000),
        r.integer("bootstrap_seed", Integer.MIN_VALUE, Integer.MAX_VALUE),
        r.text("reference_gbt", GBT_MODES));
  }

  /**
   * Backtest cutoffs, oldest first: month ends, the newest being the last month end on or
   * before T - horizon (whose outcome is complete at T), then one every
   * {@code cutoffEveryMonths} months back (the same calendar as training snapshots).
   */
  public List<LocalDate> cutoffDates(LocalDate asOf, int horizonDays) {
    return dev.healthscore.models.churn.TrainingSet.monthEnds(asOf.minusDays(horizonDays), cutoffs, cutoffEveryMonths);
  }
}
