package dev.healthscore.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.healthscore.jobs.testing.TestWorlds;
import dev.healthscore.testing.Fixtures;
import dev.healthscore.testing.TestSpark;
import dev.healthscore.testing.WarehouseCut;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** train → registry → nightly fills churn columns; the promotion rule; nothing after T is used. */
class TrainCommandTest {
  static final String T = TestWorlds.LAST_DAY.toString();
  /** A deliberately weak challenger: tenure alone. */
  static final String WEAK = """
        features: [tenure_days]
        derived: {}
        log1p: []
        missing_indicators: []
        categorical: []
      """;

  static Dataset<Row> table(String lake, String name) {
    return TestSpark.spark().read().format("delta").load(lake + "/" + name);
  }

  static CliTestSupport.Outcome train(String lake, String config, String... extra) {
    return trainOn(TestWorlds.small(), lake, config, extra);
  }

  static CliTestSupport.Outcome trainOn(String warehouse, String lake, String config, String... extra) {
    List<String> args = new java.util.ArrayList<>(List.of("train", "--warehouse", warehouse, "--lake", lake, "--as-of", T,
        "--config", config));
    args.addAll(List.of(extra));
    return CliTestSupport.run(args.toArray(String[]::new));
  }

  private static String trained;

  /**
   * A lake with one model trained on the small world with the test config: shared by the
   * tests that only read that model or add to other tables (training is the slow part).
   */
  static synchronized String trainedLake() {
    if (trained == null) {
      String lake = TestSpark.tempDir("lake").toString();
      assertEquals(0, train(lake, TestWorlds.config("")).exitCode());
      trained = lake;
    }
    return trained;
  }

