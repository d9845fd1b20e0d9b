package dev.healthscore.models.eval;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Evaluation metrics for churn scores at one evaluation cutoff: scores where higher = more
 * likely to churn, and labels where true (1) = churned. Pure Java on arrays; the inputs are
 * copied, so later changes to the caller's arrays do not affect the results.
 *
 * <p>Ranking metrics (AUC, ROC, average precision, gains, top-share) work on any score.
 * Log loss, Brier score and calibration need probabilities in [0, 1] and throw otherwise.
 *
 * <p>Ties: AUC, ROC and average precision treat equal scores as one threshold, so they do not
 * depend on row order. Gains and top-share must cut through ties and break them by original
 * row index, which is deterministic but not neutral: if rows arrive sorted by label, tied rows
 * would be split in the label's favour. Feed rows in an order unrelated to the outcome
 * (e.g. by account id).
 */
public final class BinaryMetrics {
  public static final int DECILES = 10;
  public static final int DEFAULT_CALIBRATION_BINS = 10;
  public static final double DEFAULT_TOP_SHARE = 0.10;
  /** Same clipping as sklearn's log_loss, so one confident mistake costs ~34.5 rather than infinity. */
  public static final double LOG_LOSS_EPSILON = 1e-15;

  private final double[] scores;
  private final boolean[] churned;
  private final int churners;
  private final Ranking ranking;

  private BinaryMetrics(double[] scores, boolean[] churned) {
    this.scores = scores;
    this.churned = churned;
    int c = 0;
    for (boolean y : churned) {
      if (y) {
        c++;
      }
    }
    this.churners = c;
    this.ranking = Ranking.of(scores, churned);
  }

  /**
   * @throws IllegalArgumentException if the arrays are empty, differ in length, or a score is NaN
   */
  public static BinaryMetrics of(double[] scores, boolean[] churned) {
    if (scores.length != churned.length) {
      throw new IllegalArgumentException(
          "scores and labels differ in length: " + scores.length + " vs " + churned.length);
    }
    if (scores.length == 0) {
      throw new IllegalArgumentException("no rows to evaluate");
    }
    double[] s = new double[scores.length];
    for (int i = 0; i < scores.length; i++) {
      if (Double.isNaN(scores[i])) {
        throw new IllegalArgumentException("score is NaN at row " + i);
      }
      s[i] = scores[i] + 0.0; // -0.0 becomes 0.0, so both zeros are one threshold
    }
    return new BinaryMetrics(s, churned.clone());
  }

  /** Labels as Spark usually holds them: exactly 0.0 or 1.0; anything else is rejected. */
  public static BinaryMetrics of(double[] scores, double[] churned) {
    return of(scores, toBooleans(churned));
  }

  public int size() {
    return scores.length;
  }

  public int churners() {
    return churners;
  }

  public double churnRate() {
    return (double) churners / scores.length;
  }

  /** Rows in ranking order (score desc, then original index); shared with {@link Bootstrap}. */
  Ranking ranking() {
    return ranking;
  }

  // ---- ranking metrics ----

  /** AUC-ROC, ties counting 1/2 (Mann-Whitney with midranks). NaN when only one class is present. */
  public double auc() {
    return ranking.auc(null);
  }

  /**
   * ROC points from the highest threshold down: (0, 0) at +Infinity, then one point per distinct
   * score, ending at (1, 1). The trapezoidal area under these points equals {@link #auc()}.
   * Empty when only one class is present (one of the rates would be 0/0).
   */
  public List<RocPoint> rocCurve() {
    int n = size();
    int negatives = n - churners;
    List<RocPoint> points = new ArrayList<>();
    if (churners == 0 || negatives == 0) {
      return points;
    }
    points.add(new RocPoint(Double.POSITIVE_INFINITY, 0.0, 0.0));
    int tp = 0;
    int fp = 0;
    for (int r = 0; r < n; r++) {
      if (ranking.churned[r]) {
        tp++;
      } else {
        fp++;
      }
      if (r == n - 1 || ranking.scores[r + 1] != ranking.scores[r]) {
        points.add(new RocPoint(ranking.scores[r], (double) fp / negatives, (double) tp / churners));
      }
    }
    return points;
  }

