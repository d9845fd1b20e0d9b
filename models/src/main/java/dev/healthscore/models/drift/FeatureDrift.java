package dev.healthscore.models.drift;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The rows of {@code feature_drift}: each statistic of one feature against one reference,
 * with the limit it is judged by and its status (docs/monitoring.md).
 */
public final class FeatureDrift {
  private FeatureDrift() {}

  /** References: the champion's training rows, the latest earlier nightly run, the trailing runs' input volume. */
  public static final String TRAINING = "training";
  public static final String PREVIOUS_RUN = "previous_run";
  public static final String TRAILING_RUNS = "trailing_runs";
  /** The newest day's rows against the same weekday of the weeks before. */
  public static final String SAME_WEEKDAY = "same_weekday";

  /** Whether a reference is one of the champion's training references ({@code training}, {@code training@month_end-14d}, …). */
  public static boolean isTraining(String reference) {
    return reference != null && reference.startsWith(TRAINING);
  }

  public static final String PSI = "psi";
  public static final String KS_STATISTIC = "ks_statistic";
  public static final String KS_P_VALUE = "ks_p_value";
  public static final String MISSING_SHARE_CHANGE = "missing_share_change";
  public static final String SHARE_CHANGE = "share_change";
  public static final String MEAN_CHANGE = "mean_change";
  public static final String ROW_COUNT = "row_count";
  public static final String ROWS_ON_DAY = "rows_on_day";
  public static final String MEDIAN_ON_DAY = "median_on_day";

  /** The feature of a slice of a table's rows: {@code usage_events[segment=smb]}. */
  public static String slice(String table, String column, String value) {
    return table + "[" + column + "=" + value + "]";
  }

  /** The feature of a table's column: {@code usage_events.duration_sec}. */
  public static String column(String table, String column) {
    return table + "." + column;
  }

  /** The warehouse table a newest-day or volume row is about: {@code usage_events} of itself, of a slice and of a column. */
  public static String table(Row r) {
    String f = r.feature();
    int end = f.length();
    for (char c : new char[] {'[', '.'}) if (f.indexOf(c) >= 0) end = Math.min(end, f.indexOf(c));
    return f.substring(0, end);
  }

  /** One statistic; {@code value} null when it cannot be computed (e.g. no values on one side, then status ok). */
  public record Row(String feature, String reference, String statistic, Double value, Double threshold, String status) {
    public boolean alert() {
      return DriftStatistics.ALERT.equals(status);
    }

    /** An alert worth naming: a p-value row only repeats the status of its D. */
    public boolean namedAlert() {
      return alert() && !KS_P_VALUE.equals(statistic);
    }
  }

  /** PSI on the training bins and the change in missing share, per feature profiled both at training and tonight. */
  public static List<Row> vsTraining(List<FeatureProfile> training, List<FeatureProfile> tonight, MonitoringConfig c) {
    return vsTraining(TRAINING, training, tonight, c);
  }

  /** The same against one of the training references ({@link ReferenceProfiles#name}). */
  public static List<Row> vsTraining(String reference, List<FeatureProfile> training, List<FeatureProfile> tonight, MonitoringConfig c) {
    List<Row> out = new ArrayList<>();
    for (FeatureProfile now : tonight) {
      FeatureProfile then = training.stream().filter(p -> p.feature().equals(now.feature())).findFirst().orElse(null);
      if (then == null) continue;
      double psi = DriftStatistics.psi(then.shares(), now.shares());
      out.add(limited(now.feature(), reference, PSI, psi, c.psi()));
      out.add(limited(now.feature(), reference, MISSING_SHARE_CHANGE, Math.abs(now.missingShare() - then.missingShare()),
          c.missingShareChange()));
    }
    return out;
  }

