package dev.healthscore.models.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.healthscore.features.config.HealthscoreConfig;
import dev.healthscore.testing.TestSpark;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** evaluate's input drift per cutoff and the line relating a degraded latest cutoff to it, on hand-computed fixtures. */
class CutoffDriftTest {
  static final MonitoringConfig DEFAULTS = MonitoringConfig.from(HealthscoreConfig.defaults());
  static final LocalDate JUL = LocalDate.parse("2025-07-31");
  static final LocalDate AUG = LocalDate.parse("2025-08-31");
  static final LocalDate SEP = LocalDate.parse("2025-09-30");
  static final StructType SCHEMA = new StructType().add("account_id", "string").add("x", "double").add("segment", "string");

  static FeatureDrift.Row psi(String feature, double value) {
    return new FeatureDrift.Row(feature, FeatureDrift.TRAINING, FeatureDrift.PSI, value, DEFAULTS.psi().threshold(DEFAULTS.psi().status(value)),
        DEFAULTS.psi().status(value));
  }

  /** July and August with 95 % CIs, then September's AUC. */
  static List<CutoffDrift.CutoffAuc> aucs(double september) {
    return List.of(new CutoffDrift.CutoffAuc(JUL, 0.84, 0.80, 0.88), new CutoffDrift.CutoffAuc(AUG, 0.82, 0.78, 0.86),
        new CutoffDrift.CutoffAuc(SEP, september, september - 0.04, september + 0.04));
  }

  static final CutoffDrift.Summary DRIFTED = CutoffDrift.Summary.of(SEP,
      List.of(psi("tenure_days", 0.05), psi("seats", 0.30), psi("active_users_30d", 0.41)));
  static final CutoffDrift.Summary QUIET = CutoffDrift.Summary.of(SEP, List.of(psi("seats", 0.02), psi("tenure_days", 0.07)));

  @Test
  void degradedMeansBelowTheLowerEndOfTheBestEarlierCutoffsCi() {
    // the best earlier cutoff is July (0.84, CI [0.80, 0.88]): 0.79 is below its CI, 0.80 is not
    assertTrue(CutoffDrift.degraded(aucs(0.79)));
    assertFalse(CutoffDrift.degraded(aucs(0.80)));
    assertFalse(CutoffDrift.degraded(aucs(0.90)));
    assertFalse(CutoffDrift.degraded(List.of(new CutoffDrift.CutoffAuc(SEP, 0.5, 0.4, 0.6))));
    // without a bootstrap CI any drop counts
    assertTrue(CutoffDrift.degraded(List.of(new CutoffDrift.CutoffAuc(JUL, 0.84, null, null), new CutoffDrift.CutoffAuc(SEP, 0.839, null, null))));
  }

