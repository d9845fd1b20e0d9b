package dev.healthscore.models.opportunities;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.healthscore.testing.TestSpark;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Precision of the expansion signal against the green base rate, on hand-made accounts and contracts. */
class ExpansionBacktestTest {
  static final LocalDate C = LocalDate.of(2024, 6, 30);

  static final StructType AT_CUTOFF = new StructType().add("account_id", "string").add("health_band", "string")
      .add("churn_risk_band", "string").add("seats", "long").add("arr", "double").add("active_users_per_seat", "double")
      .add("events_30d_vs_own_90d", "double").add("days_to_renewal", "integer");
  static final StructType CONTRACTS = new StructType().add("account_id", "string").add("start_date", "date")
      .add("seats", "integer").add("arr", "double");

  static Row contract(String id, int daysAfterC, Integer seats, double arr) {
    return RowFactory.create(id, Date.valueOf(C.plusDays(daysAfterC)), seats, arr);
  }

  /*
   * Cutoff C, horizon 90 days, thresholds 0.8 per seat or growth 1.2; renewal > 60 days:
   *   f1 green low, 50 seats, .90 per seat, renewal 120  flagged; 60 seats from C+30          expanded
   *   f2 green low, 50 seats, .85, renewal 200           flagged; 80 seats from C+120 (late)  not expanded
   *   f3 green, no model, .30 but growth 1.5, renewal 100 flagged; ARR 1000 -> 1200 at C+90 (last day) expanded
   *   f4 green low, .90, renewal 30 (too soon)           not flagged; 70 seats from C+30      expanded
   *   f5 green low, .50                                   not flagged; same seats and ARR at C+10: not expanded
   *   f6 green low, .20                                   not flagged; 100 seats from C itself (not after C): not expanded
   *   y1 yellow, .90                                      not green; 80 seats from C+5         expanded
   * accounts 7, expanded 4; green 6, of them expanded 3 (base rate 0.5); flagged 3, expanded 2 (precision 2/3); lift 4/3.
   */
  @Test
  void precisionBaseRateAndLift() {
    Dataset<Row> atCutoff = TestSpark.spark().createDataFrame(List.of(
        RowFactory.create("f1", "green", "low", 50L, 5000.0, 0.90, null, 120),
        RowFactory.create("f2", "green", "low", 50L, 5000.0, 0.85, null, 200),
        RowFactory.create("f3", "green", null, 10L, 1000.0, 0.30, 1.5, 100),
        RowFactory.create("f4", "green", "low", 50L, 5000.0, 0.90, null, 30),
        RowFactory.create("f5", "green", "low", 50L, 5000.0, 0.50, null, 200),
        RowFactory.create("f6", "green", "low", 50L, 5000.0, 0.20, null, 200),
        RowFactory.create("y1", "yellow", "low", 50L, 5000.0, 0.90, null, 200)), AT_CUTOFF);
    Dataset<Row> contracts = TestSpark.spark().createDataFrame(List.of(
        contract("f1", 30, 60, 6000.0), contract("f2", 120, 80, 8000.0), contract("f3", 90, 10, 1200.0),
        contract("f4", 30, 70, 7000.0), contract("f5", 10, 50, 5000.0), contract("f6", 0, 100, 10000.0),
        contract("y1", 5, 80, 8000.0), contract("z9", 5, 80, 8000.0)), CONTRACTS);
    ExpansionBacktest.Result r = ExpansionBacktest.evaluate(atCutoff, contracts, C, 90,
        new OpportunitiesConfig.Expansion(0.8, 1.2, 60, 365));
    assertEquals(new ExpansionBacktest.Result(C, 90, 7, 4, 6, 3, 3, 2), r);
    assertEquals(2.0 / 3, r.precision(), 1e-12);
    assertEquals(0.5, r.baseRate(), 1e-12);
    assertEquals(4.0 / 3, r.lift(), 1e-12);
  }

  @Test
  void nothingFlagged_precisionAndLiftUndefined() {
    ExpansionBacktest.Result r = new ExpansionBacktest.Result(C, 90, 5, 1, 2, 1, 0, 0);
    assertEquals(Double.NaN, r.precision());
    assertEquals(0.5, r.baseRate());
    assertEquals(Double.NaN, r.lift());
  }
}
