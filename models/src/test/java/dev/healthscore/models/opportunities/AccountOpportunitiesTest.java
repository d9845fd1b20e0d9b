package dev.healthscore.models.opportunities;

import static dev.healthscore.models.testing.HealthRows.T;
import static dev.healthscore.models.testing.HealthRows.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.healthscore.features.config.ConfigException;
import dev.healthscore.features.config.HealthscoreConfig;
import dev.healthscore.models.testing.HealthRows;
import dev.healthscore.testing.TestSpark;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Each signal's rule on hand-made accounts at its thresholds, the evidence in words, and since when it has held. */
class AccountOpportunitiesTest {
  /** The defaults: expansion 0.8 per seat or growth 1.5, renewal > 60 days; advocacy NPS 9 / CSM 5, tenure 180; collections 30 days. */
  static final OpportunitiesConfig CFG = new OpportunitiesConfig(new OpportunitiesConfig.Expansion(0.8, 1.5, 60, 365),
      new OpportunitiesConfig.Advocacy(9, 5, 180), new OpportunitiesConfig.Collections(30));

  static final StructType FEATURES = new StructType().add("account_id", "string").add("as_of_date", "date")
      .add("seats", "long").add("active_users_30d", "long").add("active_users_per_seat", "double")
      .add("events_30d_vs_own_90d", "double").add("days_to_renewal", "integer").add("nps_last", "double")
      .add("csm_score_last", "double").add("p1_tickets_90d", "long").add("tenure_days", "integer")
      .add("overdue_invoices", "long").add("max_days_past_due", "double");

  /** A features row: seats, active users, growth, renewal, nps, csm, p1, tenure, overdue, days past due. */
  static Row f(String id, LocalDate date, Long seats, Long active, Double growth, Integer renewal, Double nps, Double csm, long p1,
               Integer tenure, long overdue, double pastDue) {
    Double perSeat = seats == null || active == null ? null : (double) active / seats;
    return RowFactory.create(id, Date.valueOf(date), seats, active, perSeat, growth, renewal, nps, csm, p1, tenure, overdue, pastDue);
  }

  static Row f(String id, Long seats, Long active, Double growth, Integer renewal, Double nps, Double csm, long p1, Integer tenure,
               long overdue, double pastDue) {
    return f(id, T, seats, active, growth, renewal, nps, csm, p1, tenure, overdue, pastDue);
  }

  static Dataset<Row> features(Row... rows) {
    return TestSpark.spark().createDataFrame(List.of(rows), FEATURES);
  }

  static Dataset<Row> previous(Object[]... rows) {
    List<Row> out = new ArrayList<>();
    for (Object[] r : rows) out.add(RowFactory.create(r[0], r[1], Date.valueOf((LocalDate) r[2])));
    return TestSpark.spark().createDataFrame(out, new StructType().add("account_id", "string").add("signal", "string").add("since", "date"));
  }

