package dev.healthscore.models.eval;

/**
 * One equal-width probability bin, [lower, upper) except that the last bin includes 1.0.
 * meanPredicted and observedRate are NaN for an empty bin.
 *
 * @param bin 0-based bin index
 */
public record CalibrationBin(int bin, double lower, double upper, int n, double meanPredicted, double observedRate) {}
