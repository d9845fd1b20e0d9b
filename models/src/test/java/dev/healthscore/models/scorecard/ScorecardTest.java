package dev.healthscore.models.scorecard;

import static dev.healthscore.testing.TestSpark.assertRows;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.healthscore.features.FeatureCatalog;
import dev.healthscore.features.config.HealthscoreConfig;
import dev.healthscore.testing.TestSpark;
import java.sql.Date;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * Exact scores on tiny hand-computed fixtures. Notation: p = points 0-10 of a measure,
 * w = measure weight, W = group weight; group = 10 * sum(w p) / sum(w), total = sum(W group) / sum(W),
 * both over the measures / groups that have a value. Effective weight of a measure
 * e = W / sum(W) * w / sum(w); weighted points lost = e * 10 * (10 - p).
 */
class ScorecardTest {
  static final Set<String> CATALOG = ScorecardConfigTest.CATALOG;
  static final Date D1 = Date.valueOf("2024-06-30");
  static final Date D2 = Date.valueOf("2024-07-31");

  /**
   * Default: usage (W 3) = seats (range 0.2..0.7, w 1) + features (percentile, top 20 % capped, w 1);
   * support (W 1) = p1 (tiers, w 1) + champion (boolean, w 3).
   * Enterprise: usage (W 1) = seats; relationship (W 1) = nps (range 0..10).
   */
  static final String CONFIG = """
      scorecard:
        id: test-v1
        bands: {mode: fixed, yellow_from: 50, green_from: 75}
        groups:
          usage:
            weight: 3
            measures:
              seats: {feature: active_users_per_seat, weight: 1, direction: higher, normalize: range, bad: 0.2, good: 0.7}
              features: {feature: distinct_features_30d, weight: 1, direction: higher, normalize: percentile, top_share: 0.2}
          support:
            weight: 1
            measures:
              p1:
                feature: p1_tickets_90d
                weight: 1
                normalize: tiers
                tiers:
                  - {below: 1, points: 10}
                  - {from: 1, below: 3, points: 5}
                  - {from: 3, points: 0}
              champion: {feature: champion_departures_180d, weight: 3, normalize: boolean, when: "> 0", points: 0, otherwise: 10}
        segments:
          enterprise:
            groups:
              usage:
                weight: 1
                measures:
                  seats: {feature: active_users_per_seat, weight: 1, direction: higher, normalize: range, bad: 0.2, good: 0.7}
              relationship:
                weight: 1
                measures:
                  nps: {feature: nps_last, weight: 1, direction: higher, normalize: range, bad: 0, good: 10}
      """;

  static final List<String> FIXTURE_FEATURES =
      List.of("active_users_per_seat", "distinct_features_30d", "p1_tickets_90d", "champion_departures_180d", "nps_last");

  static ScorecardConfig config(String yaml) {
    return ScorecardConfig.from(HealthscoreConfig.fromYaml(yaml, "test.yaml"), CATALOG);
  }

  /** Rows of (account_id, as_of_date, segment, feature values in {@code featureNames} order). */
  static Dataset<Row> features(List<String> featureNames, Object[]... rows) {
    StructType schema = new StructType()
        .add("account_id", DataTypes.StringType)
        .add("as_of_date", DataTypes.DateType)
        .add("segment", DataTypes.StringType)
        .add("region", DataTypes.StringType)
        .add("tenure_days", DataTypes.DoubleType);
    for (String f : featureNames) schema = schema.add(f, DataTypes.DoubleType);
    List<Row> out = new ArrayList<>();
    for (Object[] r : rows) {
      List<Object> values = new ArrayList<>(List.of(r[0], r[1]));
      values.add(r[2]);
      values.add("emea");
      values.add(400.0);
      for (int i = 3; i < r.length; i++) values.add(r[i] == null ? null : ((Number) r[i]).doubleValue());
      out.add(RowFactory.create(values.toArray()));
    }
    return TestSpark.spark().createDataFrame(out, schema);
  }

  static Object[] row(Object... values) {
    return values;
  }

  /** One driver: measure, value, points lost (0-10), weighted points lost (0-100). */
  static Row d(String measure, Double value, double pointsLost, double weightedPointsLost) {
    return RowFactory.create(measure, value, pointsLost, weightedPointsLost);
  }

  static scala.collection.immutable.Seq<Row> drivers(Row... ds) {
    return scala.jdk.javaapi.CollectionConverters.asScala(Arrays.asList(ds)).toList();
  }

