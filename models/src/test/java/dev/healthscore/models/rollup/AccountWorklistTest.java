package dev.healthscore.models.rollup;

import static dev.healthscore.models.testing.HealthRows.T;
import static dev.healthscore.models.testing.HealthRows.at;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.healthscore.features.config.ConfigException;
import dev.healthscore.features.config.HealthscoreConfig;
import dev.healthscore.models.testing.HealthRows;
import dev.healthscore.testing.TestSpark;
import java.sql.Date;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

/** The worklist: who is on it (the one attention definition), ranking by ARR at stake, capacity line, since when, words. */
class AccountWorklistTest {
  /*
   * At T, high churn risk from 0.30, capacity 50 % of the 6 active accounts = 3:
   *   a red 40, p .50, ARR  1000 -> at stake  500; red_band, high_churn_risk; on the previous list since T-10
   *   b green 80, p .10, ARR 10000 -> at stake 1000; alerted (score_drop_7d)
   *   c yellow 60, p .20, ARR 500: neither at risk nor alerted -> not on the list
   *   e yellow 55, p .35, ARR 1000 -> at stake 350; high_churn_risk
   *   f red 30, p .05, ARR 0 -> at stake 0; g red 45, p .05, ARR 0 -> at stake 0: lower score first (f, g)
   * Ranks: b 1, a 2, e 3 (above the line), f 4, g 5.
   */
  static Dataset<Row> worklist() {
    return worklist(java.util.Map.of());
  }

  static Dataset<Row> worklist(java.util.Map<String, String> words) {
    Dataset<Row> health = HealthRows.of(
        at("a").dims("smb", "emea", "retail", "csm1").score(40, "red").p(0.50).arr(1000.0),
        at("b").dims("smb", "emea", "retail", "csm1").score(80, "green").p(0.10).arr(10000.0),
        at("c").dims("smb", "emea", "retail", "csm2").score(60, "yellow").p(0.20).arr(500.0),
        at("e").dims("smb", "emea", "retail", "csm2").score(55, "yellow").p(0.35).arr(1000.0),
        at("f").dims("smb", "emea", "retail", "csm2").score(30, "red").p(0.05).arr(0.0),
        at("g").dims("smb", "emea", "retail", "csm2").score(45, "red").p(0.05).arr(0.0))
        .withColumn("drivers", when(col("account_id").equalTo("a"),
            expr("array(named_struct('measure', 'nps_last', 'value', 2.0D, 'points_lost', 6.7D, 'weighted_points_lost', 5.0D))")))
        .withColumn("churn_reasons", when(col("account_id").equalTo("a"),
            expr("array(named_struct('feature', 'open_tickets', 'value', 7.0D, 'log_odds', 0.42D))")));
    Dataset<Row> alerts = HealthRows.of(at("b")).withColumn("alert_reason", expr("'score_drop_7d'"));
    Dataset<Row> renewals = HealthRows.of(at("a")).withColumn("days_to_renewal", expr("45"));
    Dataset<Row> previous = TestSpark.spark().createDataFrame(List.of(RowFactory.create("a", Date.valueOf(T.minusDays(10)))),
        new org.apache.spark.sql.types.StructType().add("account_id", "string").add("on_list_since", "date"));
    return AccountWorklist.build(health, alerts, renewals, previous, 0.30, 0.5, words);
  }

  @Test
  void rankedByArrAtStake_capacityLine_sinceWhen() {
    Date t = Date.valueOf(T);
    TestSpark.assertRows(worklist().selectExpr("rank", "account_id", "arr_at_stake", "array_join(attention_reasons, ',')", "above_capacity_line",
        "capacity_line", "on_list_since", "days_on_list", "days_to_renewal"), List.of(
        RowFactory.create(1, "b", 1000.0, "score_drop_7d", true, 3, t, 0, null),
        RowFactory.create(2, "a", 500.0, Attention.RED_BAND + "," + Attention.HIGH_CHURN_RISK, true, 3,
            Date.valueOf(T.minusDays(10)), 10, 45),
        RowFactory.create(3, "e", 350.0, Attention.HIGH_CHURN_RISK, true, 3, t, 0, null),
        RowFactory.create(4, "f", 0.0, Attention.RED_BAND, false, 3, t, 0, null),
        RowFactory.create(5, "g", 0.0, Attention.RED_BAND, false, 3, t, 0, null)));
  }

  @Test
  void reasonsAndDriversInWords() {
    Row a = worklist().filter("account_id = 'a'").first();
    assertEquals(List.of("open_tickets = 7.00 (raises churn log-odds by 0.42)"), a.getList(a.fieldIndex("churn_reasons_text")));
    assertEquals(List.of("nps_last = 2.00 (costs 5.0 of 100 health points)"), a.getList(a.fieldIndex("drivers_text")));
    // named by their catalogue descriptions when given
    Row worded = worklist(java.util.Map.of("open_tickets", "tickets open at T", "nps_last", "latest NPS answer", "arr", "ARR"))
        .filter("account_id = 'a'").first();
    assertEquals(List.of("tickets open at T = 7.00 (raises churn log-odds by 0.42)"),
        worded.getList(worded.fieldIndex("churn_reasons_text")));
    assertEquals(List.of("latest NPS answer = 2.00 (costs 5.0 of 100 health points)"), worded.getList(worded.fieldIndex("drivers_text")));
    Row unnamed = worklist(java.util.Map.of("arr", "ARR")).filter("account_id = 'a'").first(); // no words: the name
    assertEquals(List.of("open_tickets = 7.00 (raises churn log-odds by 0.42)"), unnamed.getList(unnamed.fieldIndex("churn_reasons_text")));
    Row b = worklist().filter("account_id = 'b'").first();
    assertEquals(List.of(), b.getList(b.fieldIndex("drivers_text"))); // none: an empty list, not null
    assertEquals(AccountWorklist.OUTPUT, List.of(worklist().columns()));
  }