  /*
   * At T (green unless said; risk band low unless said):
   *   x1 42 of 50 seats (0.84), renewal in 200, p .04, NPS 10, tenure 400 -> expansion (since T-20: on the previous night's list) and advocacy
   *   x2 20 of 50 (0.40) but usage 1.55x, no renewal date, no model          -> expansion
   *   x3 45 of 50 (0.90), renewal in 60 (within 60)                           -> nothing
   *   x4 45 of 50, renewal in 200, risk medium                                -> nothing
   *   x5 yellow, 45 of 50, renewal in 200                                     -> nothing
   *   x6 40 of 50 (0.80 exactly), renewal in 61, p .05                        -> expansion
   *   x7 39 of 50 (0.78), usage 1.49x, renewal 200                            -> nothing
   *   a1 NPS 9 (exactly), no P1, tenure 180 (exactly)                         -> advocacy
   *   a2 NPS 6 but CSM 5, tenure 400                                          -> advocacy
   *   a3 NPS 10, a P1 ticket in 90 days, tenure 400                           -> nothing
   *   a4 NPS 10, tenure 179                                                   -> nothing
   *   a5 red, NPS 10, tenure 400                                              -> nothing
   *   c1 red, 2 overdue, oldest 45 days past due                              -> collections (was advocacy on the previous night: new run)
   *   c2 1 overdue, 29 days                                                   -> nothing
   *   c3 1 overdue, 30 days (exactly)                                         -> collections
   */
  static Dataset<Row> fixture() {
    Dataset<Row> health = HealthRows.of(
        at("x1").score(85, "green").p(0.04).set("churn_risk_band", "low").arr(5000.0).set("csm_owner", "csm1"),
        at("x2").score(80, "green").arr(3000.0),
        at("x3").score(80, "green").p(0.04).set("churn_risk_band", "low"),
        at("x4").score(80, "green").p(0.12).set("churn_risk_band", "medium"),
        at("x5").score(70, "yellow").p(0.04).set("churn_risk_band", "low"),
        at("x6").score(80, "green").p(0.05).set("churn_risk_band", "low"),
        at("x7").score(80, "green").p(0.05).set("churn_risk_band", "low"),
        at("a1").score(90, "green"), at("a2").score(90, "green"), at("a3").score(90, "green"), at("a4").score(90, "green"),
        at("a5").score(30, "red"),
        at("c1").score(30, "red").arr(700.0), at("c2").score(60, "yellow"), at("c3").score(80, "green"));
    Dataset<Row> features = features(
        f("x1", 50L, 42L, null, 200, 10.0, null, 0, 400, 0, 0),
        f("x2", 50L, 20L, 1.55, null, null, null, 0, 400, 0, 0),
        f("x3", 50L, 45L, null, 60, null, null, 0, 400, 0, 0),
        f("x4", 50L, 45L, null, 200, null, null, 0, 400, 0, 0),
        f("x5", 50L, 45L, null, 200, null, null, 0, 400, 0, 0),
        f("x6", 50L, 40L, null, 61, null, null, 0, 400, 0, 0),
        f("x7", 50L, 39L, 1.49, 200, null, null, 0, 400, 0, 0),
        f("a1", null, null, null, null, 9.0, null, 0, 180, 0, 0),
        f("a2", null, null, null, null, 6.0, 5.0, 0, 400, 0, 0),
        f("a3", null, null, null, null, 10.0, null, 1, 400, 0, 0),
        f("a4", null, null, null, null, 10.0, null, 0, 179, 0, 0),
        f("a5", null, null, null, null, 10.0, null, 0, 400, 0, 0),
        f("c1", null, null, null, null, null, null, 0, 400, 2, 45),
        f("c2", null, null, null, null, null, null, 0, 400, 1, 29),
        f("c3", null, null, null, null, null, null, 0, 400, 1, 30));
    Dataset<Row> previous = previous(new Object[] {"x1", "expansion", T.minusDays(20)}, new Object[] {"c1", "advocacy", T.minusDays(3)});
    return AccountOpportunities.build(health, features, previous, CFG);
  }

  @Test
  void eachRuleAtItsThresholds_evidenceInWords_since() {
    Date t = Date.valueOf(T);
    TestSpark.assertRows(fixture().orderBy("account_id", "signal").selectExpr("account_id", "signal", "evidence", "arr", "since",
        "days_in_signal"), List.of(
        RowFactory.create("a1", "advocacy", "NPS 9; no P1 ticket in 90 days; customer for 180 days", null, t, 0),
        RowFactory.create("a2", "advocacy", "NPS 6; CSM score 5; no P1 ticket in 90 days; customer for 400 days", null, t, 0),
        RowFactory.create("c1", "collections", "2 overdue invoices, the oldest 45 days past due", 700.0, t, 0),
        RowFactory.create("c3", "collections", "1 overdue invoice, the oldest 30 days past due", null, t, 0),
        RowFactory.create("x1", "advocacy", "NPS 10; no P1 ticket in 90 days; customer for 400 days", 5000.0, t, 0),
        RowFactory.create("x1", "expansion", "42 of 50 seats active (84 %); renewal in 200 days; churn risk low (4 %)", 5000.0,
            Date.valueOf(T.minusDays(20)), 20),
        RowFactory.create("x2", "expansion", "20 of 50 seats active (40 %); usage up 55 % (30 days vs the 90 before); no renewal date",
            3000.0, t, 0),
        RowFactory.create("x6", "expansion", "40 of 50 seats active (80 %); renewal in 61 days; churn risk low (5 %)", null, t, 0)));
    assertEquals(AccountOpportunities.OUTPUT, List.of(fixture().columns()));
    assertEquals("csm1", fixture().filter("account_id = 'x1'").first().getAs("csm_owner"));
  }

