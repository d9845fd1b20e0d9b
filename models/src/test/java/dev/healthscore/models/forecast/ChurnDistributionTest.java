package dev.healthscore.models.forecast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.healthscore.models.forecast.ChurnDistribution.Forecast;
import dev.healthscore.models.forecast.ChurnDistribution.Interval;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Poisson-binomial counts and churned-ARR intervals against hand-computed values. */
class ChurnDistributionTest {
  /*
   * Three accounts, p = 0.5, 0.2, 0.1, ARR 100, 200, 300.
   * Churned accounts: P(0) = .5*.8*.9 = .36; P(1) = .5*.8*.9 + .5*.2*.9 + .5*.8*.1 = .36 + .09 + .04 = .49;
   *   P(2) = .09 + .04 + .01 = .14; P(3) = .01. CDF .36, .85, .99, 1.
   *   80 %: q .10 -> 0, q .90 -> 2; 95 %: q .025 -> 0, q .975 -> 2.
   * Churned ARR outcomes: 0 (.36), 100 (.36), 200 (.09), 300 (c alone .04 + a,b .09 = .13), 400 (.04), 500 (.01), 600 (.01).
   *   CDF 0:.36 100:.72 200:.81 300:.94 400:.98 500:.99 600:1.
   *   80 %: [0, 300]; 95 %: [0, 400] (q .975 first reached at 400).
   * Expected: accounts .8, ARR 50 + 40 + 30 = 120, GRR 1 - 120/600 = .8.
   */
  static final double[] P = {0.5, 0.2, 0.1};
  static final double[] ARR = {100, 200, 300};

  @Test
  void threeAccounts_exactCountsAndArr() {
    assertArrayEquals(new double[] {0.36, 0.49, 0.14, 0.01}, ChurnDistribution.countPmf(P), 1e-12);
    Forecast f = ChurnDistribution.of(P, ARR, 1000, 42);
    assertEquals(3, f.accounts());
    assertEquals(600.0, f.arr(), 1e-9);
    assertEquals(0.8, f.expectedAccounts(), 1e-12);
    assertEquals(120.0, f.expectedArr(), 1e-9);
    assertEquals(0.8, f.grr(), 1e-12);
    assertEquals(new Interval(0, 2), f.accountIntervals()[0]);
    assertEquals(new Interval(0, 2), f.accountIntervals()[1]);
    assertEquals(new Interval(0, 300), f.arrIntervals()[0]);
    assertEquals(new Interval(0, 400), f.arrIntervals()[1]);
  }

  @Test
  void quantile_isTheSmallestValueWhoseCdfReachesQ() {
    double[] pmf = ChurnDistribution.countPmf(P); // CDF .36 .85 .99 1
    assertEquals(0, ChurnDistribution.countQuantile(pmf, 0.36)); // exactly reached: not the next value
    assertEquals(1, ChurnDistribution.countQuantile(pmf, 0.37));
    assertEquals(2, ChurnDistribution.countQuantile(pmf, 0.99));
    assertEquals(3, ChurnDistribution.countQuantile(pmf, 0.995));
  }

  @Test
  void equalProbabilities_giveTheBinomial() {
    double[] p = new double[10];
    Arrays.fill(p, 0.3);
    double[] pmf = ChurnDistribution.countPmf(p);
    for (int k = 0; k <= 10; k++) {
      double binom = choose(10, k) * Math.pow(0.3, k) * Math.pow(0.7, 10 - k);
      assertEquals(binom, pmf[k], 1e-12, "k=" + k);
    }
  }

  @Test
  void certainAndImpossibleChurn() {
    Forecast f = ChurnDistribution.of(new double[] {1.0, 0.0}, new double[] {500, 700}, 1000, 1);
    assertEquals(new Interval(1, 1), f.accountIntervals()[1]);
    assertEquals(new Interval(500, 500), f.arrIntervals()[1]);
    assertEquals(1 - 500.0 / 1200, f.grr(), 1e-12);
    assertTrue(Double.isNaN(ChurnDistribution.of(new double[] {0.2}, new double[] {0}, 10, 1).grr())); // no ARR: no GRR
  }

  @Test
  void simulation_agreesWithEnumeration_andIsDeterministic() {
    ChurnDistribution.Atoms sim = ChurnDistribution.simulatedArr(P, ARR, 200_000, 42);
    assertEquals(0.0, sim.quantile(0.10));
    assertEquals(300.0, sim.quantile(0.90));
    assertEquals(0.0, sim.quantile(0.025));
    assertEquals(400.0, sim.quantile(0.975));
    assertArrayEquals(sim.values(), ChurnDistribution.simulatedArr(P, ARR, 200_000, 42).values());
  }

  @Test
  void manyAccounts_equalArr_arrIntervalIsTheCountIntervalTimesArr() {
    // 40 accounts above the exact limit, all ARR 1000: churned ARR = 1000 x churned accounts, so the
    // simulated ARR interval must match the exact count interval up to simulation noise (one account)
    double[] p = new double[40];
    double[] arr = new double[40];
    for (int i = 0; i < 40; i++) {
      p[i] = 0.02 + 0.01 * (i % 10);
      arr[i] = 1000;
    }
    Forecast f = ChurnDistribution.of(p, arr, 10_000, 42);
    for (int l = 0; l < ChurnDistribution.LEVELS.length; l++) {
      assertEquals(f.accountIntervals()[l].low() * 1000, f.arrIntervals()[l].low(), 1000.0);
      assertEquals(f.accountIntervals()[l].high() * 1000, f.arrIntervals()[l].high(), 1000.0);
    }
    Forecast again = ChurnDistribution.of(p, arr, 10_000, 42);
    assertEquals(f.arrIntervals()[0], again.arrIntervals()[0]);
    assertEquals(f.arrIntervals()[1], again.arrIntervals()[1]);
  }

  @Test
  void badInput_isRejected() {
    assertThrows(IllegalArgumentException.class, () -> ChurnDistribution.of(new double[] {1.2}, new double[] {1}, 10, 1));
    assertThrows(IllegalArgumentException.class, () -> ChurnDistribution.of(new double[] {0.2}, new double[] {-1}, 10, 1));
    assertThrows(IllegalArgumentException.class, () -> ChurnDistribution.of(new double[] {0.2}, new double[] {1, 2}, 10, 1));
  }

  private static double choose(int n, int k) {
    double c = 1;
    for (int i = 1; i <= k; i++) c = c * (n - k + i) / i;
    return c;
  }
}