  /**
   * A usage reason says how it moved against the account's own past: a's exports per user with
   * ev_exports_change_30d -0.6, its events with events_30d_vs_own_90d 1.25, its minutes with a
   * ratio of 1.04 (within 5 %: flat); e's events at a ratio of 0.333 (down 66.7 %, rounded 67), its
   * exports share without a change (none the 30 days before: nothing said), a ticket count (no
   * own past); f's own change reason and minutes without a baseline (null: nothing said).
   */
  @Test
  void usageReasonsAgainstTheAccountsOwnPast() {
    Dataset<Row> health = HealthRows.of(
        at("a").score(40, "red").p(0.50).arr(1000.0), at("e").score(55, "yellow").p(0.35).arr(1000.0),
        at("f").score(30, "red").p(0.05).arr(0.0))
        .withColumn("drivers", expr("cast(null as array<struct<measure:string,value:double,points_lost:double,weighted_points_lost:double>>)"))
        .withColumn("churn_reasons", expr("""
            case account_id
              when 'a' then array(named_struct('feature', 'ev_exports_per_user_30d', 'value', 0.4D, 'log_odds', 0.31D),
                                  named_struct('feature', 'events_30d', 'value', 120D, 'log_odds', 0.2D),
                                  named_struct('feature', 'session_minutes_30d', 'value', 300D, 'log_odds', 0.1D))
              when 'e' then array(named_struct('feature', 'events_30d', 'value', 10D, 'log_odds', 0.5D),
                                  named_struct('feature', 'ev_exports_share_30d', 'value', 0.05D, 'log_odds', 0.3D),
                                  named_struct('feature', 'open_tickets', 'value', 3D, 'log_odds', 0.2D))
              else array(named_struct('feature', 'ev_exports_change_30d', 'value', -0.6D, 'log_odds', 0.4D),
                         named_struct('feature', 'session_minutes_30d', 'value', 0D, 'log_odds', 0.1D))
            end"""));
    Dataset<Row> features = HealthRows.of(at("a"), at("e"), at("f")).select("account_id", "as_of_date")
        .withColumn("days_to_renewal", expr("30"))
        .withColumn("ev_exports_change_30d", expr("case account_id when 'a' then -0.6D when 'f' then -0.6D end"))
        .withColumn("events_30d_vs_own_90d", expr("case account_id when 'a' then 1.25D when 'e' then 0.333D end"))
        .withColumn("session_minutes_30d_vs_own_90d", expr("case account_id when 'a' then 1.04D end"));
    Dataset<Row> previous = TestSpark.spark().createDataFrame(List.of(),
        new org.apache.spark.sql.types.StructType().add("account_id", "string").add("on_list_since", "date"));
    Dataset<Row> w = AccountWorklist.build(health, HealthRows.of().withColumn("alert_reason", expr("'x'")), features, previous,
        0.30, 0.5, java.util.Map.of("ev_exports_per_user_30d", "'exports' events per active user, last 30 days"));
    java.util.function.Function<String, List<Object>> text = id -> {
      Row r = w.filter("account_id = '" + id + "'").first();
      return r.getList(r.fieldIndex("churn_reasons_text"));
    };
    assertEquals(List.of(
        "'exports' events per active user, last 30 days = 0.40, down 60 % on its own past (raises churn log-odds by 0.31)",
        "events_30d = 120.00, up 25 % on its own past (raises churn log-odds by 0.20)",
        "session_minutes_30d = 300.00, flat on its own past (raises churn log-odds by 0.10)"), text.apply("a"));
    assertEquals(List.of(
        "events_30d = 10.00, down 67 % on its own past (raises churn log-odds by 0.50)",
        "ev_exports_share_30d = 0.05 (raises churn log-odds by 0.30)",
        "open_tickets = 3.00 (raises churn log-odds by 0.20)"), text.apply("e"));
    assertEquals(List.of(
        "ev_exports_change_30d = -0.60 (raises churn log-odds by 0.40)",
        "session_minutes_30d = 0.00 (raises churn log-odds by 0.10)"), text.apply("f"));
  }

  @Test
  void theWorklistCountIsHealthBySegmentsAttentionCount() {
    Dataset<Row> w = worklist();
    // same accounts through health_by_segment: accounts_needing_attention at the total equals the worklist's rows
    Dataset<Row> health = HealthRows.of(
        at("a").score(40, "red").p(0.50), at("b").score(80, "green").p(0.10), at("c").score(60, "yellow").p(0.20),
        at("e").score(55, "yellow").p(0.35), at("f").score(30, "red").p(0.05), at("g").score(45, "red").p(0.05));
    Row total = HealthBySegment.rollup(health, HealthRows.of(at("b")), 0.30).filter("breakdown = 'total'").first();
    assertEquals(w.count(), total.<Long>getAs("accounts_needing_attention"));
  }

  @Test
  void configSection() {
    assertEquals(new WorklistConfig(0.1), WorklistConfig.from(HealthscoreConfig.defaults(), 0.1));
    assertEquals(new WorklistConfig(0.25), WorklistConfig.from(HealthscoreConfig.fromYaml("worklist: {capacity_share: 0.25}\n", "w.yaml"), 0.1));
    ConfigException e = assertThrows(ConfigException.class,
        () -> WorklistConfig.from(HealthscoreConfig.fromYaml("worklist: {capacity_share: 2}\n", "w.yaml"), 0.1));
    assertEquals("config w.yaml: worklist.capacity_share: must be a number in [0, 1] (got 2)", e.getMessage());
  }
}