  @Test
  void theLineSaysWhetherADegradedCutoffCameWithDrift() {
    assertEquals(2, DRIFTED.inAlert().size());
    assertEquals(0.41, DRIFTED.maxPsi());
    assertEquals("active_users_30d 0.41, seats 0.30", DRIFTED.alertList());
    // degraded, with drift
    assertEquals("AUC at the latest cutoff 2025-09-30 is 0.780, 0.060 below the best earlier cutoff 2025-07-31 (0.840, 95 % CI "
        + "[0.800, 0.880]): degraded; its inputs drifted from training: 2 in PSI alert (active_users_30d 0.41, seats 0.30)",
        CutoffDrift.statement(aucs(0.78), DRIFTED));
    // degraded, no input in alert
    assertEquals("AUC at the latest cutoff 2025-09-30 is 0.780, 0.060 below the best earlier cutoff 2025-07-31 (0.840, 95 % CI "
        + "[0.800, 0.880]): degraded, with no input in PSI alert (max PSI 0.07, tenure_days): the drop is not explained by input shift",
        CutoffDrift.statement(aucs(0.78), QUIET));
    // a drop within the CI: not degraded, whatever the drift
    assertEquals("AUC at the latest cutoff 2025-09-30 is 0.810, 0.030 below the best earlier cutoff 2025-07-31 (0.840, 95 % CI "
        + "[0.800, 0.880]): within that CI, not degraded; its inputs vs training: 2 in PSI alert (active_users_30d 0.41, seats 0.30)",
        CutoffDrift.statement(aucs(0.81), DRIFTED));
    // not below
    assertEquals("AUC at the latest cutoff 2025-09-30 is 0.850, not below the earlier cutoffs (best 0.840 on 2025-07-31); "
        + "its inputs vs training: no input in PSI alert (max PSI 0.07, tenure_days)", CutoffDrift.statement(aucs(0.85), QUIET));
    // no bootstrap: any drop is degraded, and the line says why
    assertEquals("AUC at the latest cutoff 2025-09-30 is 0.830, 0.010 below the best earlier cutoff 2025-07-31 (0.840, no CI: "
        + "evaluation.bootstrap_resamples is 0, any drop counts): degraded, with no input in PSI alert (max PSI 0.07, tenure_days): "
        + "the drop is not explained by input shift", CutoffDrift.statement(List.of(new CutoffDrift.CutoffAuc(JUL, 0.84, null, null),
        new CutoffDrift.CutoffAuc(SEP, 0.83, null, null)), QUIET));
    // one cutoff: nothing to compare
    assertEquals("AUC at the only cutoff 2025-09-30 is 0.780, no earlier cutoff to compare with; its inputs vs training: "
        + "2 in PSI alert (active_users_30d 0.41, seats 0.30)",
        CutoffDrift.statement(List.of(new CutoffDrift.CutoffAuc(SEP, 0.78, 0.74, 0.82)), DRIFTED));
  }

  @Test
  void theScoredRowsAgainstTheTrainingRows_numericDerivedAndCategorical() {
    List<Row> training = new ArrayList<>();
    String[] segments = {"smb", "smb", "smb", "smb", "smb", "mid", "mid", "mid", "ent", "ent"};
    for (int i = 1; i <= 10; i++) training.add(RowFactory.create("a" + i, (double) i, segments[i - 1]));
    List<Row> scored = List.of(RowFactory.create("a1", 1.0, "smb"), RowFactory.create("a2", 2.0, "mid"),
        RowFactory.create("a3", 3.0, "ent"), RowFactory.create("a4", 100.0, "ent"));
    Dataset<Row> trainingRows = TestSpark.spark().createDataFrame(training, SCHEMA);
    Dataset<Row> scoredRows = TestSpark.spark().createDataFrame(scored, SCHEMA);
    List<FeatureDrift.Row> rows = CutoffDrift.psi(trainingRows, scoredRows, Map.of("x2", "x * 2"), List.of("x", "x2"), List.of("segment"),
        DEFAULTS);
    // x: training deciles 1..9, one value per bin; scored 1, 2, 3, 100: a quarter in bins 0, 1, 2 and 9, none in the six others:
    // 4 × (0.25 − 0.1)·ln 2.5 + 6 × (0.1 − 0.0001)·ln 1000 = 0.549774 + 4.140508; x2 = 2x: the same bins, the same PSI
    double x = 4.690282953346387;
    // segment 50/30/20 → smb 25, mid 25, ent 50: 0.25·ln 2 + 0.05·ln 1.2 + 0.3·ln 2.5
    double segment = 0.4572900925419306;
    assertEquals(List.of("x", "x2", "segment"), rows.stream().map(FeatureDrift.Row::feature).toList());
    assertEquals(x, rows.get(0).value(), 1e-9);
    assertEquals(x, rows.get(1).value(), 1e-9);
    assertEquals(segment, rows.get(2).value(), 1e-12);
    CutoffDrift.Summary s = CutoffDrift.Summary.of(SEP, rows);
    assertEquals("x", s.maxPsiInput());
    assertEquals(x, s.maxPsi(), 1e-9);
    assertEquals("x 4.69, x2 4.69, segment 0.46", s.alertList());
  }
}
