package dev.healthscore.models.eval;

import java.util.List;

/**
 * Calibration table with all {@code bins} rows (empty ones included, so charts share an axis)
 * and the expected calibration error ECE = sum over bins of (n_b / N) * |meanPredicted_b - observedRate_b|.
 */
public record Calibration(double expectedCalibrationError, List<CalibrationBin> bins) {
  public Calibration {
    bins = List.copyOf(bins);
  }
}
