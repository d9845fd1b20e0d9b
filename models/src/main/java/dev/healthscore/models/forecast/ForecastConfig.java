package dev.healthscore.models.forecast;

import dev.healthscore.features.config.HealthscoreConfig;
import dev.healthscore.features.config.SectionReader;
import java.util.Set;

/**
 * The {@code forecast:} section: how the churned-ARR intervals of {@code churn_forecast} and of
 * the forecast backtest are simulated (defaults in healthscore-defaults.yaml only).
 *
 * @param arrDraws Monte-Carlo draws per group for churned ARR (groups above
 *     {@link ChurnDistribution#EXACT_MAX_ACCOUNTS} accounts); cost is accounts × draws per level
 * @param seed the simulation's fixed seed: the same input gives the same interval
 */
public record ForecastConfig(int arrDraws, long seed) implements java.io.Serializable {
  static final Set<String> KEYS = Set.of("arr_draws", "seed");

  public static ForecastConfig from(HealthscoreConfig config) {
    SectionReader r = new SectionReader(config, "forecast").onlyKeys(KEYS);
    return new ForecastConfig(r.integer("arr_draws", 100, 1_000_000), r.integer("seed", 0, Integer.MAX_VALUE));
  }
}
