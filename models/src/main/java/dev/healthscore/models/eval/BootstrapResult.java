package dev.healthscore.models.eval;

import java.util.List;

/**
 * Point estimates with percentile intervals from {@code resamples} bootstrap resamples drawn
 * with the given seed; {@link MetricValue#resamplesUsed()} says how many had the metric defined.
 */
public record BootstrapResult(int resamples, long seed, double level, MetricValue auc, MetricValue topDecileLift) {
  public List<MetricValue> metrics() {
    return List.of(auc, topDecileLift);
  }
}