  /**
   * Average precision as in sklearn: sum over distinct thresholds (high to low) of
   * (R_n - R_{n-1}) * P_n with R_0 = 0, all rows of a tied score entering together.
   * NaN when there are no churners (recall undefined).
   */
  public double averagePrecision() {
    if (churners == 0) {
      return Double.NaN;
    }
    int n = size();
    int tp = 0;
    int seen = 0;
    int tpAtLastThreshold = 0;
    // R_n - R_{n-1} = (new churners) / churners, so divide once at the end.
    double sum = 0.0;
    for (int r = 0; r < n; r++) {
      seen++;
      if (ranking.churned[r]) {
        tp++;
      }
      if (r == n - 1 || ranking.scores[r + 1] != ranking.scores[r]) {
        sum += (double) (tp - tpAtLastThreshold) * tp / seen;
        tpAtLastThreshold = tp;
      }
    }
    return sum / churners;
  }

  /**
   * Gains table by decile: rows ranked by score desc (ties by original index) and cut into 10
   * groups as equal as possible, the first N mod 10 groups getting one extra row.
   */
  public List<GainsRow> gains() {
    int n = size();
    List<GainsRow> rows = new ArrayList<>(DECILES);
    int start = 0;
    int cumulativeChurners = 0;
    for (int d = 0; d < DECILES; d++) {
      int size = n / DECILES + (d < n % DECILES ? 1 : 0);
      int end = start + size;
      int c = 0;
      for (int r = start; r < end; r++) {
        if (ranking.churned[r]) {
          c++;
        }
      }
      cumulativeChurners += c;
      rows.add(new GainsRow(
          d + 1,
          size,
          c,
          size == 0 ? Double.NaN : (double) c / size,
          size == 0 ? Double.NaN : ranking.scores[end - 1],
          size == 0 ? Double.NaN : ranking.scores[start],
          end,
          cumulativeChurners,
          churners == 0 ? Double.NaN : (double) cumulativeChurners / churners,
          Ranking.lift(c, size, churners, n),
          Ranking.lift(cumulativeChurners, end, churners, n)));
      start = end;
    }
    return rows;
  }

  /** Churn rate in the first decile / overall churn rate; equals gains().get(0).lift(). NaN without churners. */
  public double topDecileLift() {
    return ranking.topGroupLift(null, DECILES);
  }

  /** Precision and recall among the top 10 % of rows. */
  public TopShare topShare() {
    return topShare(DEFAULT_TOP_SHARE);
  }

  /**
   * Precision and recall among the k = ceil(share * N) highest-scored rows (ties by original index).
   *
   * @param share in (0, 1]
   */
  public TopShare topShare(double share) {
    int k = topK(share, size());
    int c = 0;
    for (int r = 0; r < k; r++) {
      if (ranking.churned[r]) {
        c++;
      }
    }
    return new TopShare(share, k, c, (double) c / k, churners == 0 ? Double.NaN : (double) c / churners);
  }

  /**
   * ceil(share * n), with share read as the decimal it was written as: in doubles
   * 0.07 * 100 = 7.000000000000001, which would make k 8 instead of 7.
   */
  static int topK(double share, int n) {
    if (!(share > 0.0 && share <= 1.0)) {
      throw new IllegalArgumentException("share must be in (0, 1]: " + share);
    }
    return BigDecimal.valueOf(share).multiply(BigDecimal.valueOf(n)).setScale(0, RoundingMode.CEILING).intValueExact();
  }

  /** Confusion matrix where score >= threshold means predicted to churn. */
  public ConfusionMatrix confusionAt(double threshold) {
    int tp = 0;
    int fp = 0;
    int tn = 0;
    int fn = 0;
    for (int i = 0; i < scores.length; i++) {
      boolean predicted = scores[i] >= threshold;
      if (predicted && churned[i]) {
        tp++;
      } else if (predicted) {
        fp++;
      } else if (churned[i]) {
        fn++;
      } else {
        tn++;
      }
    }
    return ConfusionMatrix.of(threshold, tp, fp, tn, fn);
  }

  // ---- probability metrics ----

  /** Mean negative log-likelihood, probabilities clipped to [1e-15, 1 - 1e-15]. */
  public double logLoss() {
    requireProbabilities("log loss");
    double sum = 0.0;
    for (int i = 0; i < scores.length; i++) {
      double p = Math.min(Math.max(scores[i], LOG_LOSS_EPSILON), 1.0 - LOG_LOSS_EPSILON);
      sum -= churned[i] ? Math.log(p) : Math.log1p(-p);
    }
    return sum / scores.length;
  }

