package dev.healthscore.models.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.healthscore.testing.TestSpark;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The rows evaluate writes for one cutoff, and the single-best-feature baseline. */
class CutoffEvaluationTest {
  static final LocalDate C = LocalDate.of(2024, 6, 30);
  // Eight accounts, churners are #1, #2 and #5 (0-based 0, 1, 4).
  static final boolean[] Y = {true, true, false, false, true, false, false, false};
  // probabilities ranking churners 1st, 2nd and 4th: AUC = (5 + 5 + 4) / 15 = 14/15
  static final double[] P = {0.9, 0.8, 0.7, 0.2, 0.6, 0.1, 0.1, 0.05};
  // a rule score with ties: churners and non-churners tied at 50 count half
  static final double[] RULE = {60, 50, 50, 40, 30, 20, 10, 0};

  static Map<String, CutoffEvaluation.Metric> byMetric(CutoffEvaluation.Result r, String model) {
    return r.metrics().stream().filter(m -> m.model().equals(model)).collect(Collectors.toMap(CutoffEvaluation.Metric::metric, m -> m));
  }

  @Test
  void metricsForEachModel_probabilityMetricsOnlyForProbabilities_confusionOnlyForTheChurnModel() {
    List<ModelScores> models = List.of(
        new ModelScores(ModelKind.CHURN_MODEL, "m1", P, true, new String[] {"high", "high", "high", "low", "high", "low", "low", "low"}),
        new ModelScores(ModelKind.HEALTH_SCORE, "default-v1", RULE, false, new String[] {"red", "red", "yellow", "yellow", "green", "green", "green", "green"}));
    CutoffEvaluation.Result r = CutoffEvaluation.evaluate(C, Y, models, 0.25, 0.5, new Bootstrap(200, 7, 0.95));
    assertEquals(8, r.accounts());
    assertEquals(3, r.churners());

    Map<String, CutoffEvaluation.Metric> model = byMetric(r, ModelKind.CHURN_MODEL.id());
    assertEquals(14.0 / 15, model.get("auc").value(), 1e-12);
    assertNotNull(model.get("auc").ciLow());
    assertTrue(model.get("auc").ciLow() <= model.get("auc").value() && model.get("auc").value() <= model.get("auc").ciHigh());
    // capacity 25 % of 8 = 2 accounts: both churners
    assertEquals(2.0, model.get("capacity_accounts").value());
    assertEquals(1.0, model.get("precision_at_capacity").value());
    assertEquals(2.0 / 3, model.get("recall_at_capacity").value(), 1e-12);
    assertEquals(2.0, model.get("churners_captured_at_capacity").value());
    assertEquals(3.0 / 8, model.get("churn_rate").value());
    // threshold 0.5: predicted {0.9, 0.8, 0.7, 0.6} -> tp 3, fp 1, tn 4, fn 0
    assertEquals(0.5, model.get("confusion_threshold").value());
    assertEquals(3.0, model.get("confusion_tp").value());
    assertEquals(1.0, model.get("confusion_fp").value());
    assertEquals(4.0, model.get("confusion_tn").value());
    assertEquals(0.0, model.get("confusion_fn").value());
    // Brier = mean (p - y)^2
    double brier = 0;
    for (int i = 0; i < 8; i++) brier += Math.pow(P[i] - (Y[i] ? 1 : 0), 2);
    assertEquals(brier / 8, model.get("brier").value(), 1e-12);
    assertTrue(model.containsKey("log_loss") && model.containsKey("ece"));

    Map<String, CutoffEvaluation.Metric> rule = byMetric(r, ModelKind.HEALTH_SCORE.id());
    // pairs (churner, stayer): 60 beats all 5; 50 beats 4 stayers + ties one (0.5); 30 beats 3 of 5 -> (5 + 4.5 + 3) / 15
    assertEquals(12.5 / 15, rule.get("auc").value(), 1e-12);
    assertEquals("default-v1", rule.get("auc").detail());
    assertTrue(!rule.containsKey("log_loss") && !rule.containsKey("ece") && !rule.containsKey("confusion_tp"));

    // calibration bins only for the probability model; 10 deciles per model; ROC from (0,0) to (1,1)
    assertEquals(10, r.calibration().size());
    assertTrue(r.calibration().stream().allMatch(c -> c.model().equals(ModelKind.CHURN_MODEL.id())));
    assertEquals(20, r.gains().size());
    List<CutoffEvaluation.Roc> roc = r.roc().stream().filter(p -> p.model().equals(ModelKind.CHURN_MODEL.id())).toList();
    assertEquals(0.0, roc.get(0).roc().tpr());
    assertEquals(1.0, roc.get(roc.size() - 1).roc().fpr());
    // band churn rates: red 2/2, yellow 0/2, green 1/4
    Map<String, GroupRate> bands = r.bandRates().stream().filter(b -> b.model().equals(ModelKind.HEALTH_SCORE.id()))
        .collect(Collectors.toMap(b -> b.rate().group(), CutoffEvaluation.BandRate::rate));
    assertEquals(1.0, bands.get("red").rate());
    assertEquals(0.0, bands.get("yellow").rate());
    assertEquals(0.25, bands.get("green").rate());
  }

