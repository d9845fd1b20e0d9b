package dev.healthscore.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.healthscore.features.pit.ActiveAccounts;
import dev.healthscore.features.warehouse.ValidatedWarehouse;
import dev.healthscore.testing.SmallWorld;
import dev.healthscore.testing.TestSpark;
import dev.healthscore.testing.WarehouseCut;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every default feature on SmallWorld, worked out by hand (T = 2024-06-30). */
class FeatureEngineTest {
  static final Instant WALL_CLOCK = Instant.parse("2026-01-01T00:00:00Z");
  static SparkSession spark;
  static Map<String, Map<String, Object>> byAccount;

  @BeforeAll
  static void compute() {
    spark = TestSpark.spark();
    byAccount = collect(features(SmallWorld.tables(), List.of(SmallWorld.T)));
  }

  static Dataset<Row> features(Map<String, Dataset<Row>> tables, List<LocalDate> dates) {
    ValidatedWarehouse wh = ValidatedWarehouse.of(tables, WALL_CLOCK);
    return FeatureEngine.compute(spark, wh, FeatureCatalog.DEFAULT, dates);
  }

  static Map<String, Map<String, Object>> collect(Dataset<Row> df) {
    Map<String, Map<String, Object>> out = new HashMap<>();
    for (Row r : df.collectAsList()) {
      Map<String, Object> m = new HashMap<>();
      for (String c : df.columns()) m.put(c, r.getAs(c));
      out.put(r.getAs("account_id"), m);
    }
    return out;
  }

  static Object v(String account, String feature) {
    return byAccount.get(account).get(feature);
  }

  @Test
  void onlyAccountsActiveAtT() {
    // A2 is created after T, A3 churned before T; A5 is created on T itself.
    assertEquals(java.util.Set.of("A1", "A4", "A5"), byAccount.keySet());
    assertEquals(546.0, v("A1", "tenure_days")); // 2023-01-01 .. 2024-06-30: 365 + 181
    assertEquals(0.0, v("A5", "tenure_days"));
    assertEquals(java.sql.Date.valueOf("2024-08-15"), v("A4", ActiveAccounts.FIRST_CHURN));
  }

  @Test
  void usageAgainstTheAccountsOwnPast() {
    // A1's events by age: 0, 6, 7 (last 30 days), 30 (no duration), 60; 90-day baseline = ages 30..119
    assertEquals(2.0, v("A1", "events_31_120d"));
    assertEquals(0.5, v("A1", "session_minutes_31_120d")); // 30 s; the null duration adds nothing
    assertEquals(4.5, v("A1", "events_30d_vs_own_90d")); // 3 / (2 / 3)
    assertEquals(78.0, (double) v("A1", "session_minutes_30d_vs_own_90d"), 1e-9); // 13 / (0.5 / 3)
    // weeks 0 (oldest) .. 11 (last 7 days): ages 0, 6 -> 11; 7 -> 10; 30 -> 7; 60 -> 3
    assertEquals(5.0, v("A1", "events_84d"));
    assertEquals(42.0, v("A1", "events_week_index_84d"));
    // slope = (12 * 42 - 66 * 5) / 1716 events per week; over the mean week 5 / 12
    assertEquals(12.0 * (12 * 42 - 66 * 5) / (1716.0 * 5), (double) v("A1", "events_trend_12w"), 1e-12);
    // A4 (181 days old): one event at age 76 = week 0 of the baseline, none since
    assertEquals(0.0, v("A4", "events_30d_vs_own_90d"));
    assertEquals(12.0 * (12 * 1 - 66 * 1) / 1716.0, (double) v("A4", "events_trend_12w"), 1e-12);
    // A5 was created on T: too young for a baseline or a trend
    assertNull(v("A5", "events_30d_vs_own_90d"));
    assertNull(v("A5", "session_minutes_30d_vs_own_90d"));
    assertNull(v("A5", "events_trend_12w"));
  }