  /**
   * PSI of each categorical input's category shares against one of the training references
   * ({@link CategoryShares#psi}); inputs without rows on either side are left out.
   */
  public static List<Row> categoriesVsTraining(String reference, List<CategoryProfile> training, List<CategoryProfile> tonight,
                                               MonitoringConfig c) {
    List<Row> out = new ArrayList<>();
    for (CategoryProfile now : tonight) {
      CategoryProfile then = training.stream().filter(p -> p.feature().equals(now.feature())).findFirst().orElse(null);
      if (then == null || then.rows() == 0 || now.rows() == 0) continue;
      out.add(limited(now.feature(), reference, PSI, CategoryShares.psi(then, now), c.psi()));
    }
    return out;
  }

  /**
   * One feature against the previous run: Kolmogorov–Smirnov on the non-missing values and the
   * change in missing share. {@code rows} counts the accounts, with or without a value.
   */
  public static List<Row> vsPrevious(String feature, double[] tonight, long tonightRows, double[] previous, long previousRows,
                                     MonitoringConfig c) {
    List<Row> out = new ArrayList<>(ks(feature, tonight, previous, c));
    if (tonightRows > 0 && previousRows > 0) {
      double change = Math.abs(missingShare(tonight.length, tonightRows) - missingShare(previous.length, previousRows));
      out.add(limited(feature, PREVIOUS_RUN, MISSING_SHARE_CHANGE, change, c.missingShareChange()));
    }
    return out;
  }

  /**
   * A score's distribution (health_score, churn_probability) against the previous run: PSI on
   * the previous run's deciles, Kolmogorov–Smirnov, and the change of the mean (reported, no limit).
   */
  public static List<Row> scoreVsPrevious(String column, double[] tonight, double[] previous, MonitoringConfig c) {
    if (tonight.length == 0 || previous.length == 0) return List.of();
    List<Row> out = new ArrayList<>();
    double[] edges = deciles(previous);
    out.add(limited(column, PREVIOUS_RUN, PSI, DriftStatistics.psi(DriftStatistics.binShares(previous, edges),
        DriftStatistics.binShares(tonight, edges)), c.psi()));
    out.addAll(ks(column, tonight, previous, c));
    out.add(new Row(column, PREVIOUS_RUN, MEAN_CHANGE, mean(tonight) - mean(previous), null, DriftStatistics.OK));
    return out;
  }

  /** The change in each band's share of accounts ({@code health_band=red}, …), bands of either run. */
  public static List<Row> bandShares(String column, Map<String, Long> tonight, Map<String, Long> previous, MonitoringConfig c) {
    long now = tonight.values().stream().mapToLong(Long::longValue).sum();
    long before = previous.values().stream().mapToLong(Long::longValue).sum();
    if (now == 0 || before == 0) return List.of();
    TreeSet<String> bands = new TreeSet<>(tonight.keySet());
    bands.addAll(previous.keySet());
    List<Row> out = new ArrayList<>();
    for (String band : bands) {
      double change = Math.abs((double) tonight.getOrDefault(band, 0L) / now - (double) previous.getOrDefault(band, 0L) / before);
      out.add(limited(column + "=" + band, PREVIOUS_RUN, SHARE_CHANGE, change, c.bandShareChange()));
    }
    return out;
  }

  /**
   * A warehouse table's rows against the median of the trailing runs: alert with no rows
   * (unless an optional table had none before either), or below {@code volume_alert_share} of
   * the median; warn below {@code volume_warn_share}. The threshold is that share of the median.
   */
  public static Row volume(String table, long rows, List<Long> trailing, boolean optional, MonitoringConfig c) {
    double median = median(trailing);
    if (rows == 0 && (median > 0 || (!optional && trailing.isEmpty()))) {
      return new Row(table, TRAILING_RUNS, ROW_COUNT, 0.0, trailing.isEmpty() ? null : c.volumeAlertShare() * median,
          DriftStatistics.ALERT);
    }
    if (trailing.isEmpty()) return new Row(table, TRAILING_RUNS, ROW_COUNT, (double) rows, null, DriftStatistics.OK);
    String status = rows < c.volumeAlertShare() * median ? DriftStatistics.ALERT
        : rows < c.volumeWarnShare() * median ? DriftStatistics.WARN : DriftStatistics.OK;
    double share = DriftStatistics.ALERT.equals(status) ? c.volumeAlertShare() : c.volumeWarnShare();
    return new Row(table, TRAILING_RUNS, ROW_COUNT, (double) rows, share * median, status);
  }