  @Test
  void withoutBootstrapThereAreNoIntervals() {
    CutoffEvaluation.Result r = CutoffEvaluation.evaluate(C, Y,
        List.of(new ModelScores(ModelKind.BASE_RATE, "0.3", new double[] {.3, .3, .3, .3, .3, .3, .3, .3}, true, null)),
        0.1, 0.5, null);
    CutoffEvaluation.Metric auc = byMetric(r, ModelKind.BASE_RATE.id()).get("auc");
    assertEquals(0.5, auc.value());
    assertNull(auc.ciLow());
  }

  @Test
  void rocCurveIsThinnedToAtMost200PointsKeepingBothEnds() {
    List<RocPoint> curve = new ArrayList<>();
    for (int i = 0; i <= 1000; i++) curve.add(new RocPoint(1000 - i, i / 1000.0, Math.sqrt(i / 1000.0)));
    List<RocPoint> thin = CutoffEvaluation.thin(curve);
    assertEquals(200, thin.size());
    assertEquals(curve.get(0), thin.get(0));
    assertEquals(curve.get(1000), thin.get(199));
  }

  @Test
  void bestFeatureIsChosenOnTrainingRows_inEitherDirection_missingValuesTakeTheMedian() {
    StructType schema = new StructType().add("a", "double").add("b", "double").add("churned", "double");
    // a: no signal (AUC 0.5); b: lower = churn, perfectly (AUC 0 -> oriented 1.0); b has one missing value
    List<Row> rows = List.of(
        RowFactory.create(1.0, 1.0, 1.0), RowFactory.create(2.0, 2.0, 1.0), RowFactory.create(1.0, 5.0, 0.0),
        RowFactory.create(2.0, 6.0, 0.0), RowFactory.create(1.5, null, 0.0), RowFactory.create(1.5, 7.0, 0.0));
    Dataset<Row> training = TestSpark.spark().createDataFrame(rows, schema);
    BestFeature best = BestFeature.choose(training, List.of("a", "b"), "churned");
    assertEquals("b", best.feature());
    assertTrue(!best.higherMeansChurn());
    assertEquals(5.0, best.fill()); // median of 1, 2, 5, 6, 7
    assertEquals(1.0, best.trainingAuc(), 1e-12);
    List<Row> scored = training.select(best.score()).collectAsList();
    assertEquals(-1.0, scored.get(0).getDouble(0));
    assertEquals(-5.0, scored.get(4).getDouble(0));
  }
  @Test
  void aucRenewing_isTheAucAmongRenewingAccountsOnly() {
    // renewing: accounts 0, 2, 3, 4 -> churn model P 0.9 (y), 0.7, 0.2, 0.6 (y): pairs 2 + 1 of 4 = 3/4;
    // rule 60 (y), 50, 40, 30 (y): 2 + 0 of 4 = 1/2
    boolean[] renewing = {true, false, true, true, true, false, false, false};
    List<ModelScores> models = List.of(new ModelScores(ModelKind.CHURN_MODEL, "m1", P, true, null),
        new ModelScores(ModelKind.HEALTH_SCORE, "default-v1", RULE, false, null));
    CutoffEvaluation.Result r = CutoffEvaluation.evaluate(C, Y, renewing, models, 0.25, 0.5, null);
    assertEquals(0.75, byMetric(r, ModelKind.CHURN_MODEL.id()).get(CutoffEvaluation.AUC_RENEWING).value(), 1e-12);
    assertEquals(0.5, byMetric(r, ModelKind.HEALTH_SCORE.id()).get(CutoffEvaluation.AUC_RENEWING).value(), 1e-12);
    assertEquals(14.0 / 15, byMetric(r, ModelKind.CHURN_MODEL.id()).get("auc").value(), 1e-12, "the other metrics as before");
    CutoffEvaluation.Result none = CutoffEvaluation.evaluate(C, Y, new boolean[8], models, 0.25, 0.5, new Bootstrap(50, 7, 0.95));
    assertTrue(Double.isNaN(byMetric(none, ModelKind.HEALTH_SCORE.id()).get(CutoffEvaluation.AUC_RENEWING).value()));
    CutoffEvaluation.Result ci = CutoffEvaluation.evaluate(C, Y, renewing, models, 0.25, 0.5, new Bootstrap(200, 7, 0.95));
    assertNotNull(byMetric(ci, ModelKind.HEALTH_SCORE.id()).get(CutoffEvaluation.AUC_RENEWING).ciLow());
  }
}
