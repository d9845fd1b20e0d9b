package dev.healthscore.models.rollup;

import static dev.healthscore.models.testing.HealthRows.T;
import static dev.healthscore.models.testing.HealthRows.at;
import static dev.healthscore.testing.TestSpark.assertRows;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.healthscore.models.testing.HealthRows;
import java.sql.Date;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

/** Top-level accounts through two levels, a standalone account, an inactive parent, cycles, a too-deep chain. */
class AccountHierarchyTest {
  static final Date D = Date.valueOf(T);

  /*
   * P <- C1 <- G1, P <- C2: a two-level tree under the active top P.
   * S: no parent, no children: a tree of its own.
   * X is not active at T (no row): K1 -> X, K2 -> X, K3 -> K2 -> X roll up under X.
   * Y1 -> Y2 -> Y1 is a cycle, Z -> Y1 runs into it, W -> W: all four are bad input, each listed on its own.
   */
  static Dataset<Row> health() {
    return HealthRows.of(
        at("P").arr(1000.0).score(80, "green").p(0.1),
        at("C1").parent("P").arr(2000.0).score(50, "yellow").p(0.2),
        at("G1").parent("C1").arr(1000.0).score(30, "red").p(0.6),
        at("C2").parent("P").arr(0.0).score(90, "green").p(0.05),
        at("S").arr(500.0).score(70, "yellow").p(0.4),
        at("K1").parent("X").arr(300.0).score(20, "red"),
        at("K2").parent("X").arr(700.0).score(60, "yellow"),
        at("K3").parent("K2").arr(0.0).score(100, "green"),
        at("Y1").parent("Y2").arr(100.0).score(50, "yellow"),
        at("Y2").parent("Y1").arr(200.0).score(45, "red"),
        at("Z").parent("Y1").arr(300.0).score(80, "green"),
        at("W").parent("W").arr(50.0).score(75, "green"));
  }

  static Row top(String account, String top, int depth, String status) {
    return RowFactory.create(account, D, top, depth, status);
  }

  @Test
  void everyAccountsTopLevelAccount() {
    assertRows(AccountHierarchy.tops(health()), List.of(
        top("P", "P", 0, "root"), top("C1", "P", 1, "root"), top("G1", "P", 2, "root"), top("C2", "P", 1, "root"),
        top("S", "S", 0, "root"),
        top("K1", "X", 1, "inactive_parent"), top("K2", "X", 1, "inactive_parent"), top("K3", "X", 2, "inactive_parent"),
        top("Y1", "Y1", 0, "cycle"), top("Y2", "Y2", 0, "cycle"), top("Z", "Z", 0, "cycle"), top("W", "W", 0, "cycle")));
  }

  @Test
  void rollupPerTopLevelAccount_arrWeighted() {
    Dataset<Row> out = AccountHierarchy.rollup(health(), 0.30);
    assertEquals(List.of("as_of_date", "top_account_id", "top_account_active", "hierarchy_issue", "accounts", "descendants",
        "max_depth", "own_arr", "arr", "arr_weighted_health_score", "arr_weighted_churn_probability", "worst_band",
        "top_health_band", "accounts_red", "descendants_red", "arr_at_risk"), Arrays.asList(out.columns()));
    assertRows(out, List.of(
        // score (1000*80 + 2000*50 + 1000*30 + 0*90) / 4000 = 52.5; p (100 + 400 + 600 + 0) / 4000 = 0.275; G1 red and high risk
        RowFactory.create(D, "P", true, null, 4L, 3L, 2, 1000.0, 4000.0, 52.5, 0.275, "red", "green", 1L, 1L, 1000.0),
        // at risk by probability alone (0.4 >= 0.30)
        RowFactory.create(D, "S", true, null, 1L, 0L, 0, 500.0, 500.0, 70.0, 0.4, "yellow", "yellow", 0L, 0L, 500.0),
        // inactive top: no own ARR or band; score (300*20 + 700*60 + 0*100) / 1000 = 48; no model: p null
        RowFactory.create(D, "X", false, null, 3L, 3L, 2, null, 1000.0, 48.0, null, "red", null, 1L, 1L, 300.0),
        RowFactory.create(D, "Y1", true, "cycle", 1L, 0L, 0, 100.0, 100.0, 50.0, null, "yellow", "yellow", 0L, 0L, 0.0),
        RowFactory.create(D, "Y2", true, "cycle", 1L, 0L, 0, 200.0, 200.0, 45.0, null, "red", "red", 1L, 0L, 200.0),
        RowFactory.create(D, "Z", true, "cycle", 1L, 0L, 0, 300.0, 300.0, 80.0, null, "green", "green", 0L, 0L, 0.0),
        RowFactory.create(D, "W", true, "cycle", 1L, 0L, 0, 50.0, 50.0, 75.0, null, "green", "green", 0L, 0L, 0.0)));
  }

  /** L0 <- L1 <- ... <- L11: L10 is 10 links below L0 (the limit), L11 is 11: too deep, listed on its own. */
  @Test
  void aChainLongerThanTheLimitIsTooDeep() {
    List<HealthRows> chain = new ArrayList<>();
    for (int i = 0; i <= AccountHierarchy.MAX_DEPTH + 1; i++) chain.add(at("L" + i).parent(i == 0 ? null : "L" + (i - 1)).arr(1.0));
    Dataset<Row> health = HealthRows.of(chain.toArray(HealthRows[]::new));
    Dataset<Row> tops = AccountHierarchy.tops(health);
    assertRows(tops.filter("account_id IN ('L1', 'L10', 'L11')"), List.of(
        top("L1", "L0", 1, "root"), top("L10", "L0", 10, "root"), top("L11", "L11", 0, "too_deep")));
    assertRows(AccountHierarchy.rollup(health, 0.3).select("top_account_id", "hierarchy_issue", "accounts", "max_depth", "arr"),
        List.of(RowFactory.create("L0", null, 11L, 10, 11.0), RowFactory.create("L11", "too_deep", 1L, 0, 1.0)));
  }
}
