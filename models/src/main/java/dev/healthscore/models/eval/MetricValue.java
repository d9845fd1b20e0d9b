package dev.healthscore.models.eval;

/**
 * One headline metric for the evaluation table. ciLow/ciHigh are NaN and resamplesUsed is 0
 * when no interval was computed; resamplesUsed says how many bootstrap resamples had the
 * metric defined (a CI from 600 of 1000 resamples should be read with that in mind).
 */
public record MetricValue(String name, double value, double ciLow, double ciHigh, int resamplesUsed) {
  public static MetricValue point(String name, double value) {
    return new MetricValue(name, value, Double.NaN, Double.NaN, 0);
  }

  public boolean hasInterval() {
    return !Double.isNaN(ciLow) && !Double.isNaN(ciHigh);
  }
}