  @Test
  void eventTypesFromTheConfig() {
    var config = dev.healthscore.features.config.HealthscoreConfig.fromYaml("features: {event_types: [a, c]}", "u.yaml");
    Dataset<Row> df = FeatureEngine.compute(spark, ValidatedWarehouse.of(SmallWorld.tables(), WALL_CLOCK),
        FeatureCatalog.features(config), List.of(SmallWorld.T));
    Map<String, Map<String, Object>> rows = collect(df);
    Map<String, Object> a1 = rows.get("A1");
    assertEquals(2.0, a1.get("ev_a_30d")); // ages 0 and 7
    assertEquals(0.0, a1.get("ev_a_prior_30d"));
    assertEquals(2.0 / 3, (double) a1.get("ev_a_per_user_30d"), 1e-12); // 3 active users
    assertEquals(2.0 / 3, (double) a1.get("ev_a_share_30d"), 1e-12); // of 3 events
    assertNull(a1.get("ev_a_change_30d")); // none before: no change
    assertEquals(0.0, a1.get("ev_c_30d"));
    assertEquals(1.0, a1.get("ev_c_prior_30d")); // age 30
    assertEquals(-1.0, a1.get("ev_c_change_30d")); // stopped
    assertEquals(0.0, a1.get("ev_c_share_30d"));
    Map<String, Object> a4 = rows.get("A4"); // no event in 60 days, no user
    assertEquals(0.0, a4.get("ev_a_30d"));
    assertNull(a4.get("ev_a_per_user_30d"));
    assertNull(a4.get("ev_a_share_30d"));
    assertEquals(List.of("ev_a_per_user_30d", "ev_a_share_30d", "ev_a_change_30d", "ev_c_per_user_30d", "ev_c_share_30d",
        "ev_c_change_30d"), EventTypes.modelInputs(config));
  }

  /**
   * The top K by volume on the days 2024-06-01..T, accepted rows only. Volumes there: exports 3
   * (one at 23:59:59 on T), alerts 2 (one at 00:00 on the first day), reports 2 (+1 the day
   * before the window, +2 rejected for a negative duration), api 0 (4 after T).
   */
  @Test
  void topEventTypesByVolumeAsOfT_tiesByName() {
    Map<String, Dataset<Row>> tables = new HashMap<>(SmallWorld.tables());
    tables.put("usage_events", dev.healthscore.testing.Fixtures.table(dev.healthscore.features.warehouse.Contract.USAGE_EVENTS,
        new Object[] {"A1", "u1", "2024-06-10 09:00:00", "exports", 1.0},
        new Object[] {"A1", "u1", "2024-06-20 09:00:00", "exports", 1.0},
        new Object[] {"A1", "u2", "2024-06-30 23:59:59", "exports", 1.0},
        new Object[] {"A1", "u1", "2024-06-01 00:00:00", "alerts", 1.0},
        new Object[] {"A1", "u2", "2024-06-15 09:00:00", "alerts", 1.0},
        new Object[] {"A1", "u1", "2024-06-05 09:00:00", "reports", 1.0},
        new Object[] {"A1", "u1", "2024-06-25 09:00:00", "reports", 1.0},
        new Object[] {"A1", "u1", "2024-05-31 23:59:59", "reports", 1.0},
        new Object[] {"A1", "u1", "2024-06-26 09:00:00", "reports", -1.0},
        new Object[] {"A1", "u1", "2024-06-27 09:00:00", "reports", -1.0},
        new Object[] {"A1", "u1", "2024-07-01 00:00:00", "api", 1.0},
        new Object[] {"A1", "u1", "2024-07-02 00:00:00", "api", 1.0},
        new Object[] {"A1", "u1", "2024-07-03 00:00:00", "api", 1.0},
        new Object[] {"A1", "u1", "2024-07-04 00:00:00", "api", 1.0}));
    ValidatedWarehouse w = ValidatedWarehouse.of(tables, WALL_CLOCK);
    LocalDate firstDay = LocalDate.of(2024, 6, 1);
    assertEquals(List.of("exports", "alerts"), EventTypes.topByVolume(w, firstDay, SmallWorld.T, 2));
    assertEquals(List.of("exports", "alerts", "reports"), EventTypes.topByVolume(w, firstDay, SmallWorld.T, 5));
    // a day later the window loses alerts' first event and gains api's: api 1, alerts 1, reports 2
    assertEquals(List.of("exports", "reports", "alerts", "api"), EventTypes.topByVolume(w, firstDay.plusDays(1), SmallWorld.T.plusDays(1), 4));
  }

