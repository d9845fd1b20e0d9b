package dev.healthscore.models.eval;

import static dev.healthscore.models.eval.RankingMetricsTest.metrics;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Gains/lift by decile, precision and recall at top-K, churn rate per group. */
class GainsAndTopShareTest {

  // 20 rows with distinct scores 1..20 in shuffled order; churners are the rows scored
  // 20, 19, 18, 15 and 6, i.e. ranks 1, 2, 3, 6 and 15. Overall rate 5/20 = 0.25.
  static final double[] SCORES = {5, 20, 13, 18, 1, 16, 9, 19, 11, 6, 3, 14, 8, 17, 2, 12, 7, 15, 10, 4};

  static BinaryMetrics twentyRows() {
    boolean[] y = new boolean[SCORES.length];
    for (int i = 0; i < SCORES.length; i++) {
      double s = SCORES[i];
      y[i] = s == 20 || s == 19 || s == 18 || s == 15 || s == 6;
    }
    return BinaryMetrics.of(SCORES, y);
  }

  @Test
  void gainsTableForTwentyRows() {
    // Deciles of 2 rows: {20,19} 2 churners, {18,17} 1, {16,15} 1, {14,13}..{8,7} 0, {6,5} 1, rest 0.
    // lift = (churners/2) / 0.25; cumulative lift = (cum churners / cum n) / 0.25:
    //   d1 (2/2)/.25 = 4   d2 (3/4)/.25 = 3   d3 (4/6)/.25 = 8/3   d4 (4/8)/.25 = 2   d5 4/10 -> 1.6
    //   d6 4/12 -> 4/3     d7 4/14 -> 8/7     d8 5/16 -> 1.25      d9 5/18 -> 10/9    d10 5/20 -> 1
    List<GainsRow> g = twentyRows().gains();
    assertEquals(10, g.size());
    int[] churners = {2, 1, 1, 0, 0, 0, 0, 1, 0, 0};
    int[] cumChurners = {2, 3, 4, 4, 4, 4, 4, 5, 5, 5};
    double[] lift = {4, 2, 2, 0, 0, 0, 0, 2, 0, 0};
    double[] cumLift = {4, 3, 8.0 / 3, 2, 1.6, 4.0 / 3, 8.0 / 7, 1.25, 10.0 / 9, 1};
    for (int d = 0; d < 10; d++) {
      GainsRow row = g.get(d);
      String at = "decile " + (d + 1);
      assertEquals(d + 1, row.decile(), at);
      assertEquals(2, row.n(), at);
      assertEquals(churners[d], row.churners(), at);
      assertEquals(churners[d] / 2.0, row.churnRate(), 1e-15, at);
      assertEquals(20 - 2 * d, row.maxScore(), at);
      assertEquals(19 - 2 * d, row.minScore(), at);
      assertEquals(2 * (d + 1), row.cumulativeN(), at);
      assertEquals(cumChurners[d], row.cumulativeChurners(), at);
      assertEquals(cumChurners[d] / 5.0, row.cumulativeCaptureShare(), 1e-15, at);
      assertEquals(lift[d], row.lift(), 1e-12, at);
      assertEquals(cumLift[d], row.cumulativeLift(), 1e-12, at);
    }
  }

  @Test
  void topDecileLiftIsFirstGainsRowLift() {
    BinaryMetrics m = twentyRows();
    assertEquals(4.0, m.topDecileLift());
    assertEquals(m.gains().get(0).lift(), m.topDecileLift());
  }

  @Test
  void unevenRowCountGivesExtraRowsToFirstDeciles() {
    // 23 = 10*2 + 3: deciles 1-3 get 3 rows, 4-10 get 2.
    double[] s = new double[23];
    boolean[] y = new boolean[23];
    for (int i = 0; i < 23; i++) {
      s[i] = i;
      y[i] = i % 4 == 0;
    }
    List<GainsRow> g = BinaryMetrics.of(s, y).gains();
    assertEquals(List.of(3, 3, 3, 2, 2, 2, 2, 2, 2, 2), g.stream().map(GainsRow::n).toList());
    assertEquals(23, g.get(9).cumulativeN());
    assertEquals(1.0, g.get(9).cumulativeCaptureShare());
  }

