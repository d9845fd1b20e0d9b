package dev.healthscore.models.overrides;

import dev.healthscore.models.scorecard.BandOrder;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Were the people right? At a backtest cutoff C, the accounts under an override grouped by
 * computed band and override band, with how many churned within the horizon, beside the
 * accounts of the same computed band without an override. An override to a worse band is
 * borne out when its accounts churned more often than the rest of their computed band; one to
 * a better band when they churned less often. Judged only with at least {@code minAccounts}
 * accounts on both sides: below that a rate says little.
 */
public final class OverrideOutcomes {
  private OverrideOutcomes() {}

  /** Fewer than the minimum accounts under the override or in the comparison. */
  public static final String TOO_FEW = "too_few";
  /** The churn rates point the way the override did. */
  public static final String SUPPORTED = "supported";
  /** The churn rates do not (equal rates included). */
  public static final String NOT_SUPPORTED = "not_supported";
  /** The override left the band as computed (a score-only override, the same band) or the account had no computed band. */
  public static final String NO_DIRECTION = "no_direction";

  /**
   * One group of {@link HealthOverrides#outcomes}.
   *
   * @param computedBand the computed health band (null: no score)
   * @param override the effective band under the override, or {@link HealthOverrides#NO_OVERRIDE}
   */
  public record Group(String computedBand, String override, long accounts, long churned) {}

  /**
   * One overridden group at a cutoff, against the accounts of its computed band without an override.
   *
   * @param churnRate churned / accounts
   * @param comparisonChurnRate comparisonChurned / comparisonAccounts; NaN when there are none
   * @param enough both sides have at least the minimum accounts
   * @param verdict {@link #TOO_FEW}, {@link #NO_DIRECTION}, {@link #SUPPORTED} or {@link #NOT_SUPPORTED}
   */
  public record Outcome(LocalDate cutoff, String computedBand, String overrideBand, long accounts, long churned,
                        double churnRate, long comparisonAccounts, long comparisonChurned, double comparisonChurnRate,
                        boolean enough, String verdict) {}

  /** The collected rows of {@link HealthOverrides#outcomes} (a null churn sum is 0). */
  public static List<Group> groups(Dataset<Row> outcomes) {
    return outcomes.collectAsList().stream().map(r -> new Group(r.isNullAt(0) ? null : r.getString(0), r.getString(1),
        r.getLong(2), r.isNullAt(3) ? 0 : r.getLong(3))).toList();
  }

  /** One {@link Outcome} per overridden group, in the groups' order. */
  public static List<Outcome> compare(LocalDate cutoff, List<Group> groups, int minAccounts) {
    List<Outcome> out = new ArrayList<>();
    for (Group g : groups) {
      if (g.override().equals(HealthOverrides.NO_OVERRIDE)) continue;
      Group rest = groups.stream()
          .filter(x -> x.override().equals(HealthOverrides.NO_OVERRIDE) && Objects.equals(x.computedBand(), g.computedBand()))
          .findFirst().orElse(new Group(g.computedBand(), HealthOverrides.NO_OVERRIDE, 0, 0));
      double rate = (double) g.churned() / g.accounts();
      double restRate = rest.accounts() == 0 ? Double.NaN : (double) rest.churned() / rest.accounts();
      boolean enough = g.accounts() >= minAccounts && rest.accounts() >= minAccounts;
      out.add(new Outcome(cutoff, g.computedBand(), g.override(), g.accounts(), g.churned(), rate, rest.accounts(),
          rest.churned(), restRate, enough, verdict(g.computedBand(), g.override(), rate, restRate, enough)));
    }
    return out;
  }

  private static String verdict(String computed, String override, double rate, double restRate, boolean enough) {
    if (!enough) return TOO_FEW;
    int from = BandOrder.WORST_FIRST.indexOf(computed);
    int to = BandOrder.WORST_FIRST.indexOf(override);
    if (from < 0 || to < 0 || from == to) return NO_DIRECTION;
    boolean worse = to < from;
    return (worse ? rate > restRate : rate < restRate) ? SUPPORTED : NOT_SUPPORTED;
  }
}
