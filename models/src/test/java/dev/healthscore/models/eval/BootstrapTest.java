package dev.healthscore.models.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.apache.commons.math3.random.MersenneTwister;
import org.junit.jupiter.api.Test;

class BootstrapTest {

  /** 500 rows, ~20 % churners, score = churned + N(0, 1): AUC about Phi(1/sqrt 2) ~ 0.76. */
  static BinaryMetrics synthetic() {
    Random rnd = new Random(42);
    int n = 500;
    double[] s = new double[n];
    boolean[] y = new boolean[n];
    for (int i = 0; i < n; i++) {
      y[i] = rnd.nextDouble() < 0.2;
      s[i] = (y[i] ? 1.0 : 0.0) + rnd.nextGaussian();
    }
    return BinaryMetrics.of(s, y);
  }

  @Test
  void sameSeedGivesIdenticalIntervals() {
    BinaryMetrics m = synthetic();
    assertEquals(Bootstrap.withSeed(17).run(m), Bootstrap.withSeed(17).run(m));
  }

  @Test
  void differentSeedGivesDifferentIntervals() {
    // 1000 resamples of 500 continuous scores: identical quantiles under two seeds would take
    // a coincidence far below any practical probability.
    BinaryMetrics m = synthetic();
    BootstrapResult a = Bootstrap.withSeed(17).run(m);
    BootstrapResult b = Bootstrap.withSeed(18).run(m);
    assertNotEquals(a.auc().ciLow(), b.auc().ciLow());
    assertNotEquals(a.auc().ciHigh(), b.auc().ciHigh());
  }

  @Test
  void intervalsAreOrderedAndContainTheEstimate() {
    BinaryMetrics m = synthetic();
    BootstrapResult r = Bootstrap.withSeed(2024).run(m);
    assertEquals(1000, r.resamples());
    assertEquals(0.95, r.level());
    for (MetricValue v : r.metrics()) {
      assertTrue(v.ciLow() < v.value() && v.value() < v.ciHigh(), v.toString());
      // ~100 churners per resample: a one-class resample is practically impossible.
      assertEquals(1000, v.resamplesUsed(), v.toString());
    }
    assertEquals("auc_roc", r.auc().name());
    assertEquals(m.auc(), r.auc().value());
    assertEquals("top_decile_lift", r.topDecileLift().name());
    assertEquals(m.topDecileLift(), r.topDecileLift().value());
    // sanity on width: 500 rows give an AUC interval a few hundredths wide, not 0 and not 0.5
    double width = r.auc().ciHigh() - r.auc().ciLow();
    assertTrue(width > 0.02 && width < 0.2, "width " + width);
  }

  @Test
  void resamplesWhereTheMetricIsUndefinedAreSkippedAndCounted() {
    // 4 rows, 1 churner: a resample misses the churner with probability (3/4)^4 ~ 0.32 (AUC and
    // lift undefined) and has only the churner with probability (1/4)^4 ~ 0.004 (AUC undefined).
    // Expected used: AUC ~ 680, lift ~ 684 of 1000; the bands are > 10 binomial sd wide.
    BinaryMetrics m = RankingMetricsTest.metrics(new double[] {0.9, 0.4, 0.3, 0.1}, 1, 0, 0, 0);
    BootstrapResult r = Bootstrap.withSeed(5).run(m);
    int aucUsed = r.auc().resamplesUsed();
    int liftUsed = r.topDecileLift().resamplesUsed();
    assertTrue(aucUsed > 530 && aucUsed < 830, "auc used " + aucUsed);
    // lift needs a churner, AUC a churner and a non-churner: lift is defined at least as often
    assertTrue(liftUsed >= aucUsed && liftUsed < 830, "lift used " + liftUsed);
    assertTrue(r.auc().ciLow() <= r.auc().ciHigh());
  }

  @Test
  void noUsableResampleGivesNoInterval() {
    BinaryMetrics m = RankingMetricsTest.metrics(new double[] {0.9, 0.4, 0.3}, 0, 0, 0);
    BootstrapResult r = new Bootstrap(50, 1, 0.95).run(m);
    for (MetricValue v : r.metrics()) {
      assertEquals(0, v.resamplesUsed());
      assertTrue(Double.isNaN(v.value()) && !v.hasInterval());
    }
  }

  @Test
  void weightedKernelsMatchAMaterialisedResample() {
    // The bootstrap scores a resample as row counts over the ranking instead of building it.
    // Build it for real (rows repeated, in original-index order) and compare exactly.
    BinaryMetrics m = synthetic();
    Ranking ranking = m.ranking();
    int n = ranking.size();
    MersenneTwister rng = new MersenneTwister(99);
    for (int trial = 0; trial < 5; trial++) {
      int[] weights = new int[n];
      for (int i = 0; i < n; i++) {
        weights[rng.nextInt(n)]++;
      }
      double[] s = new double[n];
      boolean[] y = new boolean[n];
      int k = 0;
      for (int row = 0; row < n; row++) {
        int position = positionOf(ranking, row);
        for (int c = 0; c < weights[position]; c++) {
          s[k] = ranking.scores[position];
          y[k] = ranking.churned[position];
          k++;
        }
      }
      BinaryMetrics resample = BinaryMetrics.of(Arrays.copyOf(s, k), Arrays.copyOf(y, k));
      assertEquals(resample.auc(), ranking.auc(weights));
      assertEquals(resample.topDecileLift(), ranking.topGroupLift(weights, BinaryMetrics.DECILES));
    }
  }

  private static int positionOf(Ranking ranking, int originalRow) {
    for (int r = 0; r < ranking.size(); r++) {
      if (ranking.originalIndex[r] == originalRow) {
        return r;
      }
    }
    throw new AssertionError(originalRow);
  }

  @Test
  void percentileInterpolatesLinearlyBetweenOrderStatistics() {
    // Type 7: position h = (n-1) p; values {1,2,3,4}:
    //   p = 2.5 %: h = 3 * 0.025 = 0.075 -> 1 + 0.075 * (2-1) = 1.075
    //   p = 97.5 %: h = 2.925 -> 3 + 0.925 * (4-3) = 3.925   (numpy.percentile gives the same)
    double[] v = {3, 1, 4, 2};
    assertEquals(1.075, Bootstrap.percentile(v, 2.5), 1e-12);
    assertEquals(3.925, Bootstrap.percentile(v, 97.5), 1e-12);
    assertEquals(2.5, Bootstrap.percentile(v, 50), 1e-12);
  }
}
