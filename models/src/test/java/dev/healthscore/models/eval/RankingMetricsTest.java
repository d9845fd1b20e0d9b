package dev.healthscore.models.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** AUC, ROC curve and average precision on hand-computed fixtures. */
class RankingMetricsTest {

  static boolean[] labels(int... ys) {
    boolean[] out = new boolean[ys.length];
    for (int i = 0; i < ys.length; i++) {
      out[i] = ys[i] == 1;
    }
    return out;
  }

  static BinaryMetrics metrics(double[] scores, int... ys) {
    return BinaryMetrics.of(scores, labels(ys));
  }

  // ---- AUC ----

  @Test
  void aucOfPerfectRankingIsOne() {
    // Both churners (0.9, 0.8) outscore both non-churners (0.3, 0.1): 4 of 4 pairs won.
    assertEquals(1.0, metrics(new double[] {0.9, 0.8, 0.3, 0.1}, 1, 1, 0, 0).auc());
  }

  @Test
  void aucOfInvertedRankingIsZero() {
    // Churners 0.1, 0.3 lose to non-churners 0.8, 0.9: 0 of 4 pairs won.
    assertEquals(0.0, metrics(new double[] {0.1, 0.3, 0.8, 0.9}, 1, 1, 0, 0).auc());
  }

  @Test
  void aucCountsTiesAsHalf() {
    // Churners {0.8, 0.5}, non-churners {0.5, 0.5}.
    // Pairs: 0.8>0.5 (1), 0.8>0.5 (1), 0.5=0.5 (1/2), 0.5=0.5 (1/2) -> 3/4.
    // Midranks (ascending): 0.5,0.5,0.5 take ranks 1,2,3 -> 2 each; 0.8 -> 4.
    // Churner rank sum 4 + 2 = 6; U = 6 - 2*3/2 = 3; AUC = 3 / (2*2) = 0.75.
    assertEquals(0.75, metrics(new double[] {0.8, 0.5, 0.5, 0.5}, 1, 1, 0, 0).auc());
  }

  @Test
  void aucWithTwoTieGroupsIsTwoThirds() {
    // Churners {0.4, 0.6}, non-churners {0.2, 0.4, 0.6}.
    // 0.4 vs 0.2,0.4,0.6: 1 + 1/2 + 0;  0.6 vs 0.2,0.4,0.6: 1 + 1 + 1/2  -> 4 of 6 pairs.
    // Midranks: 0.2 -> 1; 0.4,0.4 -> 2.5; 0.6,0.6 -> 4.5. Churner sum 7; U = 7 - 3 = 4; 4/6.
    assertEquals(2.0 / 3.0, metrics(new double[] {0.2, 0.4, 0.4, 0.6, 0.6}, 0, 1, 0, 1, 0).auc(), 1e-15);
  }

  @Test
  void aucOfAllEqualScoresIsOneHalf() {
    // Every churner/non-churner pair is a tie: 6 pairs * 1/2 / 6 = 0.5.
    assertEquals(0.5, metrics(new double[] {0.3, 0.3, 0.3, 0.3, 0.3}, 1, 0, 1, 0, 0).auc());
  }

  @Test
  void aucIsUndefinedWithOneClass() {
    assertTrue(Double.isNaN(metrics(new double[] {0.1, 0.5, 0.9}, 1, 1, 1).auc()));
    assertTrue(Double.isNaN(metrics(new double[] {0.1, 0.5, 0.9}, 0, 0, 0).auc()));
  }

  @Test
  void aucDoesNotDependOnRowOrder() {
    double a = metrics(new double[] {0.8, 0.5, 0.5, 0.5}, 1, 1, 0, 0).auc();
    double b = metrics(new double[] {0.5, 0.5, 0.8, 0.5}, 0, 1, 1, 0).auc();
    assertEquals(a, b);
  }

