package dev.healthscore.models.churn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.healthscore.testing.TestSpark;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import smile.classification.LogisticRegression;

/**
 * The churn model fit: MLlib against Smile on the same standardized rows, the out-of-time
 * split, the class-weight correction, reason codes and a save/load round trip.
 */
class ChurnTrainerTest {
  static final String PLAIN = """
        features: [x1, x2, x3]
        class_weights: none
        reg_params: [0.0]
        elastic_net_params: [0.0]
      """;
  static Dataset<Row> rows;

  @BeforeAll
  static void data() {
    rows = ChurnFixtures.rows(12, 150, -1.5, 7).cache();
  }

  /** z-scores with the sample standard deviation, as Spark's StandardScaler. */
  static double[][] standardized(List<Row> r, String... cols) {
    double[][] x = new double[r.size()][cols.length];
    for (int j = 0; j < cols.length; j++) {
      int jj = j;
      double[] v = r.stream().mapToDouble(row -> row.<Double>getAs(cols[jj])).toArray();
      double mean = IntStream.range(0, v.length).mapToDouble(i -> v[i]).average().orElseThrow();
      double ss = 0;
      for (double d : v) ss += (d - mean) * (d - mean);
      double sd = Math.sqrt(ss / (v.length - 1));
      for (int i = 0; i < v.length; i++) x[i][j] = (v[i] - mean) / sd;
    }
    return x;
  }

  static int[] labels(List<Row> r) {
    return r.stream().mapToInt(row -> (int) row.<Double>getAs("churned").doubleValue()).toArray();
  }

  @Test
  void eventTypeInputsAreListedWithTheSignOfTheirWeight() {
    var c = List.of(new ChurnModel.Coefficient("events_30d", -0.3, Math.exp(-0.3)),
        new ChurnModel.Coefficient("ev_exports_share_30d", -0.8, Math.exp(-0.8)),
        new ChurnModel.Coefficient("ev_exports_change_30d", 0.0, 1.0),
        new ChurnModel.Coefficient("ev_reports_per_user_30d", 0.2, Math.exp(0.2)));
    assertEquals("event-type inputs kept: ev_exports_share_30d -, ev_reports_per_user_30d + (1 of 3 zeroed)",
        ChurnTrainer.eventTypeInputs(c));
    assertEquals("event-type inputs kept: none (1 of 1 zeroed)",
        ChurnTrainer.eventTypeInputs(List.of(new ChurnModel.Coefficient("ev_a_share_30d", 0.0, 1.0))));
    assertEquals("", ChurnTrainer.eventTypeInputs(c.subList(0, 1))); // none offered: nothing printed
  }

  @Test
  void unregularizedFitAgreesWithSmile() {
    ChurnTrainer.Result result = ChurnTrainer.train(rows, ChurnFixtures.config(PLAIN), "t1");
    List<Row> r = rows.collectAsList();
    LogisticRegression.Binomial smile = LogisticRegression.binomial(standardized(r, "x1", "x2", "x3"), labels(r), 0.0, 1e-10, 1000);
    double[] w = smile.coefficients(); // one weight per column, then the intercept
    List<ChurnModel.Coefficient> ours = result.model().coefficients();
    assertEquals(List.of("x1", "x2", "x3"), ours.stream().map(ChurnModel.Coefficient::feature).toList());
    // Tolerance: both minimise the same log-likelihood, stopping at tolerances ~1e-7..1e-10.
    assertEquals(w[3], result.model().intercept(), 1e-4);
    for (int j = 0; j < 3; j++) assertEquals(w[j], ours.get(j).coefficient(), 1e-4, "coefficient of x" + (j + 1));
    assertEquals(Math.exp(ours.get(0).coefficient()), ours.get(0).oddsRatioPerSd(), 1e-12);
    // and the truth is recovered roughly: x1 has 1.2 per unit (= per SD here), x3 none
    assertEquals(1.2, ours.get(0).coefficient(), 0.15);
    assertEquals(0.0, ours.get(2).coefficient(), 0.15);
  }