  //                  seats  features  p1    champion nps
  static Dataset<Row> fixture() {
    return features(FIXTURE_FEATURES,
        row("a1", D1, "smb", 0.7, 10, 0, 0, null),
        row("a2", D1, "smb", 0.45, 8, 1, 1, null),
        row("a3", D1, "mid_market", 0.1, 8, 4, 0, 9),
        row("a4", D1, "mid_market", 1.0, 2, 2, null, null),
        row("a5", D1, null, 0.35, null, null, null, null),
        row("e1", D1, "enterprise", 0.45, 20, 5, 0, 10),
        row("e2", D1, "Enterprise ", null, 0, 0, 2, 3),
        row("a1", D2, "smb", 0.7, 3, 0, 0, null));
  }

  /*
   * Points per measure on D1.
   * seats, range 0.2..0.7: p = 10 * clamp((v - 0.2) / 0.5):
   *   a1 0.7 -> 10; a2 0.45 -> 5; a3 0.1 -> 0 (clamped); a4 1.0 -> 10 (clamped); a5 0.35 -> 3; e1 0.45 -> 5; e2 null.
   * features, percentile over all 6 non-null values of D1 (a5 is null), pr = (worse + (ties-1)/2) / (n-1),
   *   p = 10 * min(1, pr / 0.8):  e2 0 -> pr 0 -> 0;  a4 2 -> pr 1/5 -> 2.5;  a2, a3 8 (tied) -> pr (2 + 0.5)/5 = 0.5 -> 6.25;
   *   a1 10 -> pr 4/5 = 0.8 -> 10 (capped: without the cap 8);  e1 20 -> pr 1 -> 10.
   *   On D2 a1 is alone: pr = 0.5 -> 6.25.
   * p1 tiers: 0 -> 10; 1, 2 -> 5; 4, 5 -> 0.   champion boolean "> 0": 0 -> 10, 1 -> 0.   nps range 0..10: p = v.
   */
  @Test
  void scoresEveryNormalizationGroupWeightingSegmentAndMissingData() {
    ScorecardConfig cfg = config(CONFIG);
    Dataset<Row> scored = Scorecard.score(fixture(), cfg);
    assertRows(scored.select("account_id", "as_of_date", "health_score", "health_band", "score_usage", "score_support",
            "score_relationship", "measures_missing", "drivers", "scorecard_variant"),
        List.of(
            // usage 10*(10+10)/2 = 100; support 10*(1*10 + 3*10)/4 = 100; total 100. Nothing lost.
            RowFactory.create("a1", D1, 100.0, "green", 100.0, 100.0, null, 0, drivers(), "default"),
            // usage 10*(5 + 6.25)/2 = 56.25; support 10*(1*5 + 3*0)/4 = 12.5; total (3*56.25 + 12.5)/4 = 45.3125.
            // e: seats, features 3/4*1/2 = .375; p1 1/4*1/4 = .0625; champion 1/4*3/4 = .1875.
            // lost: champion .1875*10*10 = 18.75, seats .375*10*5 = 18.75 (tie: by name), features .375*10*3.75 = 14.0625,
            // p1 .0625*10*5 = 3.125 (4th, dropped). Sum 54.6875 = 100 - 45.3125.
            RowFactory.create("a2", D1, 45.31, "red", 56.25, 12.5, null, 0,
                drivers(d("champion", 1.0, 10.0, 18.75), d("seats", 0.45, 5.0, 18.75), d("features", 8.0, 3.75, 14.06)), "default"),
            // usage 10*(0 + 6.25)/2 = 31.25; support 10*(0 + 3*10)/4 = 75; total (3*31.25 + 75)/4 = 42.1875.
            // lost: seats .375*100 = 37.5, features .375*37.5 = 14.0625, p1 .0625*100 = 6.25, champion 0 (not a driver).
            RowFactory.create("a3", D1, 42.19, "red", 31.25, 75.0, null, 0,
                drivers(d("seats", 0.1, 10.0, 37.5), d("features", 8.0, 3.75, 14.06), d("p1", 4.0, 10.0, 6.25)), "default"),
            // champion missing: its weight goes to p1. usage 10*(10 + 2.5)/2 = 62.5; support 10*5/1 = 50;
            // total (3*62.5 + 50)/4 = 59.375 -> yellow. e: features .375, p1 1/4*1/1 = .25.
            // lost: features .375*10*7.5 = 28.125, p1 .25*10*5 = 12.5, seats 0.
            RowFactory.create("a4", D1, 59.38, "yellow", 62.5, 50.0, null, 1,
                drivers(d("features", 2.0, 7.5, 28.13), d("p1", 2.0, 5.0, 12.5)), "default"),
            // null segment -> default. features, p1, champion missing: support has no value and drops out;
            // usage = seats alone = 30; total 30. e(seats) = 1: lost 1*10*7 = 70.
            RowFactory.create("a5", D1, 30.0, "red", 30.0, null, null, 3,
                drivers(d("seats", 0.35, 7.0, 70.0)), "default"),
            // enterprise: usage 10*5 = 50; relationship 10*10 = 100; total (50 + 100)/2 = 75 -> green (>= 75).
            // lost: seats 1/2*1*10*5 = 25. p1 = 5 tickets is not part of this scorecard (not missing either).
            RowFactory.create("e1", D1, 75.0, "green", 50.0, null, 100.0, 0,
                drivers(d("seats", 0.45, 5.0, 25.0)), "enterprise"),
            // "Enterprise " -> enterprise. seats missing: usage drops out; relationship 10*3 = 30; total 30.
            RowFactory.create("e2", D1, 30.0, "red", null, null, 30.0, 1,
                drivers(d("nps", 3.0, 7.0, 70.0)), "enterprise"),
            // D2 ranks on its own: features pr 0.5 -> 6.25. usage 10*(10 + 6.25)/2 = 81.25; support 100;
            // total (3*81.25 + 100)/4 = 85.9375. lost: features .375*10*3.75 = 14.0625.
            RowFactory.create("a1", D2, 85.94, "green", 81.25, 100.0, null, 0,
                drivers(d("features", 3.0, 3.75, 14.06)), "default")));
  }

