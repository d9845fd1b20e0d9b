package dev.healthscore.features;

/** How a feature folds an account's rows into one value. */
public enum Agg {
  /** Number of rows. 0 when none. */
  COUNT,
  /** Number of distinct values of the input. 0 when none. */
  COUNT_DISTINCT,
  /** Sum of the input. 0 when none. */
  SUM,
  MEAN,
  MEDIAN,
  MAX,
  MIN,
  /** The input on the latest row. */
  LAST,
  /** Whole days from the latest row to T. The window length when none (i.e. "at least"). */
  DAYS_SINCE_LAST;

  /** The value for an account with no rows: 0 for counts and sums, else missing. */
  public Double valueWhenNoRows() {
    return switch (this) {
      case COUNT, COUNT_DISTINCT, SUM -> 0.0;
      default -> null;
    };
  }
}