  @Test
  void aucMatchesBruteForcePairCountWithManyTies() {
    Random rnd = new Random(7);
    int n = 300;
    double[] s = new double[n];
    boolean[] y = new boolean[n];
    for (int i = 0; i < n; i++) {
      y[i] = rnd.nextDouble() < 0.3;
      // one decimal -> heavy ties; churners shifted up a little so AUC is not ~0.5
      s[i] = Math.round((rnd.nextDouble() + (y[i] ? 0.2 : 0.0)) * 10) / 10.0;
    }
    long twiceWins = 0;
    long pos = 0;
    long neg = 0;
    for (int i = 0; i < n; i++) {
      if (y[i]) {
        pos++;
      } else {
        neg++;
      }
      for (int j = 0; j < n; j++) {
        if (y[i] && !y[j]) {
          twiceWins += s[i] > s[j] ? 2 : s[i] == s[j] ? 1 : 0;
        }
      }
    }
    assertEquals(twiceWins / (2.0 * pos * neg), BinaryMetrics.of(s, y).auc());
  }

  @Test
  void aucOfRandomScoresOnLargeSampleIsNearOneHalf() {
    // Scores independent of labels. Under that null hypothesis AUC = U/(P*N) has mean 1/2 and
    // sd sqrt((P+N+1) / (12*P*N)) (Mann-Whitney; ties only shrink it). With N = 100k and a
    // 10 % churn rate sd ~ 0.003; 5 sd (~0.015) fails a correct implementation with
    // probability < 1e-6, while a systematic error (e.g. ties counted 0 or 1) would exceed it.
    Random rnd = new Random(20240601L);
    int n = 100_000;
    double[] s = new double[n];
    boolean[] y = new boolean[n];
    long pos = 0;
    for (int i = 0; i < n; i++) {
      y[i] = rnd.nextDouble() < 0.10;
      s[i] = Math.round(rnd.nextDouble() * 1000) / 1000.0; // 1001 distinct values: many ties
      if (y[i]) {
        pos++;
      }
    }
    long neg = n - pos;
    double sd = Math.sqrt((pos + neg + 1.0) / (12.0 * pos * neg));
    double auc = BinaryMetrics.of(s, y).auc();
    assertEquals(0.5, auc, 5 * sd, "auc=" + auc + " sd=" + sd);
  }

  @Test
  void doubleLabelsMustBeZeroOrOne() {
    double[] s = {0.8, 0.5, 0.5, 0.5};
    assertEquals(0.75, BinaryMetrics.of(s, new double[] {1.0, 1.0, 0.0, 0.0}).auc());
    assertThrows(IllegalArgumentException.class, () -> BinaryMetrics.of(s, new double[] {1.0, 0.5, 0.0, 0.0}));
    assertThrows(IllegalArgumentException.class, () -> BinaryMetrics.of(s, new double[] {1.0, Double.NaN, 0, 0}));
  }

  @Test
  void rejectsMismatchedEmptyOrNaNInput() {
    assertThrows(IllegalArgumentException.class, () -> BinaryMetrics.of(new double[] {0.1}, new boolean[2]));
    assertThrows(IllegalArgumentException.class, () -> BinaryMetrics.of(new double[0], new boolean[0]));
    assertThrows(IllegalArgumentException.class,
        () -> BinaryMetrics.of(new double[] {0.1, Double.NaN}, new boolean[2]));
  }

  @Test
  void inputArraysAreCopied() {
    double[] s = {0.9, 0.8, 0.3, 0.1};
    boolean[] y = labels(1, 1, 0, 0);
    BinaryMetrics m = BinaryMetrics.of(s, y);
    s[0] = 0.0;
    y[1] = false;
    assertEquals(1.0, m.auc());
    assertEquals(2, m.churners());
  }

  // ---- ROC curve ----