  @Test
  void keepsInputColumnsAndStampsTheScorecard() {
    ScorecardConfig cfg = config(CONFIG);
    Dataset<Row> scored = Scorecard.score(fixture(), cfg);
    List<String> expected = new ArrayList<>(Arrays.asList(fixture().columns()));
    expected.addAll(List.of("health_score", "health_band", "score_usage", "score_support", "score_relationship",
        "measures_missing", "drivers", "scorecard_id", "scorecard_hash", "scorecard_variant"));
    assertEquals(expected, Arrays.asList(scored.columns()));
    assertEquals("array<struct<measure:string,value:double,points_lost:double,weighted_points_lost:double>>",
        scored.schema().apply("drivers").dataType().simpleString());
    assertEquals(DataTypes.DoubleType, scored.schema().apply("health_score").dataType());
    assertEquals(DataTypes.IntegerType, scored.schema().apply("measures_missing").dataType());
    assertRows(scored.select("scorecard_id", "scorecard_hash").distinct(), List.of(RowFactory.create("test-v1", cfg.hash())));
  }

  /*
   * Quantile bands per date: pr = (lower + (ties-1)/2) / (n-1) over the date's scores; red if pr < 0.25,
   * green if pr > 0.75. D1 scores ascending: a5 30, e2 30 (tied: pr (0 + 0.5)/6 = 0.083, red),
   * a3 42.19 (2/6, yellow), a2 45.31 (3/6, yellow), a4 59.38 (4/6, yellow), e1 75 (5/6 = 0.83, green), a1 100 (green).
   * D2: a1 alone, pr 0.5 -> yellow although it scores 85.94.
   */
  @Test
  void quantileBandsRankEachDate() {
    ScorecardConfig cfg = config(CONFIG.replace("{mode: fixed, yellow_from: 50, green_from: 75}", "{mode: quantile}"));
    assertRows(Scorecard.score(fixture(), cfg).select("account_id", "as_of_date", "health_band"), List.of(
        RowFactory.create("a5", D1, "red"),
        RowFactory.create("e2", D1, "red"),
        RowFactory.create("a3", D1, "yellow"),
        RowFactory.create("a2", D1, "yellow"),
        RowFactory.create("a4", D1, "yellow"),
        RowFactory.create("e1", D1, "green"),
        RowFactory.create("a1", D1, "green"),
        RowFactory.create("a1", D2, "yellow")));
  }

  /*
   * Percentile within segment, lower is better, no cap (top_share 0): p = 10 * pr, ordered worst (highest) first.
   * smb values 5, 2, 2, 1 (+ one null): 5 -> 0; 2, 2 -> (1 + 0.5)/3 = 0.5 -> 5; 1 -> 3/3 -> 10.
   * enterprise values 20, 10: 20 -> 0; 10 -> 10. The null account has no value at all: no score, no band.
   */
  @Test
  void percentileWithinSegmentLowerIsBetterAndAccountWithoutData() {
    ScorecardConfig cfg = config("""
        scorecard:
          id: pct
          groups:
            support:
              weight: 1
              measures:
                open_tickets: {weight: 1, direction: lower, normalize: percentile, top_share: 0, within: segment}
        """);
    Dataset<Row> in = features(List.of("open_tickets"),
        row("s1", D1, "smb", 5), row("s2", D1, "smb", 2), row("s3", D1, "smb", 2), row("s4", D1, "smb", 1),
        row("s5", D1, "smb", null), row("x1", D1, "enterprise", 20), row("x2", D1, "enterprise", 10));
    assertRows(Scorecard.score(in, cfg).select("account_id", "health_score", "health_band", "score_support", "measures_missing", "drivers"),
        List.of(
            RowFactory.create("s1", 0.0, "red", 0.0, 0, drivers(d("open_tickets", 5.0, 10.0, 100.0))),
            RowFactory.create("s2", 50.0, "yellow", 50.0, 0, drivers(d("open_tickets", 2.0, 5.0, 50.0))),
            RowFactory.create("s3", 50.0, "yellow", 50.0, 0, drivers(d("open_tickets", 2.0, 5.0, 50.0))),
            RowFactory.create("s4", 100.0, "green", 100.0, 0, drivers()),
            RowFactory.create("s5", null, null, null, 1, drivers()),
            RowFactory.create("x1", 0.0, "red", 0.0, 0, drivers(d("open_tickets", 20.0, 10.0, 100.0))),
            RowFactory.create("x2", 100.0, "green", 100.0, 0, drivers())));
  }

