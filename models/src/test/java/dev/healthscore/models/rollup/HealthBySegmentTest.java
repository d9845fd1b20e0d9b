package dev.healthscore.models.rollup;

import static dev.healthscore.models.testing.HealthRows.T;
import static dev.healthscore.models.testing.HealthRows.at;
import static dev.healthscore.testing.TestSpark.assertRows;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.healthscore.models.testing.HealthRows;
import java.sql.Date;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

/** Rollup arithmetic: band counts and ARR, plain and ARR-weighted means, ARR at risk, nulls, breakdown rows. */
class HealthBySegmentTest {
  static final LocalDate T1 = T.minusDays(1);
  static final Date D = Date.valueOf(T);
  static final Date D1 = Date.valueOf(T1);

  /*
   * At T (high churn risk from 0.30):
   *   a smb/emea/retail/csm1  arr 1000  80 green   p 0.10            alerted (two alerts, counted once)
   *   b smb/emea/retail/csm1  arr 3000  40 red     p 0.50  at risk
   *   c smb/null/retail/null  arr null  60 yellow  p 0.20            alerted
   *   d enterprise/amer/tech/csm2  arr 6000  no score  p 0.35  at risk (probability only)
   * At T-1, before any model: e smb/emea/retail/csm1 arr 500, 30 red, p null.
   * Opportunities at T: a expansion and advocacy, b collections, c advocacy (ARR null: counted, no ARR).
   */
  static Dataset<Row> rollup() {
    Dataset<Row> health = HealthRows.of(
        at("a").dims("smb", "emea", "retail", "csm1").arr(1000.0).score(80, "green").p(0.10),
        at("b").dims("smb", "emea", "retail", "csm1").arr(3000.0).score(40, "red").p(0.50),
        at("c").dims("smb", null, "retail", null).arr(null).score(60, "yellow").p(0.20),
        at("d").dims("enterprise", "amer", "tech", "csm2").arr(6000.0).p(0.35),
        at("e", T1).dims("smb", "emea", "retail", "csm1").arr(500.0).score(30, "red"));
    Dataset<Row> alerts = HealthRows.of(at("a"), at("a"), at("c"));
    Dataset<Row> opportunities = dev.healthscore.testing.TestSpark.spark().createDataFrame(List.of(
            RowFactory.create("a", D, "expansion"), RowFactory.create("a", D, "advocacy"),
            RowFactory.create("b", D, "collections"), RowFactory.create("c", D, "advocacy")),
        new org.apache.spark.sql.types.StructType().add("account_id", "string").add("as_of_date", "date").add("signal", "string"));
    return HealthBySegment.rollup(health, alerts, opportunities, 0.30);
  }

  static Row row(Date date, String breakdown, String segment, String region, String industry, String csm, Object... measures) {
    Object[] v = new Object[6 + measures.length];
    v[0] = date;
    v[1] = breakdown;
    v[2] = segment;
    v[3] = region;
    v[4] = industry;
    v[5] = csm;
    System.arraycopy(measures, 0, v, 6, measures.length);
    return RowFactory.create(v);
  }

  /* measures: accounts, green, yellow, red, arr, arr_green, arr_yellow, arr_red, mean score, ARR-weighted score,
   * mean p, ARR-weighted p, at risk, ARR at risk, with alerts, needing attention; then accounts and ARR with
   * expansion, advocacy, collections */
  static final Object[] AB = {2L, 1L, 0L, 1L, 4000.0, 1000.0, 0.0, 3000.0,
      60.0, 50.0 /* (1000*80 + 3000*40) / 4000 */, 0.3, 0.4 /* (1000*0.1 + 3000*0.5) / 4000 */, 1L, 3000.0, 1L, 2L,
      1L, 1000.0, 1L, 1000.0, 1L, 3000.0};
  /* c: a null ARR counts 0 in sums and leaves the ARR-weighted means without weight: null */
  static final Object[] C = {1L, 0L, 1L, 0L, 0.0, 0.0, 0.0, 0.0, 60.0, null, 0.2, null, 0L, 0.0, 1L, 1L, 0L, 0.0, 1L, 0.0, 0L, 0.0};
  /* d: no score: no band, no score means; at risk by probability alone */
  static final Object[] DD = {1L, 0L, 0L, 0L, 6000.0, 0.0, 0.0, 0.0, null, null, 0.35, 0.35, 1L, 6000.0, 0L, 1L, 0L, 0.0, 0L, 0.0, 0L, 0.0};
  /* a + b + c: mean p (0.1 + 0.5 + 0.2) / 3 = 0.26667 */
  static final Object[] ABC = {3L, 1L, 1L, 1L, 4000.0, 1000.0, 0.0, 3000.0, 60.0, 50.0, 0.2667, 0.4, 1L, 3000.0, 2L, 3L,
      1L, 1000.0, 2L, 1000.0, 1L, 3000.0};

