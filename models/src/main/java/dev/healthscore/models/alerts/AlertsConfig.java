package dev.healthscore.models.alerts;

import dev.healthscore.features.config.HealthscoreConfig;
import dev.healthscore.features.config.SectionReader;
import java.util.Set;

/**
 * The {@code alerts:} section: when an account goes on the CS team's alert feed, and what
 * "high churn risk" means for the alert feed and the ARR-at-risk rollups. Validated up front,
 * one-line errors.
 *
 * @param bandWorsened alert when health_band is worse than previous_band
 * @param drop7d alert when the score fell by more than {@code points} in 7 days
 * @param drop30d likewise in 30 days
 * @param churnRiskCrossed alert when churn_probability reached {@code highChurnProbability}
 *     while the previous run's was below it
 * @param highChurnProbability churn_probability at or above this is high churn risk
 */
public record AlertsConfig(boolean bandWorsened, ScoreDrop drop7d, ScoreDrop drop30d, boolean churnRiskCrossed,
                           double highChurnProbability) {

  /** Score fell by more than {@code points} (change &lt; -points): medium; by more than {@code highPoints}: high. */
  public record ScoreDrop(int days, double points, double highPoints) {}

  static final Set<String> KEYS = Set.of("band_worsened", "score_drop_7d", "score_drop_30d", "churn_risk_crossed",
      "high_churn_probability", "cooldown_days"); // cooldown_days: AlertCooldown

  /**
   * @param modelHighRiskFrom the model's {@code risk_bands.high_from}: the default high-risk
   *     threshold, so that "high churn risk" means churn_risk_band = high unless told otherwise
   */
  public static AlertsConfig from(HealthscoreConfig config, double modelHighRiskFrom) {
    SectionReader r = new SectionReader(config, "alerts").onlyKeys(KEYS);
    boolean band = r.bool("band_worsened");
    ScoreDrop d7 = drop(r, 7);
    ScoreDrop d30 = drop(r, 30);
    boolean crossed = r.bool("churn_risk_crossed");
    Double configured = r.optionalNumber("high_churn_probability", 0, 1);
    double high = configured != null ? configured : modelHighRiskFrom;
    return new AlertsConfig(band, d7, d30, crossed, high);
  }

  /** high_points defaults to twice points (at most 100). */
  private static ScoreDrop drop(SectionReader section, int days) {
    SectionReader r = section.child("score_drop_" + days + "d").onlyKeys(Set.of("points", "high_points"));
    double p = r.number("points", 0, 100);
    Double configured = r.optionalNumber("high_points", 0, 100);
    double hp = configured != null ? configured : Math.min(100, 2 * p);
    if (hp < p) throw r.errorAt("high_points", "must be at least points (" + p + ")");
    return new ScoreDrop(days, p, hp);
  }
}