  /**
   * A copy of {@link #trainedLake()} that a test may change: the first training without paying
   * for it again. Its registry still names the model files under the original lake, which
   * stays in place for the whole test run.
   */
  private static String copyOfTrainedLake() {
    java.io.File copy = TestSpark.tempDir("lake").toFile();
    try {
      org.apache.commons.io.FileUtils.copyDirectory(new java.io.File(trainedLake()), copy);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return copy.toString();
  }

  static Map<String, String> statuses(String lake) {
    return table(lake, "churn_models").collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getAs("version"), r -> r.getAs("status")));
  }

  @Test
  void trainThenNightly_everyActiveAccountGetsAProbabilityReasonsAndVersion() {
    String lake = trainedLake();
    List<Row> models = table(lake, "churn_models").collectAsList();
    assertEquals(1, models.size());
    Row m = models.get(0);
    String version = m.getAs("version");
    assertEquals("champion", m.getAs("status"));
    assertEquals(T, m.getAs("as_of_date").toString());
    assertTrue(Files.isDirectory(Path.of(lake, "models", version, "stages")), "MLlib pipeline saved under models/<version>");
    double auc = m.getAs("validation_auc");
    assertTrue(auc > 0.6 && auc <= 1.0, "validation AUC " + auc);
    assertTrue(m.<String>getAs("decision").startsWith("promoted: first model"));
    // every snapshot's horizon ended by T
    for (Object d : m.getList(m.fieldIndex("snapshot_dates"))) {
      assertTrue(!((java.sql.Date) d).toLocalDate().plusDays(90).isAfter(TestWorlds.LAST_DAY));
    }

    assertEquals(0, CliTestSupport.run("nightly", "--warehouse", TestWorlds.small(), "--lake", lake, "--as-of", T,
        "--config", TestWorlds.config("")).exitCode());
    Dataset<Row> health = table(lake, "account_health").filter("as_of_date = DATE'" + T + "'");
    long accounts = health.count();
    assertTrue(accounts > 50, "active accounts " + accounts);
    assertEquals(accounts, health.filter("churn_probability BETWEEN 0 AND 1").count());
    assertEquals(accounts, health.filter("model_version = '" + version + "'").count());
    assertEquals(accounts, health.filter("churn_risk_band IN ('low', 'medium', 'high')").count());
    assertEquals(0, health.filter("size(churn_reasons) > 3 OR exists(churn_reasons, r -> r.log_odds <= 0)").count());
    assertTrue(health.filter("size(churn_reasons) > 0").count() > 0);
    checkForecastAndWorklist(lake, health);
    checkDriftAgainstTraining(lake, m);
  }

  /**
   * train stored a profile of every numeric input the model kept, and nightly compared the
   * inputs of T with it: one PSI and one missing-share change per profiled input, naming the champion.
   */
  static void checkDriftAgainstTraining(String lake, Row model) {
    List<Row> profile = model.getList(model.fieldIndex("input_profile"));
    List<String> features = model.getList(model.fieldIndex("features"));
    List<String> profiled = profile.stream().map(p -> p.<String>getAs("feature")).toList();
    assertTrue(profiled.size() > 10 && features.containsAll(profiled), profiled + " vs " + features);
    for (Row p : profile) {
      assertTrue(p.getList(p.fieldIndex("bin_edges")).size() <= 9, p.toString());
      assertEquals(p.getList(p.fieldIndex("bin_edges")).size() + 1, p.getList(p.fieldIndex("bin_shares")).size(), p.toString());
    }
    // the same inputs profiled 7, 14 and 21 days before the latest month-end snapshots (3 of the 12, model.validation_snapshots);
    // T is a month end, so the month-end one is used
    List<Row> moved = model.getList(model.fieldIndex("input_profile_before_month_end"));
    assertEquals(List.of(7, 14, 21), moved.stream().map(r -> r.getInt(0)).toList());
    long monthEndRows = profile.get(0).getLong(profile.get(0).fieldIndex("rows"));
    for (Row r : moved) {
      assertEquals(profiled, r.<Row>getList(1).stream().map(p -> p.<String>getAs("feature")).toList());
      long movedRows = r.<Row>getList(1).get(0).getLong(r.<Row>getList(1).get(0).fieldIndex("rows"));
      assertTrue(movedRows > 0 && movedRows * 2 < monthEndRows, movedRows + " rows moved back vs " + monthEndRows + " at month ends");
    }
    // the categorical input (model.categorical: segment): its category shares over the same rows, month end and moved back
    List<Row> categories = model.getList(model.fieldIndex("input_profile_categories"));
    assertEquals(List.of("segment"), categories.stream().map(p -> p.<String>getAs("feature")).toList());
    Row segment = categories.get(0);
    assertEquals(monthEndRows, segment.<Long>getAs("rows"));
    assertEquals(1.0, segment.<Double>getList(segment.fieldIndex("shares")).stream().mapToDouble(Double::doubleValue).sum(), 1e-9);
    assertEquals(segment.getList(segment.fieldIndex("categories")).size(), segment.getList(segment.fieldIndex("shares")).size());
    List<Row> movedCategories = model.getList(model.fieldIndex("input_profile_categories_before_month_end"));
    assertEquals(List.of(7, 14, 21), movedCategories.stream().map(r -> r.getInt(0)).toList());
    Dataset<Row> drift = table(lake, "feature_drift").filter("as_of_date = DATE'" + T + "' AND reference = 'training'");
    // a PSI and a missing-share change per numeric input, a PSI of the category shares of segment
    assertEquals(2L * profiled.size() + 1, drift.count());
    Set<String> psiFeatures = new java.util.HashSet<>(profiled);
    psiFeatures.add("segment");
    assertEquals(psiFeatures, drift.filter("statistic = 'psi'").select("feature").collectAsList().stream()
        .map(r -> r.getString(0)).collect(Collectors.toSet()));
    assertEquals(0, drift.filter("model_version <> '" + model.getAs("version") + "' OR value IS NULL OR value < 0").count());
    drift.filter("statistic = 'psi'").orderBy(org.apache.spark.sql.functions.desc("value")).show(50, false); // the log shows the values
  }

  /**
   * churn_forecast of T adds up to account_health (sum of p, sum of p x ARR at every level), its
   * intervals hold the expectation, its comments name the horizon, and a re-run gives the same
   * numbers (the simulation is seeded). account_worklist has the one attention count of health_by_segment.
   */
  static void checkForecastAndWorklist(String lake, Dataset<Row> health) {
    Row sums = health.selectExpr("count(*)", "sum(churn_probability)", "sum(churn_probability * coalesce(arr, 0))",
        "sum(coalesce(arr, 0))").first();
    Dataset<Row> forecast = table(lake, "churn_forecast").filter("as_of_date = DATE'" + T + "'");
    Row total = forecast.filter("level = 'total'").first();
    assertEquals(sums.getLong(0), total.<Long>getAs("accounts"));
    assertEquals(sums.getDouble(1), total.<Double>getAs("expected_churned_accounts"), 1e-6);
    assertEquals(sums.getDouble(2), total.<Double>getAs("expected_churned_arr"), 1e-3);
    assertEquals(1 - sums.getDouble(2) / sums.getDouble(3), total.<Double>getAs("grr_forecast"), 1e-9);
    for (String level : List.of("segment", "region", "industry", "csm_owner")) {
      Row byLevel = forecast.filter("level = '" + level + "'").selectExpr("sum(accounts)", "sum(expected_churned_arr)").first();
      assertEquals(sums.getLong(0), byLevel.getLong(0), level);
      assertEquals(sums.getDouble(2), byLevel.getDouble(1), 1e-3, level);
    }
    assertEquals(0, forecast.filter("NOT (churned_accounts_low_95 <= churned_accounts_low_80 "
        + "AND churned_accounts_low_80 <= churned_accounts_high_80 "
        + "AND churned_accounts_high_80 <= churned_accounts_high_95 AND churned_arr_low_95 <= churned_arr_low_80 "
        + "AND churned_arr_high_80 <= churned_arr_high_95 AND churned_arr_low_80 <= churned_arr_high_80) "
        + "OR horizon_days <> 90").count());
    // the expectation lies inside the total's 80 % interval (a one-account group's need not: p .05 gives [0, 0])
    assertTrue(total.<Long>getAs("churned_accounts_low_80") <= total.<Double>getAs("expected_churned_accounts")
        && total.<Double>getAs("expected_churned_accounts") <= total.<Long>getAs("churned_accounts_high_80"));
    assertTrue(total.<Double>getAs("churned_arr_low_80") <= total.<Double>getAs("expected_churned_arr")
        && total.<Double>getAs("expected_churned_arr") <= total.<Double>getAs("churned_arr_high_80"));
    String comment = TestSpark.spark().sql("DESCRIBE DETAIL delta.`" + lake + "/churn_forecast`").first().getAs("description");
    assertTrue(comment.contains("within 90 days"), comment);
    List<Row> before = forecast.drop("run_id", "computed_at").collectAsList();
    assertEquals(0, CliTestSupport.run("nightly", "--warehouse", TestWorlds.small(), "--lake", lake, "--as-of", T,
        "--config", TestWorlds.config("")).exitCode());
    TestSpark.assertRows(table(lake, "churn_forecast").filter("as_of_date = DATE'" + T + "'").drop("run_id", "computed_at"), before);

    long attention = table(lake, "health_by_segment").filter("as_of_date = DATE'" + T + "' AND breakdown = 'total'")
        .first().<Long>getAs("accounts_needing_attention");
    Dataset<Row> worklist = table(lake, "account_worklist").filter("as_of_date = DATE'" + T + "'");
    assertEquals(attention, worklist.count());
    assertTrue(attention > 0);
    // ranks 1..n by ARR at stake, highest first
    List<Row> ranked = worklist.orderBy("rank").select("rank", "arr_at_stake").collectAsList();
    for (int i = 0; i < ranked.size(); i++) {
      assertEquals(i + 1, ranked.get(i).getInt(0));
      if (i > 0) assertTrue(ranked.get(i - 1).getDouble(1) >= ranked.get(i).getDouble(1));
    }
  }

  @Test
  void promotion_aWorseChallengerIsRejectedUnlessForced() {
    String lake = copyOfTrainedLake(); // one model, trained with the test config
    assertEquals(1, table(lake, "churn_models").count());
    String first = table(lake, "churn_models").first().getAs("version");

    assertEquals(0, train(lake, TestWorlds.config(WEAK)).exitCode());
    Row weak = table(lake, "churn_models").filter("version <> '" + first + "'").first();
    assertEquals("rejected", weak.getAs("status"));
    assertEquals(first, weak.getAs("champion_version"));
    double weakAuc = weak.getAs("validation_auc");
    double championAuc = weak.getAs("champion_auc_same_rows");
    assertTrue(weakAuc < championAuc - 0.01, weakAuc + " vs " + championAuc);
    assertTrue(weak.<String>getAs("decision").startsWith("rejected: validation AUC"));
    assertEquals("champion", statuses(lake).get(first));

    assertEquals(0, train(lake, TestWorlds.config(WEAK), "--force").exitCode());
    Map<String, String> after = statuses(lake);
    assertEquals(3, after.size());
    assertEquals("retired", after.get(first));
    assertEquals(1, after.values().stream().filter("champion"::equals).count());
    Row forced = table(lake, "churn_models").filter("status = 'champion'").first();
    assertTrue(forced.<String>getAs("decision").startsWith("promoted by --force"));

    // a better model than the (weak) champion is promoted without --force
    assertEquals(0, train(lake, TestWorlds.config("")).exitCode());
    Row best = table(lake, "churn_models").filter("status = 'champion'").first();
    assertTrue(best.<String>getAs("decision").startsWith("promoted: validation AUC"), best.<String>getAs("decision"));
    assertEquals(Set.of("retired", "rejected", "champion"), Set.copyOf(statuses(lake).values()));
  }

  @Test
  void trainingUsesNothingAfterT_cutWarehouseGivesTheSameModel() {
    Map<String, Dataset<Row>> full = TestWorlds.tables(TestWorlds.small());
    String cut = Fixtures.writeParquet(WarehouseCut.at(full, TestWorlds.LAST_DAY));
    String lakeFull = trainedLake();
    String lakeCut = TestSpark.tempDir("lake").toString();
    assertEquals(0, trainOn(cut, lakeCut, TestWorlds.config("")).exitCode());
    Row a = table(lakeFull, "churn_models").first();
    Row b = table(lakeCut, "churn_models").first();
    assertEquals(a.<Long>getAs("n_rows"), b.<Long>getAs("n_rows"));
    assertEquals(a.<Long>getAs("n_churners"), b.<Long>getAs("n_churners"));
    List<Row> ca = a.getList(a.fieldIndex("coefficients"));
    List<Row> cb = b.getList(b.fieldIndex("coefficients"));
    assertEquals(ca.size(), cb.size());
    for (int i = 0; i < ca.size(); i++) {
      assertEquals(ca.get(i).<String>getAs("feature"), cb.get(i).getAs("feature"));
      assertEquals(ca.get(i).<Double>getAs("coefficient"), cb.get(i).<Double>getAs("coefficient"), 1e-9,
          ca.get(i).<String>getAs("feature"));
    }
    assertNotNull(a.getAs("validation_auc"));
    assertEquals(a.<Double>getAs("validation_auc"), b.<Double>getAs("validation_auc"), 1e-12);
  }
}