  @Test
  void topKIsOffByDefaultAndAChoiceBecomesAnExplicitList() {
    var defaults = dev.healthscore.features.config.HealthscoreConfig.defaults();
    assertEquals(0, EventTypes.top(defaults));
    var top = dev.healthscore.features.config.HealthscoreConfig.fromYaml("features: {event_types_top: 3}", "u.yaml");
    assertEquals(3, EventTypes.top(top));
    assertEquals(List.of(), EventTypes.modelInputs(top)); // nothing named until train chooses
    var chosen = EventTypes.withTypes(top, List.of("Data Import", "it's"));
    assertEquals(0, EventTypes.top(chosen));
    assertEquals(List.of("Data Import", "it's"), EventTypes.declared(chosen));
    assertEquals(List.of("ev_data_import_per_user_30d", "ev_data_import_share_30d", "ev_data_import_change_30d",
        "ev_it_s_per_user_30d", "ev_it_s_share_30d", "ev_it_s_change_30d"), EventTypes.modelInputs(chosen));
    assertEquals("u.yaml", chosen.source());
  }

  @Test
  void topKMistakesAreOneLine() {
    java.util.function.Function<String, String> error = yaml -> org.junit.jupiter.api.Assertions.assertThrows(
        dev.healthscore.features.config.ConfigException.class,
        () -> FeatureCatalog.features(dev.healthscore.features.config.HealthscoreConfig.fromYaml(yaml, "u.yaml"))).getMessage();
    assertEquals("config u.yaml: features.event_types_top: give either a list in features.event_types or a number here, not both",
        error.apply("features: {event_types: [a], event_types_top: 2}"));
    assertEquals("config u.yaml: features.event_types_top: must be a whole number in 0..1000 (got -1)",
        error.apply("features: {event_types_top: -1}"));
    assertEquals("config u.yaml: features.event_types_top: must be a whole number in 0..1000 (got 'five')",
        error.apply("features: {event_types_top: five}"));
    assertEquals("config u.yaml: features.event_types_top: must be set (a whole number in 0..1000)",
        error.apply("features: {event_types_top: null}"));
  }

  @Test
  void eventTypeNamesAreSanitizedAndMistakesAreOneLine() {
    assertEquals("data_import", EventTypes.sanitize("Data Import!"));
    assertEquals("ai_insights", EventTypes.sanitize("ai-insights"));
    var dup = dev.healthscore.features.config.HealthscoreConfig.fromYaml("features: {event_types: [Data Import, data-import]}", "u.yaml");
    assertEquals("config u.yaml: features.event_types: 'data-import' gives the same column names as another type (ev_data_import_*)",
        org.junit.jupiter.api.Assertions.assertThrows(dev.healthscore.features.config.ConfigException.class,
            () -> FeatureCatalog.features(dup)).getMessage());
    var notList = dev.healthscore.features.config.HealthscoreConfig.fromYaml("features: {event_types: a}", "u.yaml");
    assertEquals("config u.yaml: features.event_types: must be a list of usage_events.feature values (got \"a\")",
        org.junit.jupiter.api.Assertions.assertThrows(dev.healthscore.features.config.ConfigException.class,
            () -> FeatureCatalog.features(notList)).getMessage());
    var typo = dev.healthscore.features.config.HealthscoreConfig.fromYaml("features: {event_type: [a]}", "u.yaml");
    assertEquals("config u.yaml: features.event_type: unknown key (known: custom, event_types, event_types_top)",
        org.junit.jupiter.api.Assertions.assertThrows(dev.healthscore.features.config.ConfigException.class,
            () -> FeatureCatalog.features(typo)).getMessage());
  }

