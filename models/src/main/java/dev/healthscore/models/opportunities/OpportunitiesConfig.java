package dev.healthscore.models.opportunities;

import dev.healthscore.features.config.HealthscoreConfig;
import dev.healthscore.features.config.SectionReader;
import java.util.Set;

/**
 * The {@code opportunities:} section: the thresholds of the expansion, advocacy and
 * collections signals of {@code account_opportunities} (defaults in healthscore-defaults.yaml
 * only; docs/opportunities.md).
 */
public record OpportunitiesConfig(Expansion expansion, Advocacy advocacy, Collections collections) implements java.io.Serializable {
  static final Set<String> KEYS = Set.of("expansion", "advocacy", "collections");

  /**
   * @param minActiveUsersPerSeat active users (30 days) per seat at or above this is "seats in use" ...
   * @param minUsageGrowth ... or events_30d_vs_own_90d at or above this is "usage growing"
   * @param minDaysToRenewal a renewal within this many days (days_to_renewal at or below it) rules the signal out
   * @param backtestHorizonDays evaluate's expansion backtest counts contracts starting this many days after a cutoff:
   *     longer than minDaysToRenewal, so the renewals of flagged accounts fall inside it
   */
  public record Expansion(double minActiveUsersPerSeat, double minUsageGrowth, int minDaysToRenewal, int backtestHorizonDays)
      implements java.io.Serializable {}

  /**
   * @param minNps latest NPS answer at or above this ...
   * @param minCsmScore ... or latest CSM score at or above this
   * @param minTenureDays a customer for at least this many days
   */
  public record Advocacy(double minNps, double minCsmScore, int minTenureDays) implements java.io.Serializable {}

  /** @param minDaysPastDue the oldest unpaid invoice at least this many days past due */
  public record Collections(int minDaysPastDue) implements java.io.Serializable {}

  public static OpportunitiesConfig from(HealthscoreConfig config) {
    SectionReader r = new SectionReader(config, "opportunities").onlyKeys(KEYS);
    SectionReader e = r.child("expansion").onlyKeys(Set.of("min_active_users_per_seat", "min_usage_growth", "min_days_to_renewal",
        "backtest_horizon_days"));
    SectionReader a = r.child("advocacy").onlyKeys(Set.of("min_nps", "min_csm_score", "min_tenure_days"));
    SectionReader c = r.child("collections").onlyKeys(Set.of("min_days_past_due"));
    return new OpportunitiesConfig(
        new Expansion(e.number("min_active_users_per_seat", 0, 100), e.number("min_usage_growth", 0, 100),
            e.integer("min_days_to_renewal", 0, 3650), e.integer("backtest_horizon_days", 1, 3650)),
        new Advocacy(a.number("min_nps", 0, 10), a.number("min_csm_score", 1, 5), a.integer("min_tenure_days", 0, 36500)),
        new Collections(c.integer("min_days_past_due", 1, 3650)));
  }
}
