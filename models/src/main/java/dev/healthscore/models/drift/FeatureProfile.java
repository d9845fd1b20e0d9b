package dev.healthscore.models.drift;

import java.util.List;

/**
 * How one model input was distributed over the training rows: the reference that nightly
 * drift is measured against.
 *
 * @param feature the input (a feature or a derived input, before any transformation)
 * @param binEdges distinct approximate deciles of the non-missing values, ascending; the
 *     bins are x ≤ e₁, e₁ < x ≤ e₂, …, x > eₖ ({@link DriftStatistics#bin})
 * @param binShares share of the non-missing training values in each of those bins
 * @param missingShare share of the rows without a value
 * @param mean mean of the non-missing values (null when none)
 * @param sd sample standard deviation of the non-missing values (null below two values)
 * @param rows training rows profiled
 */
public record FeatureProfile(String feature, List<Double> binEdges, List<Double> binShares, double missingShare, Double mean,
                             Double sd, long rows) {

  public double[] edges() {
    return binEdges.stream().mapToDouble(Double::doubleValue).toArray();
  }

  public double[] shares() {
    return binShares.stream().mapToDouble(Double::doubleValue).toArray();
  }
}