  @Test
  void fewerRowsThanDecilesLeavesEmptyDeciles() {
    List<GainsRow> g = metrics(new double[] {0.9, 0.1, 0.5, 0.3}, 1, 0, 0, 1).gains();
    assertEquals(List.of(1, 1, 1, 1, 0, 0, 0, 0, 0, 0), g.stream().map(GainsRow::n).toList());
    // overall 2/4; decile 1 = the 0.9 churner: lift 1 / 0.5 = 2
    assertEquals(2.0, g.get(0).lift());
    GainsRow empty = g.get(4);
    assertTrue(Double.isNaN(empty.churnRate()) && Double.isNaN(empty.lift()) && Double.isNaN(empty.maxScore()));
    assertEquals(1.0, empty.cumulativeLift()); // all 4 rows, all churners: (2/4)/(2/4)
  }

  @Test
  void tiesAcrossTheDecileCutAreBrokenByOriginalIndex() {
    // 10 equal scores, one churner; the top decile is exactly 1 row: the lowest index.
    double[] s = new double[10];
    Arrays.fill(s, 0.5);
    boolean[] first = new boolean[10];
    first[0] = true;
    boolean[] last = new boolean[10];
    last[9] = true;
    // churner at index 0: top decile rate 1 / overall 0.1 = 10; at index 9: 0 / 0.1 = 0.
    assertEquals(10.0, BinaryMetrics.of(s, first).topDecileLift(), 1e-12);
    assertEquals(0.0, BinaryMetrics.of(s, last).topDecileLift());
    // AUC treats the tie symmetrically either way.
    assertEquals(0.5, BinaryMetrics.of(s, first).auc());
    assertEquals(0.5, BinaryMetrics.of(s, last).auc());
  }

  @Test
  void liftIsUndefinedWithoutChurners() {
    BinaryMetrics m = metrics(new double[] {0.9, 0.1, 0.5}, 0, 0, 0);
    assertTrue(Double.isNaN(m.topDecileLift()));
    assertTrue(Double.isNaN(m.gains().get(0).cumulativeCaptureShare()));
  }

  // ---- precision / recall at top K ----

  @Test
  void precisionAndRecallAtTopTenPercent() {
    // K = ceil(0.1 * 20) = 2: scores 20, 19, both churners -> precision 2/2, recall 2/5.
    assertEquals(new TopShare(0.10, 2, 2, 1.0, 0.4), twentyRows().topShare());
  }

  @Test
  void precisionAndRecallAtOtherShares() {
    // K = ceil(0.25 * 20) = 5: scores 20..16 hold churners 20, 19, 18 -> 3/5, 3/5.
    assertEquals(new TopShare(0.25, 5, 3, 0.6, 0.6), twentyRows().topShare(0.25));
    // K = ceil(0.12 * 20) = ceil(2.4) = 3: 20, 19, 18 -> 3/3, 3/5.
    assertEquals(new TopShare(0.12, 3, 3, 1.0, 0.6), twentyRows().topShare(0.12));
    // K = N: precision is the overall rate, recall 1.
    assertEquals(new TopShare(1.0, 20, 5, 0.25, 1.0), twentyRows().topShare(1.0));
    assertThrows(IllegalArgumentException.class, () -> twentyRows().topShare(0.0));
    assertThrows(IllegalArgumentException.class, () -> twentyRows().topShare(1.5));
  }

  @Test
  void topKReadsTheShareAsADecimal() {
    // 0.07 * 100 is 7.000000000000001 in doubles; ceil of that would be 8.
    assertEquals(7, BinaryMetrics.topK(0.07, 100));
    assertEquals(1, BinaryMetrics.topK(0.10, 1));
    assertEquals(10_000, BinaryMetrics.topK(0.10, 100_000));
    assertEquals(10_001, BinaryMetrics.topK(0.10, 100_001));
  }

  // ---- churn rate per group ----

  @Test
  void churnRatePerGroup() {
    // amber: 1 row, 0 churners; green: 2 rows, 1; red: 3 rows, 2 -> 0, 1/2, 2/3. Sorted by label.
    String[] band = {"red", "green", "red", "amber", "green", "red"};
    double[] churned = {1, 0, 1, 0, 1, 0};
    assertEquals(List.of(
        new GroupRate("amber", 1, 0, 0.0),
        new GroupRate("green", 2, 1, 0.5),
        new GroupRate("red", 3, 2, 2.0 / 3.0)), BinaryMetrics.churnRateByGroup(band, churned));
    assertThrows(IllegalArgumentException.class,
        () -> BinaryMetrics.churnRateByGroup(new String[] {"red", null}, new boolean[2]));
  }
}
