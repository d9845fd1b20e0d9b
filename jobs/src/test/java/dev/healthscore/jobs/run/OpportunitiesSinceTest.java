package dev.healthscore.jobs.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.healthscore.jobs.lake.Lake;
import dev.healthscore.jobs.lake.LakeTables;
import dev.healthscore.models.opportunities.AccountOpportunities;
import dev.healthscore.models.opportunities.OpportunitiesConfig;
import dev.healthscore.testing.TestSpark;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * {@code since} through a real Delta lake, night after night as nightly writes it: the
 * previous night's account_opportunities rows continue a run, a night without the signal
 * breaks it, and a night on which no account held any signal breaks every run.
 */
class OpportunitiesSinceTest {
  static final OpportunitiesConfig CFG = OpportunitiesConfig.from(dev.healthscore.features.config.HealthscoreConfig.defaults());
  static final LocalDate N1 = LocalDate.of(2024, 6, 1);
  static final List<String> ACCOUNTS = List.of("e1", "e2", "e3");

  static final StructType HEALTH = new StructType().add("account_id", "string").add("as_of_date", "date")
      .add("health_band", "string").add("health_score", "double").add("churn_probability", "double")
      .add("churn_risk_band", "string").add("arr", "double").add("csm_owner", "string").add("segment", "string")
      .add("region", "string").add("industry", "string");
  static final StructType FEATURES = new StructType().add("account_id", "string").add("as_of_date", "date")
      .add("seats", "long").add("active_users_30d", "long").add("active_users_per_seat", "double")
      .add("events_30d_vs_own_90d", "double").add("days_to_renewal", "integer").add("nps_last", "double")
      .add("csm_score_last", "double").add("p1_tickets_90d", "long").add("tenure_days", "integer")
      .add("overdue_invoices", "long").add("max_days_past_due", "double");

  /** One night as nightly runs it: previous from the lake, build, account_opportunities, then account_health. */
  static void night(Lake lake, LocalDate t, Set<String> expanding) {
    List<Row> health = new ArrayList<>();
    List<Row> features = new ArrayList<>();
    for (String a : ACCOUNTS) {
      health.add(RowFactory.create(a, Date.valueOf(t), "green", 80.0, null, null, 1000.0, "csm1", "smb", "emea", "retail"));
      long active = expanding.contains(a) ? 45L : 10L; // of 50 seats: 0.9 or 0.2 per seat
      features.add(RowFactory.create(a, Date.valueOf(t), 50L, active, active / 50.0, null, 200, null, null, 0L, 400, 0L, 0.0));
    }
    Dataset<Row> h = TestSpark.spark().createDataFrame(health, HEALTH);
    Dataset<Row> f = TestSpark.spark().createDataFrame(features, FEATURES);
    Dataset<Row> rows = AccountOpportunities.build(h, f, Opportunities.previous(lake, t), CFG);
    lake.replaceDates(LakeTables.ACCOUNT_OPPORTUNITIES, rows, List.of(t), LakeTables.OPPORTUNITIES_DOC);
    lake.replaceDates(LakeTables.ACCOUNT_HEALTH, h, List.of(t), dev.healthscore.jobs.lake.TableDoc.of("test health"));
  }

  static List<String> since(Lake lake, LocalDate t) {
    return lake.readDate(LakeTables.ACCOUNT_OPPORTUNITIES, t).orderBy("account_id")
        .selectExpr("concat(account_id, ' ', signal, ' since ', since, ' (', days_in_signal, ' days)')")
        .collectAsList().stream().map(r -> r.getString(0)).toList();
  }

  /*
   * e1 expands on nights 1, 2, 3; e2 on 1 and 3; e3 on 2 and 3. Night 4: nobody. Night 5: e1 again.
   */
  @Test
  void sinceAcrossNights() {
    Lake lake = new Lake(TestSpark.spark(), TestSpark.tempDir("opportunities-lake").toString());
    night(lake, N1, Set.of("e1", "e2"));
    assertEquals(List.of("e1 expansion since 2024-06-01 (0 days)", "e2 expansion since 2024-06-01 (0 days)"), since(lake, N1));
    night(lake, N1.plusDays(1), Set.of("e1", "e3"));
    assertEquals(List.of("e1 expansion since 2024-06-01 (1 days)", "e3 expansion since 2024-06-02 (0 days)"),
        since(lake, N1.plusDays(1)));
    night(lake, N1.plusDays(2), Set.of("e1", "e2", "e3"));
    assertEquals(List.of("e1 expansion since 2024-06-01 (2 days)", "e2 expansion since 2024-06-03 (0 days)",
        "e3 expansion since 2024-06-02 (1 days)"), since(lake, N1.plusDays(2)));
    night(lake, N1.plusDays(3), Set.of());
    assertEquals(List.of(), since(lake, N1.plusDays(3)));
    night(lake, N1.plusDays(4), Set.of("e1"));
    assertEquals(List.of("e1 expansion since 2024-06-05 (0 days)"), since(lake, N1.plusDays(4)));
    // re-running night 3 reads the nights before it only: the same rows
    night(lake, N1.plusDays(2), Set.of("e1", "e2", "e3"));
    assertEquals(List.of("e1 expansion since 2024-06-01 (2 days)", "e2 expansion since 2024-06-03 (0 days)",
        "e3 expansion since 2024-06-02 (1 days)"), since(lake, N1.plusDays(2)));
  }
}
