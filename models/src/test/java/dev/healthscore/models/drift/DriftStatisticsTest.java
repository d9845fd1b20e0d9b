package dev.healthscore.models.drift;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.healthscore.features.config.HealthscoreConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The drift statistics on hand-computed fixtures (no Spark). */
class DriftStatisticsTest {
  static final MonitoringConfig DEFAULTS = MonitoringConfig.from(HealthscoreConfig.defaults());

  @Test
  void binsAreRightClosedOnTheEdges() {
    double[] edges = {1, 2, 3};
    assertEquals(0, DriftStatistics.bin(0.5, edges));
    assertEquals(0, DriftStatistics.bin(1, edges));
    assertEquals(1, DriftStatistics.bin(1.5, edges));
    assertEquals(2, DriftStatistics.bin(3, edges));
    assertEquals(3, DriftStatistics.bin(4, edges));
    // 0, 1, 1 in x <= 1; 2 in (1, 2]; 5 above
    assertArrayEquals(new double[] {0.6, 0.2, 0.2}, DriftStatistics.binShares(new double[] {0, 1, 1, 2, 5}, new double[] {1, 2}), 1e-12);
  }

  @Test
  void psiOnHandComputedShares() {
    assertEquals(0.0, DriftStatistics.psi(new double[] {0.3, 0.7}, new double[] {0.3, 0.7}), 1e-15);
    // 0.3 ln(0.8/0.5) + (-0.3) ln(0.2/0.5) = 0.3 x 0.470004 + 0.3 x 0.916291
    assertEquals(0.415888308, DriftStatistics.psi(new double[] {0.5, 0.5}, new double[] {0.8, 0.2}), 1e-9);
    // an empty training bin counts as 0.0001: -0.1 ln(0.8) + (0.1 - 0.0001) ln(0.1 / 0.0001)
    assertEquals(0.712399108, DriftStatistics.psi(new double[] {0.5, 0.5, 0}, new double[] {0.5, 0.4, 0.1}), 1e-9);
  }

  @Test
  void kolmogorovSmirnovOnTwoSmallSamples() {
    // x = 1..4, y = 2.5, 3.5, 5, 6: the CDFs differ by at most 2/4 (after 2, 3 and 4)
    DriftStatistics.Ks ks = DriftStatistics.ks(new double[] {1, 2, 3, 4}, new double[] {2.5, 3.5, 5, 6});
    assertEquals(0.5, ks.statistic(), 1e-12);
    // exact: P(D > 1/2) for n = m = 4 is 1 - 54/70, 54 of the 70 orderings keeping the CDFs within 2/4 of each other
    assertEquals(16.0 / 70, ks.pValue(), 1e-9);
    assertNull(DriftStatistics.ks(new double[] {1}, new double[] {1, 2})); // one value says nothing about a distribution
  }

  @Test
  void trainingRowsGivePsiAndMissingShareChangeWithStatus() {
    FeatureProfile trained = new FeatureProfile("logins_30d", List.of(10.0), List.of(0.5, 0.5), 0.10, 10.0, 2.0, 100);
    FeatureProfile same = new FeatureProfile("logins_30d", List.of(10.0), List.of(0.5, 0.5), 0.12, 10.0, 2.0, 50);
    FeatureProfile shifted = new FeatureProfile("logins_30d", List.of(10.0), List.of(0.8, 0.2), 0.40, 10.0, 2.0, 50);
    assertEquals(List.of(new FeatureDrift.Row("logins_30d", "training", "psi", 0.0, 0.1, "ok"),
            new FeatureDrift.Row("logins_30d", "training", "missing_share_change", 0.12 - 0.10, 0.05, "ok")),
        FeatureDrift.vsTraining(List.of(trained), List.of(same), DEFAULTS));
    List<FeatureDrift.Row> rows = FeatureDrift.vsTraining(List.of(trained), List.of(shifted), DEFAULTS);
    assertEquals("alert", rows.get(0).status()); // psi 0.416 >= 0.25
    assertEquals(0.25, rows.get(0).threshold());
    assertEquals(0.30, rows.get(1).value(), 1e-12); // 0.40 - 0.10 >= 0.2
    assertEquals("alert", rows.get(1).status());
  }