  @Test
  void ridgeFitAgreesWithSmile() {
    // MLlib minimises mean log-loss + reg/2 |w|^2; Smile minimises summed log-loss + lambda/2 |w|^2: lambda = n * reg.
    String cfg = PLAIN.replace("reg_params: [0.0]", "reg_params: [0.05]");
    ChurnTrainer.Result result = ChurnTrainer.train(rows, ChurnFixtures.config(cfg), "t2");
    List<Row> r = rows.collectAsList();
    LogisticRegression.Binomial smile = LogisticRegression.binomial(standardized(r, "x1", "x2", "x3"), labels(r),
        0.05 * r.size(), 1e-10, 1000);
    double[] w = smile.coefficients();
    List<ChurnModel.Coefficient> ours = result.model().coefficients();
    assertEquals(w[3], result.model().intercept(), 1e-4);
    for (int j = 0; j < 3; j++) assertEquals(w[j], ours.get(j).coefficient(), 1e-4, "coefficient of x" + (j + 1));
  }

  @Test
  void validationIsOutOfTime_withAPurgeGapOfOneHorizon() {
    ChurnTrainer.Result result = ChurnTrainer.train(rows, ChurnFixtures.config(PLAIN), "t3");
    ChurnTrainer.Validation v = result.validation();
    LocalDate newest = LocalDate.of(2024, 10, 2);
    assertEquals(List.of(newest.minusMonths(2), newest.minusMonths(1), newest), v.validationDates());
    // training fold: snapshots whose 90-day horizon ends by 2024-08-02, i.e. up to 2024-05-02 (2024-06-02 + 90d = 08-31)
    assertEquals(newest.minusMonths(11), v.trainDates().get(0));
    assertEquals(newest.minusMonths(5), v.trainDates().get(v.trainDates().size() - 1));
    assertEquals(7 * 150, v.trainRows());
    assertEquals(3 * 150, v.validationRows());
    assertEquals(12 * 150, result.rows());
    assertEquals(450, result.validationRows().count());
  }

  @Test
  void balancedWeights_probabilitiesStillMatchTheChurnRate() {
    // a rare outcome: about 5 % churn
    Dataset<Row> rare = ChurnFixtures.rows(12, 300, -3.5, 11);
    String cfg = """
          features: [x1, x2, x3]
          class_weights: balanced
          reg_params: [0.001]
          elastic_net_params: [0.0]
        """;
    ChurnTrainer.Result result = ChurnTrainer.train(rare, ChurnFixtures.config(cfg), "t4");
    Dataset<Row> scored = result.model().score(rare, 0.1, 0.3, 0);
    double meanP = scored.agg(org.apache.spark.sql.functions.mean(ChurnModel.PROBABILITY)).first().getDouble(0);
    double rate = (double) result.churners() / result.rows();
    assertTrue(rate > 0.02 && rate < 0.1, "fixture churn rate " + rate);
    // without the correction the mean would be near 0.5
    assertEquals(rate, meanP, 0.15 * rate, "mean probability vs churn rate");
    assertEquals(Math.log((double) result.churners() / (result.rows() - result.churners())),
        Double.parseDouble(result.hyperParams().get("log_odds_offset")), 1e-12);
    assertTrue(result.validation().ece() < 0.03, "validation ECE " + result.validation().ece());
  }

