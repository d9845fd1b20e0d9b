package dev.healthscore.models.forecast;

import dev.healthscore.models.forecast.ChurnDistribution.Forecast;
import dev.healthscore.models.forecast.ChurnDistribution.Interval;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The forecast, backtested: at a cutoff C, the churn forecast from the probabilities of a model
 * trained as of C, next to what happened in (C, C + horizon] — for the total and for each
 * segment. Over many cutoffs, the share of checks whose actual fell inside each interval is the
 * interval's coverage: an 80 % interval that holds the actual far less often than 80 % of the
 * time is overconfident.
 */
public final class ForecastBacktest {
  private ForecastBacktest() {}

  public static final String TOTAL = ChurnForecast.TOTAL;
  public static final String SEGMENT = "segment";
  public static final String ALL = dev.healthscore.models.rollup.HealthBySegment.ALL;
  public static final String NONE = dev.healthscore.models.rollup.HealthBySegment.NONE;

  /** One group at one cutoff: the forecast and the actual. */
  public record Check(String level, String value, Forecast forecast, long actualAccounts, double actualArr) {
    public boolean accountsInside(int level) {
      return forecast.accountIntervals()[level].contains(actualAccounts);
    }

    public boolean arrInside(int level) {
      return forecast.arrIntervals()[level].contains(actualArr);
    }

    /** (predicted − actual) / actual churned ARR; NaN when nothing churned. */
    public double arrErrorShare() {
      return actualArr > 0 ? (forecast.expectedArr() - actualArr) / actualArr : Double.NaN;
    }
  }

  /**
   * @param segment segment per account (null reads {@link #NONE})
   * @param p churn probability per account from the model trained as of the cutoff
   * @param arr ARR at the cutoff (0 when unknown)
   * @param churned whether the account churned within the horizon after the cutoff
   * @return the total first, then each segment in name order
   */
  public static List<Check> check(String[] segment, double[] p, double[] arr, boolean[] churned, ForecastConfig cfg) {
    List<Check> out = new ArrayList<>();
    out.add(group(TOTAL, ALL, all(p.length), p, arr, churned, cfg));
    TreeMap<String, List<Integer>> bySegment = new TreeMap<>();
    for (int i = 0; i < p.length; i++) bySegment.computeIfAbsent(segment[i] == null ? NONE : segment[i], k -> new ArrayList<>()).add(i);
    bySegment.forEach((s, idx) -> out.add(group(SEGMENT, s, idx, p, arr, churned, cfg)));
    return out;
  }

  private static List<Integer> all(int n) {
    List<Integer> idx = new ArrayList<>(n);
    for (int i = 0; i < n; i++) idx.add(i);
    return idx;
  }

  private static Check group(String level, String value, List<Integer> idx, double[] p, double[] arr, boolean[] churned,
                             ForecastConfig cfg) {
    double[] gp = new double[idx.size()];
    double[] ga = new double[idx.size()];
    long actual = 0;
    double actualArr = 0;
    for (int j = 0; j < idx.size(); j++) {
      int i = idx.get(j);
      gp[j] = p[i];
      ga[j] = arr[i];
      if (churned[i]) {
        actual++;
        actualArr += arr[i];
      }
    }
    return new Check(level, value, ChurnDistribution.of(gp, ga, cfg.arrDraws(), cfg.seed()), actual, actualArr);
  }

  /**
   * Interval coverage over checks: per level of {@link ChurnDistribution#LEVELS}, the share of
   * checks whose actual fell inside.
   */
  public record Coverage(int checks, double[] accounts, double[] arr) {}

  public static Coverage coverage(List<Check> checks) {
    int n = ChurnDistribution.LEVELS.length;
    double[] accounts = new double[n];
    double[] arr = new double[n];
    for (Check c : checks) {
      for (int l = 0; l < n; l++) {
        if (c.accountsInside(l)) accounts[l]++;
        if (c.arrInside(l)) arr[l]++;
      }
    }
    for (int l = 0; l < n; l++) {
      accounts[l] = checks.isEmpty() ? Double.NaN : accounts[l] / checks.size();
      arr[l] = checks.isEmpty() ? Double.NaN : arr[l] / checks.size();
    }
    return new Coverage(checks.size(), accounts, arr);
  }

  /** Words for an interval's coverage: overconfident when it holds the actual 15 points or more below its level. */
  public static String verdict(double level, double coverage) {
    String pct = Math.round(level * 100) + " %";
    if (Double.isNaN(coverage)) return "no backtest yet";
    if (coverage < level - 0.15) {
      return "overconfident: the " + pct + " interval held the actual only " + Math.round(coverage * 100)
          + " % of the time; treat it as narrower than it looks (churns are not independent, or the model is off)";
    }
    if (coverage > Math.min(1, level + 0.15)) {
      return "cautious: the " + pct + " interval held the actual " + Math.round(coverage * 100) + " % of the time";
    }
    return "about right: the " + pct + " interval held the actual " + Math.round(coverage * 100) + " % of the time";
  }
}