  @Test
  void previousRunKsCountsOnlyWhenItsPValueIsSmall() {
    // D = 0.5 >= 0.2 but p = 0.229 >= 0.01: four accounts say nothing, ok
    List<FeatureDrift.Row> small = FeatureDrift.vsPrevious("x", new double[] {1, 2, 3, 4}, 5, new double[] {2.5, 3.5, 5, 6}, 4, DEFAULTS);
    assertEquals(new FeatureDrift.Row("x", "previous_run", "ks_statistic", 0.5, 0.1, "ok"), small.get(0));
    assertEquals("ks_p_value", small.get(1).statistic());
    assertEquals(16.0 / 70, small.get(1).value(), 1e-9);
    assertEquals("ok", small.get(1).status());
    // 1 of 5 accounts without a value tonight, 0 of 4 before: 0.2 >= 0.2
    assertEquals(new FeatureDrift.Row("x", "previous_run", "missing_share_change", 0.2, 0.2, "alert"), small.get(2));
    // 100 vs 100 values, every value tonight 3x: D = 2/3 (1..100 against 3..300), p far below 0.01
    double[] before = new double[100];
    double[] after = new double[100];
    for (int i = 0; i < 100; i++) {
      before[i] = i + 1;
      after[i] = 3 * (i + 1);
    }
    List<FeatureDrift.Row> big = FeatureDrift.vsPrevious("x", after, 100, before, 100, DEFAULTS);
    assertEquals(0.67, big.get(0).value(), 1e-12); // after 100: 1.0 vs 33/100
    assertEquals("alert", big.get(0).status());
    assertEquals(0.2, big.get(0).threshold());
  }

  @Test
  void bandSharesAndScoresAgainstThePreviousRun() {
    // red 5 of 20 (0.25) vs 1 of 20 (0.05); green 15 of 20 vs 18 of 20; yellow only before: 1 of 20
    List<FeatureDrift.Row> bands = FeatureDrift.bandShares("health_band", Map.of("red", 5L, "green", 15L),
        Map.of("red", 1L, "green", 18L, "yellow", 1L), DEFAULTS);
    assertEquals(List.of("health_band=green", "health_band=red", "health_band=yellow"), bands.stream().map(FeatureDrift.Row::feature).toList());
    assertEquals(0.15, bands.get(0).value(), 1e-12);
    assertEquals("alert", bands.get(0).status());
    assertEquals(0.20, bands.get(1).value(), 1e-12);
    assertEquals(0.05, bands.get(2).value(), 1e-12);
    assertEquals("warn", bands.get(2).status());
    // deciles of 1..10 are 1..9: the same values give PSI 0 and D 0, mean change 0
    double[] scores = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, FeatureDrift.deciles(scores));
    List<FeatureDrift.Row> same = FeatureDrift.scoreVsPrevious("health_score", scores, scores, DEFAULTS);
    assertEquals(List.of("psi", "ks_statistic", "ks_p_value", "mean_change"), same.stream().map(FeatureDrift.Row::statistic).toList());
    assertEquals(0.0, same.get(0).value(), 1e-15);
    assertEquals(0.0, same.get(1).value(), 1e-15);
    assertEquals(0.0, same.get(3).value(), 1e-15);
  }

  @Test
  void inputVolumeAgainstTheTrailingMedian() {
    List<Long> trailing = List.of(100L, 120L, 80L, 110L); // median 105
    assertEquals(new FeatureDrift.Row("usage_events", "trailing_runs", "row_count", 40.0, 52.5, "alert"),
        FeatureDrift.volume("usage_events", 40, trailing, false, DEFAULTS));
    assertEquals(new FeatureDrift.Row("usage_events", "trailing_runs", "row_count", 80.0, 84.0, "warn"),
        FeatureDrift.volume("usage_events", 80, trailing, false, DEFAULTS));
    assertEquals("ok", FeatureDrift.volume("usage_events", 90, trailing, false, DEFAULTS).status());
    assertEquals("alert", FeatureDrift.volume("usage_events", 0, List.of(), false, DEFAULTS).status());
    // an optional table that never had rows is fine; one that had some and has none is not
    assertEquals("ok", FeatureDrift.volume("nps_responses", 0, List.of(0L, 0L), true, DEFAULTS).status());
    assertEquals("alert", FeatureDrift.volume("nps_responses", 0, List.of(5L, 7L), true, DEFAULTS).status());
  }
}
