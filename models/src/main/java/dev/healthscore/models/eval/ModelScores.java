package dev.healthscore.models.eval;

/**
 * One model's scores on a backtest cutoff's accounts (higher = more likely to churn), in the
 * same row order as the labels. {@code probabilities} says whether the scores are churn
 * probabilities (then log loss, Brier and calibration apply); {@code bands} are the model's
 * own bands per row (health band, risk band), or null.
 */
public record ModelScores(ModelKind kind, String detail, double[] scores, boolean probabilities, String[] bands) {
  /** The kind as stored in the evaluation tables' {@code model} column. */
  public String model() {
    return kind.id();
  }
}