  @Test
  void rocCurveHasOnePointPerDistinctThreshold() {
    // Same fixture as the 0.75 AUC: thresholds +inf, 0.8, 0.5.
    // >= 0.8: 1 of 2 churners, 0 of 2 others -> (0, 0.5); >= 0.5: everything -> (1, 1).
    List<RocPoint> roc = metrics(new double[] {0.8, 0.5, 0.5, 0.5}, 1, 1, 0, 0).rocCurve();
    assertEquals(List.of(
        new RocPoint(Double.POSITIVE_INFINITY, 0.0, 0.0),
        new RocPoint(0.8, 0.0, 0.5),
        new RocPoint(0.5, 1.0, 1.0)), roc);
  }

  @Test
  void trapezoidalAreaUnderRocEqualsAuc() {
    Random rnd = new Random(11);
    int n = 500;
    double[] s = new double[n];
    boolean[] y = new boolean[n];
    for (int i = 0; i < n; i++) {
      y[i] = rnd.nextDouble() < 0.25;
      s[i] = Math.round((rnd.nextGaussian() + (y[i] ? 0.7 : 0.0)) * 4) / 4.0;
    }
    BinaryMetrics m = BinaryMetrics.of(s, y);
    List<RocPoint> roc = m.rocCurve();
    double area = 0.0;
    for (int i = 1; i < roc.size(); i++) {
      RocPoint a = roc.get(i - 1);
      RocPoint b = roc.get(i);
      area += (b.fpr() - a.fpr()) * (a.tpr() + b.tpr()) / 2.0;
    }
    assertEquals(m.auc(), area, 1e-12);
    assertEquals(new RocPoint(roc.get(roc.size() - 1).threshold(), 1.0, 1.0), roc.get(roc.size() - 1));
  }

  @Test
  void rocCurveIsEmptyWithOneClass() {
    assertTrue(metrics(new double[] {0.2, 0.4}, 0, 0).rocCurve().isEmpty());
  }

  // ---- average precision ----

  @Test
  void averagePrecisionOnDistinctScores() {
    // Ranked: 0.9(1) 0.8(0) 0.7(1) 0.6(0) 0.5(1); 3 churners.
    // Thresholds: P_n / R_n = 1/(1/3), 1/2/(1/3), 2/3/(2/3), 2/4/(2/3), 3/5/(1).
    // AP = 1/3*1 + 0*1/2 + 1/3*2/3 + 0*1/2 + 1/3*3/5 = (15 + 10 + 9)/45 = 34/45 ~ 0.7556.
    double ap = metrics(new double[] {0.7, 0.5, 0.9, 0.6, 0.8}, 1, 1, 1, 0, 0).averagePrecision();
    assertEquals(34.0 / 45.0, ap, 1e-15);
  }

  @Test
  void averagePrecisionGroupsTiedScores() {
    // y = [0, 1, 0, 1], s = [0.9, 0.7, 0.7, 0.4] (sklearn: average_precision_score -> 0.41666...).
    // Thresholds: 0.9 -> P 0, R 0; 0.7 -> tp 1, fp 2: P 1/3, R 1/2; 0.4 -> P 2/4, R 1.
    // AP = 1/2*1/3 + 1/2*1/2 = 5/12. Walking the tied rows one by one (the churner, row 1,
    // first) would give 1/2*1/2 + 1/2*2/4 = 1/2 instead, so this checks the grouping.
    double ap = metrics(new double[] {0.9, 0.7, 0.7, 0.4}, 0, 1, 0, 1).averagePrecision();
    assertEquals(5.0 / 12.0, ap, 1e-15);
  }

  @Test
  void averagePrecisionEdgeCases() {
    assertEquals(1.0, metrics(new double[] {0.9, 0.8, 0.3}, 1, 1, 0).averagePrecision());
    assertEquals(1.0, metrics(new double[] {0.9, 0.8}, 1, 1).averagePrecision());
    assertTrue(Double.isNaN(metrics(new double[] {0.9, 0.8}, 0, 0).averagePrecision()));
    // All tied: one threshold, P = overall rate 2/5, R = 1 -> AP = 0.4.
    assertEquals(0.4, metrics(new double[] {0.5, 0.5, 0.5, 0.5, 0.5}, 1, 0, 0, 1, 0).averagePrecision(), 1e-15);
  }
}
