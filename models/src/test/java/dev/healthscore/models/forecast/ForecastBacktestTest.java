package dev.healthscore.models.forecast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Predicted vs actual per group, inside or not, coverage and its verdict in words. */
class ForecastBacktestTest {
  /*
   * a smb p .5 ARR 100 churned; b smb p .2 ARR 200 churned; c enterprise p .1 ARR 300 not churned.
   * Total (ChurnDistributionTest's case): actual 2 accounts, ARR 300; accounts 80 % [0, 2] and 95 % [0, 2]: inside;
   *   ARR 80 % [0, 300], 95 % [0, 400]: inside; error (120 - 300) / 300 = -0.6.
   * smb: actual 2 accounts (80 % [0, 1]: outside; 95 % [0, 2]: inside), ARR 300 (80 % [0, 200]: outside; 95 % [0, 300]: inside).
   * enterprise: actual 0 (inside both), ARR 0 (inside), error undefined.
   */
  @Test
  void threeAccounts_insideOrNot_coverage() {
    List<ForecastBacktest.Check> checks = ForecastBacktest.check(new String[] {"smb", "smb", "enterprise"},
        new double[] {0.5, 0.2, 0.1}, new double[] {100, 200, 300}, new boolean[] {true, true, false}, new ForecastConfig(1000, 42));
    assertEquals(List.of("total=(all)", "segment=enterprise", "segment=smb"),
        checks.stream().map(c -> c.level() + "=" + c.value()).toList());
    ForecastBacktest.Check total = checks.get(0);
    assertEquals(2, total.actualAccounts());
    assertEquals(300.0, total.actualArr());
    assertTrue(total.accountsInside(0) && total.accountsInside(1) && total.arrInside(0) && total.arrInside(1));
    assertEquals(-0.6, total.arrErrorShare(), 1e-12);
    ForecastBacktest.Check smb = checks.get(2);
    assertFalse(smb.accountsInside(0));
    assertTrue(smb.accountsInside(1));
    assertFalse(smb.arrInside(0));
    assertTrue(smb.arrInside(1));
    assertTrue(Double.isNaN(checks.get(1).arrErrorShare()));

    ForecastBacktest.Coverage cov = ForecastBacktest.coverage(checks);
    assertEquals(3, cov.checks());
    assertArrayEquals(new double[] {2 / 3.0, 1.0}, cov.accounts(), 1e-12);
    assertArrayEquals(new double[] {2 / 3.0, 1.0}, cov.arr(), 1e-12);
  }

  @Test
  void verdictInWords() {
    assertTrue(ForecastBacktest.verdict(0.80, 0.50).startsWith("overconfident: the 80 % interval held the actual only 50 %"));
    assertTrue(ForecastBacktest.verdict(0.80, 0.66).startsWith("about right")); // 14 points below: within 15
    assertTrue(ForecastBacktest.verdict(0.80, 0.64).startsWith("overconfident"));
    assertTrue(ForecastBacktest.verdict(0.80, 0.97).startsWith("cautious"));
    assertTrue(ForecastBacktest.verdict(0.95, 1.0).startsWith("about right"));
    assertEquals("no backtest yet", ForecastBacktest.verdict(0.80, Double.NaN));
  }
}