  /*
   * The built-in scorecard on a catalogue-shaped table. "best" has the best value of every measure
   * (it also has the higher of the two distinct_features_30d values: pr 1) -> 100. "weak" has only
   * distinct_features_30d, the lower one (pr 0 -> 0 points): usage = 0, every other group drops out,
   * total 0, 16 of 17 measures missing. "empty" has nothing: no score.
   */
  @Test
  void defaultScorecardRunsOnTheFeatureCatalog() {
    HealthscoreConfig defaults = HealthscoreConfig.defaults();
    ScorecardConfig cfg = ScorecardConfig.from(defaults, CATALOG);
    List<String> names = FeatureCatalog.allNames(FeatureCatalog.features(defaults)).stream()
        .filter(n -> !n.equals("tenure_days")).toList();
    java.util.Map<String, Double> best = new java.util.HashMap<>(java.util.Map.ofEntries(
        java.util.Map.entry("active_users_per_seat", 0.9), java.util.Map.entry("distinct_features_30d", 30.0),
        java.util.Map.entry("usage_trend_30d", 0.2), java.util.Map.entry("days_since_last_use", 1.0),
        java.util.Map.entry("open_tickets", 0.0), java.util.Map.entry("p1_tickets_90d", 0.0),
        java.util.Map.entry("sla_breaches_90d", 0.0), java.util.Map.entry("mean_csat_180d", 5.0),
        java.util.Map.entry("overdue_invoices", 0.0), java.util.Map.entry("max_days_past_due", 0.0),
        java.util.Map.entry("late_payment_share_365d", 0.0), java.util.Map.entry("meetings_calls_90d", 8.0),
        java.util.Map.entry("days_since_last_qbr", 30.0), java.util.Map.entry("champion_departures_180d", 0.0),
        java.util.Map.entry("executive_contacts_180d", 4.0), java.util.Map.entry("nps_last", 10.0),
        java.util.Map.entry("csm_score_last", 5.0)));
    Object[] bestRow = new Object[3 + names.size()];
    Object[] weakRow = new Object[3 + names.size()];
    Object[] emptyRow = new Object[3 + names.size()];
    bestRow[0] = "best";
    weakRow[0] = "weak";
    emptyRow[0] = "empty";
    bestRow[1] = weakRow[1] = emptyRow[1] = D1;
    bestRow[2] = "enterprise";
    weakRow[2] = "smb";
    emptyRow[2] = "mid_market";
    for (int i = 0; i < names.size(); i++) {
      bestRow[3 + i] = best.getOrDefault(names.get(i), 1.0);
      weakRow[3 + i] = names.get(i).equals("distinct_features_30d") ? 1.0 : null;
    }
    Dataset<Row> scored = Scorecard.score(features(names, bestRow, weakRow, emptyRow), cfg);
    assertRows(scored.select(col("account_id"), col("health_score"), col("health_band"), col("score_usage"),
            col("score_engagement"), col("measures_missing"), col("drivers"), col("scorecard_variant")),
        List.of(
            RowFactory.create("best", 100.0, "green", 100.0, 100.0, 0, drivers(), "enterprise"),
            RowFactory.create("weak", 0.0, "red", 0.0, null, 16, drivers(d("distinct_features_30d", 1.0, 10.0, 100.0)), "default"),
            RowFactory.create("empty", null, null, null, null, 17, drivers(), "default")));
  }

  @Test
  void missingFeatureColumnIsAClearError() {
    ScorecardConfig cfg = config(CONFIG);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Scorecard.score(fixture().drop("nps_last"), cfg));
    assertEquals("scorecard 'test-v1': the features table has no column 'nps_last'", e.getMessage());
  }
}
