package dev.healthscore.models.eval;

/**
 * One model's scores on a backtest cutoff's accounts (higher = more likely to churn), in the
 * same row order as the labels. {@code probabilities} says whether the scores are churn
 * probabilities (then log loss, Brier and calibration apply); {@code bands} are the model's
 * own bands per row (health band, risk band), or null.
 */
public record ModelScores(String model, String detail, double[] scores, boolean probabilities, String[] bands) {
  public static final String CHURN_MODEL = "churn_model";
  public static final String HEALTH_SCORE = "health_score";
  public static final String BASE_RATE = "base_rate";
  public static final String BEST_FEATURE = "best_feature";
  public static final String GBT_REFERENCE = "gbt_reference";
}