  @Test
  void usage() {
    // 30-day window = ages 0..29. u1 at 23:59:59 on T counts; u3 at age 7 is outside 7d;
    // the event of 2024-05-31 (age 30) falls in the prior window; 2024-07-01 never counts.
    assertEquals(2.0, v("A1", "active_users_7d"));
    assertEquals(3.0, v("A1", "active_users_30d"));
    assertEquals(3.0, v("A1", "events_30d"));
    assertEquals(1.0, v("A1", "events_prior_30d")); // ages 30..59: 05-31 only (05-01 is age 60)
    assertEquals(13.0, v("A1", "session_minutes_30d")); // (600 + 60 + 120) / 60
    assertEquals(2.0, v("A1", "distinct_features_30d"));
    assertEquals(0.0, v("A1", "days_since_last_use"));
    assertEquals(2.0, v("A1", "usage_trend_30d")); // 3 / 1 - 1
    assertEquals(0.5, v("A1", "active_users_per_seat")); // 3 users / 6 seats
    assertEquals(76.0, v("A4", "days_since_last_use")); // 2024-04-15 .. 06-30
    assertEquals(0.0, v("A4", "events_30d"));
    assertNull(v("A4", "usage_trend_30d")); // no prior events: no trend
    assertEquals(90.0, v("A5", "days_since_last_use")); // none in 90 days
    assertEquals(0.0, v("A5", "active_users_30d"));
  }

  @Test
  void distinctCountsOfOneInputShareRecordsByYoungestAge() {
    // active_users_7d and _30d are one record per user with the user's youngest age: u3 also
    // at age 2 (and still at age 7) now counts in 7 days; u4 at age 29 (and 60) in 30 days only.
    Map<String, Dataset<Row>> tables = new HashMap<>(SmallWorld.tables());
    tables.put("usage_events", tables.get("usage_events").union(dev.healthscore.testing.Fixtures.table(
        dev.healthscore.features.warehouse.Contract.USAGE_EVENTS,
        new Object[] {"A1", "u3", "2024-06-28 00:00:00", "a", 1.0},
        new Object[] {"A1", "u4", "2024-06-01 00:00:00", "e", 1.0})));
    LocalDate early = LocalDate.of(2024, 6, 3);
    Map<String, Map<String, Object>> oneDate = collect(features(tables, List.of(SmallWorld.T)));
    assertEquals(3.0, oneDate.get("A1").get("active_users_7d")); // u1 (0), u2 (6), u3 (2)
    assertEquals(4.0, oneDate.get("A1").get("active_users_30d")); // + u4 (29)
    assertEquals(3.0, oneDate.get("A1").get("distinct_features_30d")); // a, b, e
    // the multi-date path gives T the same, and 06-03 its own: u1 (05-31, age 3), u4 (06-01, age 2)
    Map<String, Map<String, Object>> both = new HashMap<>();
    for (Row r : features(tables, List.of(early, SmallWorld.T)).filter("account_id = 'A1'").collectAsList()) {
      Map<String, Object> m = new HashMap<>();
      for (String c : r.schema().fieldNames()) m.put(c, r.getAs(c));
      both.put(r.getAs("as_of_date").toString(), m);
    }
    for (String f : List.of("active_users_7d", "active_users_30d", "distinct_features_30d")) {
      assertEquals(oneDate.get("A1").get(f), both.get(SmallWorld.T.toString()).get(f), f);
    }
    assertEquals(2.0, both.get(early.toString()).get("active_users_7d"));
    assertEquals(2.0, both.get(early.toString()).get("active_users_30d")); // u4's 05-01 is age 33
    assertEquals(2.0, both.get(early.toString()).get("distinct_features_30d")); // c, e
  }

