package dev.healthscore.models.overrides;

import dev.healthscore.features.config.HealthscoreConfig;
import dev.healthscore.features.config.SectionReader;
import java.util.Set;

/**
 * The {@code overrides:} section (defaults in healthscore-defaults.yaml only).
 *
 * @param defaultLifetimeDays an override without {@code expires_at} expires this many days after {@code created_at}
 * @param maxLifetimeDays a later {@code expires_at} is cut back to {@code created_at} plus this many days
 * @param expiringWithinDays an override still active at T that expires within this many days after the end of
 *     day T raises {@code override_expiring}
 * @param minAccountsEvaluated {@code evaluate} judges an override group ({@link OverrideOutcomes}) only when it and the
 *     rest of its computed band have at least this many accounts at the cutoff
 */
public record OverridesConfig(int defaultLifetimeDays, int maxLifetimeDays, int expiringWithinDays, int minAccountsEvaluated)
    implements java.io.Serializable {
  static final Set<String> KEYS = Set.of("default_lifetime_days", "max_lifetime_days", "expiring_within_days",
      "min_accounts_evaluated");

  public static OverridesConfig from(HealthscoreConfig config) {
    SectionReader r = new SectionReader(config, "overrides").onlyKeys(KEYS);
    int max = r.integer("max_lifetime_days", 1, 3650);
    int dflt = r.integer("default_lifetime_days", 1, 3650);
    if (dflt > max) throw r.errorAt("default_lifetime_days", "must be at most overrides.max_lifetime_days (" + max + ")");
    return new OverridesConfig(dflt, max, r.integer("expiring_within_days", 0, 365),
        r.integer("min_accounts_evaluated", 1, 1_000_000));
  }
}
