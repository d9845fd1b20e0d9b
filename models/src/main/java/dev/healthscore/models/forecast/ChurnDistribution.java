package dev.healthscore.models.forecast;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The distribution of churn in a group of accounts whose churns are independent, each with
 * its own probability p (over the model's horizon): pure math, no Spark.
 *
 * <ul>
 *   <li><b>Churned accounts</b> follow the Poisson-binomial distribution, computed exactly by
 *       dynamic programming over the accounts (O(n²), deterministic).</li>
 *   <li><b>Churned ARR</b> is a weighted sum, Σ ARRᵢ·Bernoulli(pᵢ). Up to {@value #EXACT_MAX_ACCOUNTS}
 *       accounts its 2ⁿ outcomes are enumerated exactly; above that it is simulated with
 *       {@code draws} Monte-Carlo draws from a fixed seed, the accounts in the order given
 *       (callers sort them by account id), so the same input always gives the same interval.</li>
 * </ul>
 *
 * <p>A central interval at level L runs from the (1 − L)/2 quantile to the (1 + L)/2 quantile,
 * where the q quantile is the smallest value v with P(X ≤ v) ≥ q.
 */
public final class ChurnDistribution {
  private ChurnDistribution() {}

  /** Churned ARR is enumerated exactly up to this many accounts (2^12 = 4,096 outcomes), simulated above. */
  public static final int EXACT_MAX_ACCOUNTS = 12;
  /** The interval levels written: central 80 % and 95 %. */
  public static final double[] LEVELS = {0.80, 0.95};
  /** Cumulative probabilities within this of a quantile count as reaching it (floating-point sums). */
  private static final double EPS = 1e-9;

  /** A closed interval [low, high]. */
  public record Interval(double low, double high) {
    public boolean contains(double x) {
      return x >= low - EPS && x <= high + EPS;
    }
  }

  /**
   * The forecast for one group of accounts.
   *
   * @param grr gross revenue retention forecast 1 − expectedArr / arr; NaN when the group has no ARR
   * @param accountIntervals churned-accounts intervals, one per {@link #LEVELS}
   * @param arrIntervals churned-ARR intervals, one per {@link #LEVELS}
   */
  public record Forecast(int accounts, double arr, double expectedAccounts, double expectedArr, double grr,
                         Interval[] accountIntervals, Interval[] arrIntervals) {}

  /**
   * @param p churn probability per account, each in [0, 1]
   * @param arr ARR per account (≥ 0; callers pass 0 for an unknown ARR)
   * @param draws Monte-Carlo draws for churned ARR above {@value #EXACT_MAX_ACCOUNTS} accounts
   * @param seed the simulation's seed
   */
  public static Forecast of(double[] p, double[] arr, int draws, long seed) {
    if (p.length != arr.length) throw new IllegalArgumentException("p and arr differ in length");
    double totalArr = 0;
    double expectedAccounts = 0;
    double expectedArr = 0;
    for (int i = 0; i < p.length; i++) {
      check(p[i], arr[i]);
      totalArr += arr[i];
      expectedAccounts += p[i];
      expectedArr += p[i] * arr[i];
    }
    double[] pmf = countPmf(p);
    Atoms churnedArr = p.length <= EXACT_MAX_ACCOUNTS ? exactArr(p, arr) : simulatedArr(p, arr, draws, seed);
    Interval[] counts = new Interval[LEVELS.length];
    Interval[] arrs = new Interval[LEVELS.length];
    for (int l = 0; l < LEVELS.length; l++) {
      double lo = (1 - LEVELS[l]) / 2;
      double hi = (1 + LEVELS[l]) / 2;
      counts[l] = new Interval(countQuantile(pmf, lo), countQuantile(pmf, hi));
      arrs[l] = new Interval(churnedArr.quantile(lo), churnedArr.quantile(hi));
    }
    double grr = totalArr > 0 ? 1 - expectedArr / totalArr : Double.NaN;
    return new Forecast(p.length, totalArr, expectedAccounts, expectedArr, grr, counts, arrs);
  }

  /** P(exactly k of the accounts churn), k = 0..n: the Poisson-binomial distribution, exact. */
  public static double[] countPmf(double[] p) {
    double[] f = new double[p.length + 1];
    f[0] = 1;
    for (int i = 0; i < p.length; i++) {
      double q = p[i];
      for (int k = i + 1; k >= 1; k--) f[k] = f[k] * (1 - q) + f[k - 1] * q;
      f[0] *= 1 - q;
    }
    return f;
  }

  /** The smallest k with P(X ≤ k) ≥ q. */
  public static int countQuantile(double[] pmf, double q) {
    double cum = 0;
    for (int k = 0; k < pmf.length; k++) {
      cum += pmf[k];
      if (cum >= q - EPS) return k;
    }
    return pmf.length - 1;
  }

  /** Possible values, ascending, with their cumulative probability. */
  record Atoms(double[] values, double[] cumulative) {
    double quantile(double q) {
      for (int i = 0; i < values.length; i++) if (cumulative[i] >= q - EPS) return values[i];
      return values[values.length - 1];
    }
  }

  /** Every one of the 2^n outcomes: its churned ARR and probability. */
  static Atoms exactArr(double[] p, double[] arr) {
    int n = p.length;
    int outcomes = 1 << n;
    double[][] vp = new double[outcomes][];
    for (int mask = 0; mask < outcomes; mask++) {
      double v = 0;
      double prob = 1;
      for (int i = 0; i < n; i++) {
        if ((mask & (1 << i)) != 0) {
          v += arr[i];
          prob *= p[i];
        } else {
          prob *= 1 - p[i];
        }
      }
      vp[mask] = new double[] {v, prob};
    }
    Arrays.sort(vp, (a, b) -> Double.compare(a[0], b[0]));
    double[] values = new double[outcomes];
    double[] cum = new double[outcomes];
    double c = 0;
    for (int i = 0; i < outcomes; i++) {
      values[i] = vp[i][0];
      c += vp[i][1];
      cum[i] = c;
    }
    return new Atoms(values, cum);
  }

  /** {@code draws} simulated outcomes from {@code seed}, each with probability 1 / draws. */
  static Atoms simulatedArr(double[] p, double[] arr, int draws, long seed) {
    if (draws < 1) throw new IllegalArgumentException("draws must be at least 1");
    SplittableRandom rng = new SplittableRandom(seed);
    double[] values = new double[draws];
    for (int d = 0; d < draws; d++) {
      double v = 0;
      for (int i = 0; i < p.length; i++) if (rng.nextDouble() < p[i]) v += arr[i];
      values[d] = v;
    }
    Arrays.sort(values);
    double[] cum = new double[draws];
    for (int d = 0; d < draws; d++) cum[d] = (d + 1) / (double) draws;
    return new Atoms(values, cum);
  }

  private static void check(double p, double arr) {
    if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("churn probability must be in [0, 1] (got " + p + ")");
    if (!(arr >= 0) || Double.isInfinite(arr)) throw new IllegalArgumentException("ARR must be finite and >= 0 (got " + arr + ")");
  }
}
