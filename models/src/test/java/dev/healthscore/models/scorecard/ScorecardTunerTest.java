package dev.healthscore.models.scorecard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.healthscore.features.config.HealthscoreConfig;
import dev.healthscore.models.churn.TrainingSet;
import dev.healthscore.testing.TestSpark;
import java.sql.Date;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The weight fit on a hand-built world whose answer is known: every combination of a
 * predictive feature s (0..9), a noise feature n (0..9) and a replicate k (0..3), 400 rows;
 * churned = (s <= 2 and k != 0) or (s == 7 and k == 0). The label does not depend on n at all,
 * and every (s, k) appears once with each n, so the fitted coefficient of n is exactly 0 (its
 * gradient at 0 is sum over n of n times sum over (s, k) of (y - p), and the intercept makes the
 * inner sum 0), while low s means churn.
 */
class ScorecardTunerTest {
  static final Set<String> KNOWN = Set.of("signal", "noise", "days_to_renewal");
  static final String SECTION = """
      id: toy-v1
      bands: {mode: fixed, yellow_from: 50, green_from: 75}
      groups:
        health:
          weight: 1
          measures:
            signal: {weight: 1, direction: higher, normalize: range, bad: 0, good: 9}
        chatter:
          weight: 1
          measures:
            noise: {weight: 1, direction: higher, normalize: range, bad: 0, good: 9}
      """;