  @Test
  void reasonsAreCoefficientTimesStandardizedValue_andAddUpToTheLogOdds() {
    String cfg = """
          features: [x1, x2, x4]
          missing_indicators: [x4]
          categorical: [segment]
          class_weights: none
          reg_params: [0.0]
          elastic_net_params: [0.0]
          reasons: 10
        """;
    ChurnTrainer.Result result = ChurnTrainer.train(rows, ChurnFixtures.config(cfg), "t5");
    ChurnModel model = result.model();
    // slots: numeric inputs, missing indicators, category levels but the most frequent (smb)
    assertEquals(List.of("x1", "x2", "x4", "x4_missing", "segment_enterprise", "segment_mid_market"), model.inputs());
    List<Row> scored = model.score(rows.limit(40), 0.1, 0.3, 10).collectAsList();
    for (Row row : scored) {
      double p = row.getAs(ChurnModel.PROBABILITY);
      List<Row> reasons = row.getList(row.fieldIndex(ChurnModel.REASONS));
      double previous = Double.MAX_VALUE;
      for (Row reason : reasons) {
        double lo = reason.getAs("log_odds");
        assertTrue(lo > 0 && lo <= previous + 1e-9, "reasons raise risk, strongest first");
        previous = lo;
      }
      assertTrue(p > 0 && p < 1);
    }
    // one account by hand: x1's reason is coefficient * (x1 - mean) / sd
    Row a = scored.stream().filter(r -> r.<Double>getAs("x1") > 1.5).findFirst().orElseThrow();
    List<Row> all = rows.collectAsList();
    double mean = all.stream().mapToDouble(r -> r.<Double>getAs("x1")).average().orElseThrow();
    double sd = Math.sqrt(all.stream().mapToDouble(r -> Math.pow(r.<Double>getAs("x1") - mean, 2)).sum() / (all.size() - 1));
    double expected = model.coefficients().get(0).coefficient() * (a.<Double>getAs("x1") - mean) / sd;
    Row x1 = a.<Row>getList(a.fieldIndex(ChurnModel.REASONS)).stream().filter(r -> r.getAs("feature").equals("x1"))
        .findFirst().orElseThrow();
    assertEquals(expected, x1.<Double>getAs("log_odds"), 1e-4);
    assertEquals(a.<Double>getAs("x1"), x1.<Double>getAs("value"), 0.0);
  }

  @Test
  void allMissingInputIsLeftOut() {
    Dataset<Row> noX4 = rows.withColumn("x4", org.apache.spark.sql.functions.lit(null).cast("double"));
    String cfg = """
          features: [x1, x4]
          missing_indicators: [x4]
          class_weights: none
          reg_params: [0.0]
          elastic_net_params: [0.0]
        """;
    ChurnTrainer.Result result = ChurnTrainer.train(noX4, ChurnFixtures.config(cfg), "t6");
    assertEquals(List.of("x4"), result.droppedInputs());
    assertEquals(List.of("x1"), result.model().inputs());
  }

  @Test
  void inputWithValuesOnlyInTheHeldOutSnapshotsIsLeftOut() {
    // a young warehouse: x4 has values on the 3 validation snapshots only; median imputation
    // fitted on the training fold would have nothing to take a median of
    List<java.sql.Date> dates = rows.select("as_of_date").distinct().orderBy("as_of_date").collectAsList().stream()
        .map(r -> r.getDate(0)).toList();
    java.sql.Date firstHeldOut = dates.get(dates.size() - 3);
    Dataset<Row> lateX4 = rows.withColumn("x4", org.apache.spark.sql.functions.when(
        org.apache.spark.sql.functions.col("as_of_date").geq(firstHeldOut), org.apache.spark.sql.functions.col("x1")));
    String cfg = """
          features: [x1, x4]
          class_weights: none
          reg_params: [0.0]
          elastic_net_params: [0.0]
        """;
    ChurnTrainer.Result result = ChurnTrainer.train(lateX4, ChurnFixtures.config(cfg), "t6b");
    assertEquals(List.of("x4"), result.droppedInputs());
    assertEquals(List.of("x1"), result.model().inputs());
  }

  @Test
  void saveLoadRoundTripScoresIdentically() {
    ChurnTrainer.Result result = ChurnTrainer.train(rows, ChurnFixtures.config(PLAIN), "t7");
    String path = TestSpark.tempDir("model").resolve("m").toString();
    result.model().save(path);
    ChurnModel loaded = ChurnModel.load(path, result.model().offset(), "t7");
    List<Row> before = result.model().score(rows, 0.1, 0.3, 3).orderBy("account_id", "as_of_date").collectAsList();
    List<Row> after = loaded.score(rows, 0.1, 0.3, 3).orderBy("account_id", "as_of_date").collectAsList();
    assertEquals(before, after);
    assertArrayEquals(result.model().coefficients().stream().mapToDouble(ChurnModel.Coefficient::coefficient).toArray(),
        loaded.coefficients().stream().mapToDouble(ChurnModel.Coefficient::coefficient).toArray(), 0.0);
  }
}
