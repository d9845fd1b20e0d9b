package dev.healthscore.models.drift;

import java.util.Arrays;
import org.apache.commons.math3.random.Well19937c;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;

/**
 * The drift statistics, on plain arrays (no Spark): bin shares on fixed edges, the
 * population stability index (PSI) and the two-sample Kolmogorov–Smirnov test.
 */
public final class DriftStatistics {
  private DriftStatistics() {}

  /**
   * Share used for an empty bin in PSI: ln(0) is undefined, so a bin with no rows on either
   * side counts as 0.01 % of them. A bin empty in training but holding 10 % tonight then adds
   * (0.1 − 0.0001) × ln(0.1 / 0.0001) ≈ 0.69: a clear alert, not an infinity.
   */
  public static final double EMPTY_BIN_SHARE = 1e-4;

  /** Seed of the tie-breaking jitter Commons Math applies to small samples with ties: the same data, the same p-value. */
  static final int KS_TIE_SEED = 42;

  /**
   * Bin of a value on sorted edges e₁ < … < eₖ: bin 0 is x ≤ e₁, bin i is eᵢ < x ≤ eᵢ₊₁,
   * bin k is x > eₖ (k + 1 bins). The same rule as the Spark aggregate of {@link InputProfiles}.
   */
  public static int bin(double x, double[] edges) {
    int i = 0;
    while (i < edges.length && x > edges[i]) i++;
    return i;
  }

  /** Share of the values in each of the edges' k + 1 bins (all 0 when there are no values). */
  public static double[] binShares(double[] values, double[] edges) {
    double[] shares = new double[edges.length + 1];
    for (double v : values) shares[bin(v, edges)]++;
    for (int i = 0; i < shares.length; i++) shares[i] = values.length == 0 ? 0 : shares[i] / values.length;
    return shares;
  }

  /**
   * Population stability index of {@code actual} against {@code expected} bin shares:
   * Σ (aᵢ − eᵢ) · ln(aᵢ / eᵢ), every share below {@link #EMPTY_BIN_SHARE} raised to it.
   * 0 for identical shares; by convention below 0.1 is stable, above 0.25 a major shift.
   */
  public static double psi(double[] expected, double[] actual) {
    if (expected.length != actual.length) {
      throw new IllegalArgumentException("PSI needs the same bins: " + expected.length + " vs " + actual.length);
    }
    double psi = 0;
    for (int i = 0; i < expected.length; i++) {
      double e = Math.max(expected[i], EMPTY_BIN_SHARE);
      double a = Math.max(actual[i], EMPTY_BIN_SHARE);
      psi += (a - e) * Math.log(a / e);
    }
    return psi;
  }

  /** Two-sample Kolmogorov–Smirnov: the largest gap D between the two empirical distribution functions, and its p-value. */
  public record Ks(double statistic, double pValue) {}

  /**
   * Commons Math's two-sample test: for n·m below 10,000 the exact p-value of P(D > d) (ties
   * broken by a seeded jitter), above it the asymptotic Kolmogorov distribution.
   * Null when either sample has fewer than two values (Commons Math's minimum).
   */
  @SuppressWarnings("deprecation") // the seeded constructor: without it the tie jitter is random
  public static Ks ks(double[] x, double[] y) {
    if (x.length < 2 || y.length < 2) return null;
    KolmogorovSmirnovTest test = new KolmogorovSmirnovTest(new Well19937c(KS_TIE_SEED));
    double[] xs = Arrays.copyOf(x, x.length);
    double[] ys = Arrays.copyOf(y, y.length);
    double d = test.kolmogorovSmirnovStatistic(xs, ys);
    try {
      return new Ks(d, test.kolmogorovSmirnovTest(xs, ys));
    } catch (org.apache.commons.math3.exception.MathInternalError e) {
      // Commons Math 3.6.1's tie jitter can fail on heavily tied samples: the asymptotic p-value, without jitter
      return new Ks(d, test.approximateP(d, xs.length, ys.length));
    }
  }

  /** ok / warn / alert of a statistic where larger is worse (PSI, D, a change in share). */
  public static String status(double value, double warn, double alert) {
    return value >= alert ? ALERT : value >= warn ? WARN : OK;
  }

  public static final String OK = "ok";
  public static final String WARN = "warn";
  public static final String ALERT = "alert";
}