  static JsonNode section() {
    try {
      return HealthscoreConfig.yamlMapper().readTree(SECTION);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static Dataset<Row> world() {
    StructType schema = new StructType().add("account_id", "string").add("as_of_date", "date").add("signal", "double")
        .add("noise", "double").add(TrainingSet.LABEL, "double");
    List<Row> rows = new ArrayList<>();
    Date d = Date.valueOf("2024-06-30");
    for (int s = 0; s < 10; s++) {
      for (int n = 0; n < 10; n++) {
        for (int k = 0; k < 4; k++) {
          boolean churned = (s <= 2 && k != 0) || (s == 7 && k == 0);
          rows.add(RowFactory.create("a" + s + n + k, d, (double) s, (double) n, churned ? 1.0 : 0.0));
        }
      }
    }
    return TestSpark.spark().createDataFrame(rows, schema);
  }

  @Test
  void predictiveMeasureGetsTheWeight_noiseGetsTheFloor() {
    ScorecardConfig cfg = ScorecardConfig.parse(section(), "test", KNOWN);
    Dataset<Row> points = Scorecard.measurePoints(world(), cfg);
    // points: range 0..9 -> 0..10
    Row r = points.filter("account_id = 'a903'").first();
    assertEquals(10.0, r.<Double>getAs("points_signal"), 1e-12);
    assertEquals(0.0, r.<Double>getAs("points_noise"), 1e-12);

    ScorecardTuner.Fit fit = ScorecardTuner.fit(points, cfg, 0.0);
    assertEquals(List.of("signal", "noise"), fit.measures());
    assertTrue(fit.coefficients()[0] < -0.1, "more signal points, less churn: " + fit.coefficients()[0]);
    assertEquals(0.0, fit.coefficients()[1], 1e-6, "noise coefficient");

    ScorecardTuner.Weights w = ScorecardTuner.weights(cfg.defaultVariant(), fit);
    assertEquals(Map.of("health", 100.0, "chatter", 0.1), w.group()); // 0.1: the smallest positive group weight
    assertEquals(Map.of("signal", 1.0, "noise", 1.0), w.measure()); // one measure per group: mean 1
    assertEquals(1.0, w.effective().get("signal"), 1e-5);
    assertEquals(0.0, w.effective().get("noise"), 1e-5);
  }

  @Test
  void sameInputSameWeights() {
    ScorecardConfig cfg = ScorecardConfig.parse(section(), "test", KNOWN);
    Dataset<Row> points = Scorecard.measurePoints(world(), cfg);
    double[] a = ScorecardTuner.fit(points, cfg, 0.001).coefficients();
    double[] b = ScorecardTuner.fit(points, cfg, 0.001).coefficients();
    assertEquals(a[0], b[0], 0.0);
    assertEquals(a[1], b[1], 0.0);
  }

  @Test
  void weightsFactorEffectiveWeightsIntoGroupsAndMeasures() {
    ScorecardConfig cfg = ScorecardConfig.parse(section(), "test", KNOWN);
    // e = (3, 1): signal carries 3/4 of the score
    ScorecardTuner.Weights w = ScorecardTuner.weights(cfg.defaultVariant(),
        new ScorecardTuner.Fit(List.of("signal", "noise"), new double[] {-3.0, -1.0}, 0.0, new double[2]));
    assertEquals(Map.of("health", 75.0, "chatter", 25.0), w.group());
    assertEquals(0.75, w.effective().get("signal"), 1e-12);
    IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> ScorecardTuner.weights(cfg.defaultVariant(),
        new ScorecardTuner.Fit(List.of("signal", "noise"), new double[] {0.0, 0.0}, 0.0, new double[2])));
    assertTrue(none.getMessage().contains("nothing to suggest"), none.getMessage());
  }

  @Test
  void twoMeasuresInOneGroup_weightsAverageOne() {
    JsonNode one = parse("""
        id: toy-v2
        groups:
          all:
            weight: 5
            measures:
              signal: {weight: 1, direction: higher, normalize: range, bad: 0, good: 9}
              noise: {weight: 1, direction: higher, normalize: range, bad: 0, good: 9}
        """);
    ScorecardConfig cfg = ScorecardConfig.parse(one, "test", KNOWN);
    ScorecardTuner.Weights w = ScorecardTuner.weights(cfg.defaultVariant(),
        new ScorecardTuner.Fit(List.of("signal", "noise"), new double[] {-0.3, -0.1}, 0.0, new double[2]));
    assertEquals(Map.of("all", 100.0), w.group());
    assertEquals(Map.of("signal", 1.5, "noise", 0.5), w.measure());
  }

  @Test
  void suggestedYaml_commentsOldValues_andParsesBackToTheSameScorecard() {
    ScorecardConfig cfg = ScorecardConfig.parse(section(), "test", KNOWN);
    ScorecardTuner.Weights w = ScorecardTuner.weights(cfg.defaultVariant(),
        new ScorecardTuner.Fit(List.of("signal", "noise"), new double[] {-3.0, -1.0}, 0.0, new double[2]));
    ObjectNode suggested = ScorecardTuner.suggestedSection((ObjectNode) section(), "toy-v1-tuned-20240630", w, new double[] {42.04, 80.0});
    String yaml = SuggestedYaml.write(null, section(), suggested, List.of("header line"));
    assertTrue(yaml.startsWith("# header line\n"), yaml);
    assertTrue(yaml.contains("  id: toy-v1-tuned-20240630  # was toy-v1\n"), yaml);
    assertTrue(yaml.contains("      weight: 75  # was 1\n"), yaml);
    assertTrue(yaml.contains("    yellow_from: 42  # was 50\n"), yaml);
    assertTrue(yaml.contains("    green_from: 80  # was 75\n"), yaml);
    assertTrue(yaml.contains("          weight: 1\n"), "an unchanged measure weight has no comment:\n" + yaml);
    ScorecardConfig back = ScorecardConfig.parse(HealthscoreConfig.fromYaml(yaml, "suggested.yaml").section("scorecard"), "s", KNOWN);
    assertEquals(ScorecardConfig.parse(suggested, "s", KNOWN).canonicalJson(), back.canonicalJson());
    assertEquals("toy-v1-tuned-20240630", back.id());
    assertEquals(75.0, back.defaultVariant().groups().get(0).weight());
    assertEquals(42.0, back.bands().yellowFrom());
    assertFalse(back.canonicalJson().equals(cfg.canonicalJson()));
  }

  @Test
  void renewalMeasure_addsAGroupWithAStepOnDaysToRenewal() {
    TuningConfig on = new TuningConfig(30, 0.001, true, true);
    ObjectNode s = ScorecardTuner.fitSection(section(), on, 90, "test");
    ScorecardConfig cfg = ScorecardConfig.parse(s, "test", KNOWN);
    assertEquals(List.of("health", "chatter", "renewal"), cfg.groupNames());
    ScorecardConfig.Measure m = cfg.defaultVariant().groups().get(2).measures().get(0);
    assertEquals("renewal_proximity", m.name());
    assertEquals("days_to_renewal", m.feature());
    // 0 points with the renewal within the horizon (<= 90 days), 10 after it: the same for every renewing account
    StructType schema = new StructType().add("account_id", "string").add("as_of_date", "date").add("signal", "double")
        .add("noise", "double").add("days_to_renewal", "double");
    Date d = Date.valueOf("2024-06-30");
    List<Row> in = new ArrayList<>();
    double[] days = {0, 45, 90, 91, 365};
    for (int i = 0; i < days.length; i++) in.add(RowFactory.create("r" + i, d, 5.0, 5.0, days[i]));
    in.add(RowFactory.create("r9", d, 5.0, 5.0, null));
    List<Row> points = Scorecard.measurePoints(TestSpark.spark().createDataFrame(in, schema), cfg).orderBy("account_id")
        .select("points_renewal_proximity").collectAsList();
    assertEquals(List.of(0.0, 0.0, 0.0, 10.0, 10.0), points.subList(0, 5).stream().map(r -> r.getDouble(0)).toList());
    assertTrue(points.get(5).isNullAt(0), "no running contract: no value, the measure's weight is re-spread");
    String yaml = SuggestedYaml.write(null, section(), s, List.of());
    assertTrue(yaml.contains("    renewal:  # added\n      weight: 1\n      measures:\n        renewal_proximity:\n"
        + "          feature: days_to_renewal\n"), "one mark for the added group:\n" + yaml);
    ScorecardConfig back = ScorecardConfig.parse(HealthscoreConfig.fromYaml(yaml, "s.yaml").section("scorecard"), "s", KNOWN);
    assertEquals(cfg.canonicalJson(), back.canonicalJson(), "the step reads back from the YAML");
    TuningConfig off = new TuningConfig(30, 0.001, false, true);
    assertEquals(section(), ScorecardTuner.fitSection(section(), off, 90, "test"));
  }

  @Test
  void tuningSection_defaultsFromTheYaml_unknownKeyNamesFileAndKey() {
    TuningConfig d = TuningConfig.from(HealthscoreConfig.defaults());
    assertEquals(new TuningConfig(30, 0.001, false, true), d);
    var e = assertThrows(dev.healthscore.features.config.ConfigException.class,
        () -> TuningConfig.from(HealthscoreConfig.fromYaml("tuning: {min_churners: 3}", "my.yaml")));
    assertTrue(e.getMessage().startsWith("config my.yaml: tuning.min_churners: unknown key"), e.getMessage());
    var bad = assertThrows(dev.healthscore.features.config.ConfigException.class,
        () -> TuningConfig.from(HealthscoreConfig.fromYaml("tuning: {renewal_measure: maybe}", "my.yaml")));
    assertTrue(bad.getMessage().startsWith("config my.yaml: tuning.renewal_measure: must be true or false"), bad.getMessage());
  }

  @Test
  void metrics_exactOnATinyExample() {
    // risk = 100 - score; rows: (score, band, churned, renewing)
    double[] score = {20, 40, 60, 80, 90, Double.NaN};
    String[] band = {"red", "red", "yellow", "green", "green", null};
    boolean[] churned = {true, false, true, false, false, false};
    boolean[] renewing = {true, true, false, true, false, false};
    List<TuningMetrics.Metric> m = TuningMetrics.of(score, band, churned, renewing, null);
    // pairs churner > non-churner by risk: churners risk 80, 40; non-churners 60, 20, 10, 50 -> 4 + 2 = 6 of 8
    assertEquals(6.0 / 8, TuningMetrics.value(m, TuningMetrics.AUC, null), 1e-12);
    // renewing: risks 80 (churned), 60, 20 -> 2 of 2
    assertEquals(1.0, TuningMetrics.value(m, TuningMetrics.AUC_RENEWING, null), 1e-12);
    assertEquals(0.5, TuningMetrics.value(m, TuningMetrics.CHURN_RATE, "red"), 1e-12);
    assertEquals(0.0, TuningMetrics.value(m, TuningMetrics.CHURN_RATE, "green"), 1e-12);
    assertEquals(2.0 / 6, TuningMetrics.value(m, TuningMetrics.SHARE, "red"), 1e-12);
    assertEquals(1.0 / 6, TuningMetrics.value(m, TuningMetrics.SHARE, TuningMetrics.NO_SCORE), 1e-12);
    assertTrue(Double.isNaN(TuningMetrics.value(m, TuningMetrics.RED_GREEN_RATIO, null)), "green has no churner: undefined");
  }

  @Test
  void modelComparison_exactOnATinyExample() {
    // the six rows of metrics_exactOnATinyExample, with a churn model's probability and risk band
    boolean[] churned = {true, false, true, false, false, false};
    boolean[] renewing = {true, true, false, true, false, false};
    double[] probability = {0.9, 0.2, 0.25, 0.05, 0.1, 0.3};
    List<TuningMetrics.Metric> model = TuningMetrics.ofModel(probability, churned, renewing, null);
    // churner 0.9 outranks all 4 non-churners, churner 0.25 outranks 0.2, 0.05, 0.1 but not 0.3: 7 of 8 pairs
    assertEquals(7.0 / 8, TuningMetrics.value(model, TuningMetrics.AUC, null), 1e-12);
    // renewing: 0.9 (churned) vs 0.2, 0.05
    assertEquals(1.0, TuningMetrics.value(model, TuningMetrics.AUC_RENEWING, null), 1e-12);
    TuningMetrics.Metric renewingAuc = model.stream().filter(m -> m.metric().equals(TuningMetrics.AUC_RENEWING)).findFirst().orElseThrow();
    assertEquals(3, renewingAuc.rows());
    assertEquals(1, renewingAuc.churners());

    String[] band = {"red", "red", "yellow", "green", "green", null};
    String[] riskBand = {"high", "low", "medium", "low", "low", "low"};
    TuningMetrics.Metric red = TuningMetrics.redRatedLowRisk(band, riskBand, churned, "low");
    // red rows 0 and 1; the model rates row 1 low risk
    assertEquals(new TuningMetrics.Metric(TuningMetrics.RED_LOW_CHURN_RISK, null, 0.5, null, null, 2, 1), red);
    String[] noRed = {"green", "yellow", "yellow", "green", "green", null};
    assertTrue(Double.isNaN(TuningMetrics.redRatedLowRisk(noRed, riskBand, churned, "low").value()), "no red row: undefined");

    double[] score = {20, 40, 60, 80, 90, Double.NaN};
    List<TuningMetrics.Metric> card = TuningMetrics.of(score, band, churned, renewing, null); // AUC 6/8
    TuningMetrics.Metric gap = TuningMetrics.aucGapToModel(model, card);
    assertEquals(TuningMetrics.AUC_GAP_TO_MODEL, gap.metric());
    assertEquals(7.0 / 8 - 6.0 / 8, gap.value(), 1e-12);
    assertEquals(6, gap.rows());
  }

  static JsonNode parse(String yaml) {
    try {
      return HealthscoreConfig.yamlMapper().readTree(yaml);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
