package dev.healthscore.models.eval;

import java.util.Arrays;
import org.apache.commons.math3.random.MersenneTwister;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;

/**
 * Percentile bootstrap intervals for AUC and top-decile lift. Each resample draws N rows with
 * replacement using a Mersenne Twister seeded with {@code seed}, so a run is reproducible from
 * (rows in the same order, resamples, seed). Both metrics are computed on the same resamples.
 * Resamples where a metric is undefined (AUC: one class only; lift: no churners) are skipped
 * for that metric and the count actually used is reported.
 *
 * <p>Interval bounds are the (1 - level)/2 and (1 + level)/2 quantiles of the resampled values,
 * by linear interpolation between order statistics (Hyndman-Fan type 7, numpy's default).
 */
public final class Bootstrap {
  public static final int DEFAULT_RESAMPLES = 1000;
  public static final double DEFAULT_LEVEL = 0.95;

  private final int resamples;
  private final long seed;
  private final double level;

  public Bootstrap(int resamples, long seed, double level) {
    if (resamples < 1) {
      throw new IllegalArgumentException("need at least one resample: " + resamples);
    }
    if (!(level > 0.0 && level < 1.0)) {
      throw new IllegalArgumentException("confidence level must be in (0, 1): " + level);
    }
    this.resamples = resamples;
    this.seed = seed;
    this.level = level;
  }

  /** 1000 resamples, 95 % intervals. */
  public static Bootstrap withSeed(long seed) {
    return new Bootstrap(DEFAULT_RESAMPLES, seed, DEFAULT_LEVEL);
  }

  public BootstrapResult run(BinaryMetrics metrics) {
    Ranking ranking = metrics.ranking();
    int n = ranking.size();
    RandomGenerator rng = new MersenneTwister(seed);
    // Row counts per ranking position: the resample as a multiset, see Ranking.
    int[] weights = new int[n];
    double[] aucs = new double[resamples];
    double[] lifts = new double[resamples];
    int aucUsed = 0;
    int liftUsed = 0;
    for (int b = 0; b < resamples; b++) {
      Arrays.fill(weights, 0);
      for (int i = 0; i < n; i++) {
        weights[rng.nextInt(n)]++;
      }
      double auc = ranking.auc(weights);
      if (!Double.isNaN(auc)) {
        aucs[aucUsed++] = auc;
      }
      double lift = ranking.topGroupLift(weights, BinaryMetrics.DECILES);
      if (!Double.isNaN(lift)) {
        lifts[liftUsed++] = lift;
      }
    }
    return new BootstrapResult(resamples, seed, level,
        interval("auc_roc", metrics.auc(), aucs, aucUsed),
        interval("top_decile_lift", metrics.topDecileLift(), lifts, liftUsed));
  }

  private MetricValue interval(String name, double estimate, double[] values, int used) {
    if (used == 0) {
      return new MetricValue(name, estimate, Double.NaN, Double.NaN, 0);
    }
    double[] sample = Arrays.copyOf(values, used);
    double tail = 100.0 * (1.0 - level) / 2.0;
    return new MetricValue(name, estimate, percentile(sample, tail), percentile(sample, 100.0 - tail), used);
  }

  /** Type-7 quantile (linear interpolation, numpy's default) of values at p percent, p in (0, 100]. */
  static double percentile(double[] values, double p) {
    return new Percentile().withEstimationType(Percentile.EstimationType.R_7).evaluate(values, p);
  }
}