  /*
   * Three nights, chaining each night's rows as the next night's previous:
   *   e1 expansion on nights 1, 2, 3            -> since night 1 on every night after it
   *   e2 expansion on nights 1 and 3, not 2     -> since night 3 on night 3 (the run broke)
   *   e3 expansion on nights 2 and 3            -> since night 2
   */
  @Test
  void sinceAcrossThreeNights() {
    LocalDate n1 = T.minusDays(2);
    LocalDate n2 = T.minusDays(1);
    LocalDate n3 = T;
    Dataset<Row> night1 = night(n1, true, true, false, previous());
    Dataset<Row> night2 = night(n2, true, false, true, night1.select("account_id", "signal", "since"));
    Dataset<Row> night3 = night(n3, true, true, true, night2.select("account_id", "signal", "since"));
    TestSpark.assertRows(night2.orderBy("account_id").selectExpr("account_id", "since", "days_in_signal"), List.of(
        RowFactory.create("e1", Date.valueOf(n1), 1),
        RowFactory.create("e3", Date.valueOf(n2), 0)));
    TestSpark.assertRows(night3.orderBy("account_id").selectExpr("account_id", "since", "days_in_signal"), List.of(
        RowFactory.create("e1", Date.valueOf(n1), 2),
        RowFactory.create("e2", Date.valueOf(n3), 0),
        RowFactory.create("e3", Date.valueOf(n2), 1)));
  }

  /** One night: e1, e2, e3 green and low risk; each holds expansion (45 of 50 seats) or not (10 of 50). */
  static Dataset<Row> night(LocalDate date, boolean e1, boolean e2, boolean e3, Dataset<Row> previous) {
    Dataset<Row> health = HealthRows.of(at("e1", date).score(80, "green"), at("e2", date).score(80, "green"),
        at("e3", date).score(80, "green"));
    Dataset<Row> features = features(
        f("e1", date, 50L, e1 ? 45L : 10L, null, 200, null, null, 0, 400, 0, 0),
        f("e2", date, 50L, e2 ? 45L : 10L, null, 200, null, null, 0, 400, 0, 0),
        f("e3", date, 50L, e3 ? 45L : 10L, null, 200, null, null, 0, 400, 0, 0));
    Dataset<Row> rows = AccountOpportunities.build(health, features, previous, CFG);
    return TestSpark.spark().createDataFrame(rows.collectAsList(), rows.schema()); // as written: the next night reads stored rows
  }

  @Test
  void configSection() {
    assertEquals(CFG, OpportunitiesConfig.from(HealthscoreConfig.defaults()));
    OpportunitiesConfig one = OpportunitiesConfig.from(HealthscoreConfig.fromYaml("opportunities: {collections: {min_days_past_due: 60}}\n", "o.yaml"));
    assertEquals(new OpportunitiesConfig.Collections(60), one.collections());
    assertEquals(CFG.expansion(), one.expansion()); // one key changes one value
    ConfigException e = assertThrows(ConfigException.class, () -> OpportunitiesConfig.from(
        HealthscoreConfig.fromYaml("opportunities: {advocacy: {min_nps: 11}}\n", "o.yaml")));
    assertEquals("config o.yaml: opportunities.advocacy.min_nps: must be a number in [0, 10] (got 11)", e.getMessage());
  }
}