  @Test
  void support() {
    // t1 open; t2 resolved after T, so open at T with csat and SLA unknown.
    assertEquals(2.0, v("A1", "open_tickets"));
    assertEquals(4.0, v("A1", "tickets_90d")); // t1..t4; t5 is age 90
    assertEquals(2.0, v("A1", "p1_tickets_90d")); // t1, t4 ("P1")
    assertEquals(1.0, v("A1", "sla_breaches_90d")); // t4 only (t2 unknown at T, t5 outside)
    assertEquals(20.0, v("A1", "median_resolution_hours_90d")); // t3 10h, t4 30h
    assertEquals(4.0, v("A1", "mean_csat_180d")); // t3 5, t4 3, t5 4
    assertEquals(0.0, v("A5", "open_tickets"));
    assertNull(v("A5", "mean_csat_180d"));
  }

  @Test
  void finance() {
    assertEquals(1200.0, v("A1", "arr")); // c2 only: c1 ended, c3 starts after T
    assertEquals(6.0, v("A1", "seats"));
    assertEquals(185.0, v("A1", "days_to_renewal")); // 2024-06-30 .. 2025-01-01
    assertEquals(800.0, v("A4", "arr")); // c4 ends on T (renewal date), c5 starts on T
    assertNull(v("A4", "seats"));
    assertEquals(365.0, v("A4", "days_to_renewal"));
    assertEquals(0.0, v("A5", "arr"));
    assertNull(v("A5", "days_to_renewal"));
    // i3 unpaid, i4 paid only after T: both overdue at T. i5 not yet due.
    assertEquals(2.0, v("A1", "overdue_invoices"));
    assertEquals(41.0, v("A1", "max_days_past_due")); // i4 due 2024-05-20
    assertEquals(0.75, v("A1", "late_payment_share_365d")); // i1 on time; i2, i3, i4 late
    assertEquals(0.0, v("A5", "max_days_past_due"));
    assertNull(v("A5", "late_payment_share_365d"));
  }

  @Test
  void engagementAndRelationship() {
    assertEquals(2.0, v("A1", "meetings_calls_90d")); // e1, e2 (age 60)
    assertEquals(15.0, v("A1", "days_since_last_touch")); // e1 on 06-15
    assertEquals(121.0, v("A1", "days_since_last_qbr")); // e3 on 03-01; e6 after T
    assertEquals(2.0, v("A1", "executive_contacts_180d")); // e1, e3
    assertEquals(1.0, v("A1", "champion_departures_180d"));
    assertEquals(1.0, v("A1", "advocacy_365d")); // e5, age 303
    assertEquals(365.0, v("A5", "days_since_last_qbr"));
    assertEquals(6.0, v("A1", "nps_last")); // the 0 of 07-01 is after T
    assertEquals(7.5, v("A1", "nps_mean_180d")); // (9 + 6) / 2; 01-10 is age 172
    assertEquals(2.0, v("A1", "csm_score_last")); // 23:00 on T
    assertNull(v("A5", "nps_last"));
  }

  @Test
  void noLeakage_cutWarehouseGivesSameFeatures() {
    Dataset<Row> full = features(SmallWorld.tables(), List.of(SmallWorld.T));
    Dataset<Row> cut = features(WarehouseCut.at(SmallWorld.tables(), SmallWorld.T), List.of(SmallWorld.T))
        .drop(ActiveAccounts.FIRST_CHURN);
    TestSpark.assertRows(full.drop(ActiveAccounts.FIRST_CHURN), cut.collectAsList());
  }

  @Test
  void severalDatesInOnePassEqualOneDateAtATime() {
    LocalDate t1 = LocalDate.of(2024, 5, 15);
    Dataset<Row> both = features(SmallWorld.tables(), List.of(t1, SmallWorld.T));
    Dataset<Row> one = features(SmallWorld.tables(), List.of(t1));
    Dataset<Row> two = features(SmallWorld.tables(), List.of(SmallWorld.T));
    TestSpark.assertRows(both, one.unionByName(two).collectAsList());
  }
}