  /** Mean squared difference between probability and outcome (0/1). */
  public double brierScore() {
    requireProbabilities("Brier score");
    double sum = 0.0;
    for (int i = 0; i < scores.length; i++) {
      double d = scores[i] - (churned[i] ? 1.0 : 0.0);
      sum += d * d;
    }
    return sum / scores.length;
  }

  public double expectedCalibrationError() {
    return calibration().expectedCalibrationError();
  }

  public Calibration calibration() {
    return calibration(DEFAULT_CALIBRATION_BINS);
  }

  /** Equal-width bins on [0, 1]: bin b is [b/B, (b+1)/B), the last bin also holding 1.0. */
  public Calibration calibration(int binCount) {
    if (binCount < 1) {
      throw new IllegalArgumentException("need at least one calibration bin: " + binCount);
    }
    requireProbabilities("calibration");
    int[] n = new int[binCount];
    int[] c = new int[binCount];
    double[] sumP = new double[binCount];
    for (int i = 0; i < scores.length; i++) {
      int b = bin(scores[i], binCount);
      n[b]++;
      sumP[b] += scores[i];
      if (churned[i]) {
        c[b]++;
      }
    }
    List<CalibrationBin> bins = new ArrayList<>(binCount);
    double ece = 0.0;
    for (int b = 0; b < binCount; b++) {
      double meanP = n[b] == 0 ? Double.NaN : sumP[b] / n[b];
      double rate = n[b] == 0 ? Double.NaN : (double) c[b] / n[b];
      if (n[b] > 0) {
        ece += (double) n[b] / scores.length * Math.abs(meanP - rate);
      }
      bins.add(new CalibrationBin(b, lower(b, binCount), lower(b + 1, binCount), n[b], meanP, rate));
    }
    return new Calibration(ece, bins);
  }

  /**
   * Bin of p, consistent with the reported bounds lower(b) = b / B: floor(p * B) can be off by
   * one when p * B rounds across an integer, so it is corrected against the bounds themselves.
   */
  static int bin(double p, int binCount) {
    int b = Math.min(Math.max((int) Math.floor(p * binCount), 0), binCount - 1);
    if (b > 0 && p < lower(b, binCount)) {
      b--;
    } else if (b < binCount - 1 && p >= lower(b + 1, binCount)) {
      b++;
    }
    return b;
  }

  private static double lower(int b, int binCount) {
    return (double) b / binCount;
  }

  private void requireProbabilities(String metric) {
    for (int i = 0; i < scores.length; i++) {
      if (scores[i] < 0.0 || scores[i] > 1.0) {
        throw new IllegalArgumentException(
            metric + " needs probabilities in [0, 1]; score " + scores[i] + " at row " + i + " is not one");
      }
    }
  }

  // ---- groups ----

  /** Churn rate per group label (e.g. health band), sorted by label. Null labels are rejected. */
  public static List<GroupRate> churnRateByGroup(String[] groups, boolean[] churned) {
    if (groups.length != churned.length) {
      throw new IllegalArgumentException(
          "groups and labels differ in length: " + groups.length + " vs " + churned.length);
    }
    Map<String, int[]> counts = new TreeMap<>(Comparator.naturalOrder());
    for (int i = 0; i < groups.length; i++) {
      if (groups[i] == null) {
        throw new IllegalArgumentException("group label is null at row " + i + "; map it to an explicit label first");
      }
      int[] nc = counts.computeIfAbsent(groups[i], g -> new int[2]);
      nc[0]++;
      if (churned[i]) {
        nc[1]++;
      }
    }
    List<GroupRate> rates = new ArrayList<>(counts.size());
    counts.forEach((g, nc) -> rates.add(new GroupRate(g, nc[0], nc[1], (double) nc[1] / nc[0])));
    return rates;
  }

  public static List<GroupRate> churnRateByGroup(String[] groups, double[] churned) {
    return churnRateByGroup(groups, toBooleans(churned));
  }

  static boolean[] toBooleans(double[] labels) {
    boolean[] y = new boolean[labels.length];
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] == 1.0) {
        y[i] = true;
      } else if (labels[i] != 0.0) {
        throw new IllegalArgumentException("label must be 0 or 1, got " + labels[i] + " at row " + i);
      }
    }
    return y;
  }
}