  @Test
  void detailRowsNullSafe_andEveryBreakdown() {
    Dataset<Row> out = rollup();
    List<String> dims = List.of("as_of_date", "breakdown", "segment", "region", "industry", "csm_owner");
    assertEquals(dims, Arrays.asList(out.columns()).subList(0, 6));
    assertEquals(List.of("accounts", "accounts_green", "accounts_yellow", "accounts_red", "arr", "arr_green", "arr_yellow",
        "arr_red", "mean_health_score", "arr_weighted_health_score", "mean_churn_probability", "arr_weighted_churn_probability",
        "accounts_at_risk", "arr_at_risk", "accounts_with_alerts", "accounts_needing_attention", "accounts_expansion", "arr_expansion",
        "accounts_advocacy", "arr_advocacy", "accounts_collections", "arr_collections"),
        Arrays.asList(out.columns()).subList(6, out.columns().length));
    assertRows(out.filter("as_of_date = DATE'2024-06-30' AND breakdown IN ('detail', 'segment', 'region')"), List.of(
        row(D, "detail", "smb", "emea", "retail", "csm1", AB),
        row(D, "detail", "smb", "(none)", "retail", "(none)", C),
        row(D, "detail", "enterprise", "amer", "tech", "csm2", DD),
        row(D, "segment", "smb", "(all)", "(all)", "(all)", ABC),
        row(D, "segment", "enterprise", "(all)", "(all)", "(all)", DD),
        row(D, "region", "(all)", "emea", "(all)", "(all)", AB),
        row(D, "region", "(all)", "(none)", "(all)", "(all)", C),
        row(D, "region", "(all)", "amer", "(all)", "(all)", DD)));
    assertRows(out.filter("as_of_date = DATE'2024-06-30' AND breakdown IN ('industry', 'csm_owner')"), List.of(
        row(D, "industry", "(all)", "(all)", "retail", "(all)", ABC),
        row(D, "industry", "(all)", "(all)", "tech", "(all)", DD),
        row(D, "csm_owner", "(all)", "(all)", "(all)", "csm1", AB),
        row(D, "csm_owner", "(all)", "(all)", "(all)", "(none)", C),
        row(D, "csm_owner", "(all)", "(all)", "(all)", "csm2", DD)));
  }

  @Test
  void totalsPerDate_noModelMeansNullProbabilities() {
    assertRows(rollup().filter("breakdown = 'total'"), List.of(
        // mean p (0.1 + 0.5 + 0.2 + 0.35) / 4 = 0.2875; ARR-weighted (100 + 1500 + 2100) / 10000 = 0.37
        row(D, "total", "(all)", "(all)", "(all)", "(all)",
            4L, 1L, 1L, 1L, 10000.0, 1000.0, 0.0, 3000.0, 60.0, 50.0, 0.2875, 0.37, 2L, 9000.0, 2L, 4L,
            1L, 1000.0, 2L, 1000.0, 1L, 3000.0),
        row(D1, "total", "(all)", "(all)", "(all)", "(all)",
            1L, 0L, 0L, 1L, 500.0, 0.0, 0.0, 500.0, 30.0, 30.0, null, null, 1L, 500.0, 0L, 1L, 0L, 0.0, 0L, 0.0, 0L, 0.0)));
    // every breakdown of T-1 is its one account
    assertEquals(6, rollup().filter("as_of_date = DATE'2024-06-29'").count());
  }
}
