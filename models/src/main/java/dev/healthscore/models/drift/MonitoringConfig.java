package dev.healthscore.models.drift;

import dev.healthscore.features.config.HealthscoreConfig;
import dev.healthscore.features.config.SectionReader;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code monitoring:} section: when a drift statistic is {@code warn} or {@code alert}
 * (defaults in healthscore-defaults.yaml only; docs/monitoring.md).
 *
 * @param psi PSI of an input on its training bins
 * @param ksStatistic Kolmogorov–Smirnov D against the previous run
 * @param ksMaxPValue a D over its limits counts only with a p-value below this (tiny samples stay ok)
 * @param missingShareChange absolute change in an input's share of missing values
 * @param bandShareChange absolute change in the share of accounts in a health or churn-risk band
 * @param trailingRuns input volume: compared with the median of this many earlier succeeded nightly runs
 * @param volumeWarnShare rows below this share of that median: warn
 * @param volumeAlertShare rows below this share of that median (or none at all): alert
 * @param blockOnAlert an input drift or volume alert fails the quality gate
 * @param newestDay the newest day's rows per segment and column medians ({@link NewestDay})
 * @param referenceDaysBeforeMonthEnd train also profiles the inputs this many days before its latest month-end snapshots
 *     ({@link ReferenceProfiles}); ascending, distinct
 */
public record MonitoringConfig(Limits psi, Limits ksStatistic, double ksMaxPValue, Limits missingShareChange,
                               Limits bandShareChange, int trailingRuns, double volumeWarnShare, double volumeAlertShare,
                               boolean blockOnAlert, NewestDay newestDay, List<Integer> referenceDaysBeforeMonthEnd) {
  static final Set<String> KEYS = Set.of("psi", "ks_statistic", "ks_max_p_value", "missing_share_change", "band_share_change",
      "input_volume", "newest_day", "block_on_alert", "reference_days_before_month_end");

  /**
   * The newest day's checks beyond its row count.
   *
   * @param minRows a segment's rows, or a column's values, are judged only when the day and the median of the same
   *     weekday have at least this many (fewer vary too much by chance)
   * @param medianFactor a column's median on the newest day this many times above or below the same weekday's
   */
  public record NewestDay(long minRows, Limits medianFactor) {
    static NewestDay from(SectionReader section) {
      SectionReader r = section.child("newest_day").onlyKeys(Set.of("min_rows", "median_factor"));
      Limits factor = Limits.from(r, "median_factor", Double.MAX_VALUE);
      if (factor.warn() <= 1) throw r.child("median_factor").errorAt("warn", "must be above 1 (a factor; got " + factor.warn() + ")");
      return new NewestDay(r.integer("min_rows", 1, Integer.MAX_VALUE), factor);
    }
  }

  /** Where a larger value is worse: warn from {@code warn}, alert from {@code alert}. */
  public record Limits(double warn, double alert) {
    static Limits from(SectionReader section, String key, double max) {
      SectionReader r = section.child(key).onlyKeys(Set.of("warn", "alert"));
      Limits l = new Limits(r.number("warn", 0, max), r.number("alert", 0, max));
      if (l.warn > l.alert) throw r.errorAt("warn", "must be at most alert (" + l.alert + ")");
      return l;
    }

    public String status(double value) {
      return DriftStatistics.status(value, warn, alert);
    }

    /** The limit a status refers to: the alert limit for an alert, else the warn limit. */
    public double threshold(String status) {
      return DriftStatistics.ALERT.equals(status) ? alert : warn;
    }
  }

  public static MonitoringConfig from(HealthscoreConfig config) {
    SectionReader r = new SectionReader(config, "monitoring").onlyKeys(KEYS);
    SectionReader volume = r.child("input_volume").onlyKeys(Set.of("trailing_runs", "warn_share", "alert_share"));
    double warnShare = volume.number("warn_share", 0, 1);
    double alertShare = volume.number("alert_share", 0, 1);
    if (alertShare > warnShare) throw volume.errorAt("alert_share", "must be at most warn_share (" + warnShare + ")");
    return new MonitoringConfig(Limits.from(r, "psi", Double.MAX_VALUE), Limits.from(r, "ks_statistic", 1),
        r.number("ks_max_p_value", 0, 1), Limits.from(r, "missing_share_change", 1), Limits.from(r, "band_share_change", 1),
        volume.integer("trailing_runs", 1, 365), warnShare, alertShare, r.bool("block_on_alert"), NewestDay.from(r),
        referenceDays(r));
  }

  /** Whole days 1..27 (every month has at least 28 days, so a moved snapshot stays in its month). */
  private static List<Integer> referenceDays(SectionReader r) {
    String key = "reference_days_before_month_end";
    TreeSet<Integer> days = new TreeSet<>();
    for (double d : r.numbers(key, 1, 27)) {
      if (d != Math.rint(d)) throw r.errorAt(key, "must be whole days (got " + d + ")");
      days.add((int) d);
    }
    return List.copyOf(days);
  }
}