  /**
   * Rows of a table dated on tonight's day against the median of the same weekday of earlier
   * weeks: the same limits as {@link #volume} (a required table), so a day with no rows after
   * weeks with rows is an alert.
   */
  public static Row dayVolume(String table, long rows, List<Long> sameWeekday, MonitoringConfig c) {
    Row r = volume(table, rows, sameWeekday, sameWeekday.isEmpty(), c);
    return new Row(table, SAME_WEEKDAY, ROWS_ON_DAY, r.value(), r.threshold(), r.status());
  }

  /**
   * The median of a numeric column over the newest day's rows against the median of the same
   * weekday's medians of earlier weeks. The value is their ratio; it is judged by the factor
   * max(ratio, 1 / ratio), since a unit or tracking change is as wrong divided as multiplied.
   * Null when there is no earlier day to compare with or its median is 0 (no ratio).
   */
  public static Row dayMedian(String feature, double median, List<Double> sameWeekday, MonitoringConfig c) {
    if (sameWeekday.isEmpty()) return null;
    double reference = median(sameWeekday);
    if (!(reference > 0)) return null;
    double ratio = median / reference;
    double factor = ratio >= 1 ? ratio : ratio > 0 ? 1 / ratio : Double.POSITIVE_INFINITY;
    MonitoringConfig.Limits limits = c.newestDay().medianFactor();
    String status = limits.status(factor);
    return new Row(feature, SAME_WEEKDAY, MEDIAN_ON_DAY, ratio, limits.threshold(status), status);
  }

  /** Whether a row says tonight's input data may be broken (a table's volume, its newest day's rows or values). */
  public static boolean isDataProblem(Row r) {
    return isVolume(r) || MEDIAN_ON_DAY.equals(r.statistic());
  }

  /** Whether a row is an input volume statistic (a table's rows, or its newest day's). */
  public static boolean isVolume(Row r) {
    return ROW_COUNT.equals(r.statistic()) || ROWS_ON_DAY.equals(r.statistic());
  }

  /** D and its p-value; D counts only when the p-value is below ks_max_p_value, and the p-value row shares D's status. */
  static List<Row> ks(String feature, double[] tonight, double[] previous, MonitoringConfig c) {
    DriftStatistics.Ks ks = DriftStatistics.ks(tonight, previous);
    if (ks == null) return List.of();
    String status = ks.pValue() < c.ksMaxPValue() ? c.ksStatistic().status(ks.statistic()) : DriftStatistics.OK;
    return List.of(new Row(feature, PREVIOUS_RUN, KS_STATISTIC, ks.statistic(), c.ksStatistic().threshold(status), status),
        new Row(feature, PREVIOUS_RUN, KS_P_VALUE, ks.pValue(), c.ksMaxPValue(), status));
  }

  private static Row limited(String feature, String reference, String statistic, double value, MonitoringConfig.Limits limits) {
    String status = limits.status(value);
    return new Row(feature, reference, statistic, value, limits.threshold(status), status);
  }

  private static double missingShare(long values, long rows) {
    return (double) (rows - values) / rows;
  }

  /** Distinct nearest-rank deciles (the value at rank ⌈q·n⌉) of the values. */
  static double[] deciles(double[] values) {
    double[] sorted = Arrays.copyOf(values, values.length);
    Arrays.sort(sorted);
    TreeSet<Double> edges = new TreeSet<>();
    for (double q : InputProfiles.DECILES) edges.add(sorted[Math.max(0, (int) Math.ceil(q * sorted.length - 1e-9) - 1)]);
    return edges.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** The median of counts or values (0 for none). */
  public static double median(List<? extends Number> values) {
    if (values.isEmpty()) return 0;
    double[] s = values.stream().mapToDouble(Number::doubleValue).sorted().toArray();
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0;
  }

  private static double mean(double[] v) {
    return Arrays.stream(v).average().orElse(Double.NaN);
  }
}
