package dev.healthscore.features.warehouse;

/** Row-level breaches of the contract (CONTRACT.md section 4); each sends a row to quarantine. */
public enum Rule {
  NOT_NULL("null value in a not-null column"),
  NOT_INTEGER("fractional value in an integer column"),
  NEGATIVE("negative value where the contract says >= 0"),
  OUT_OF_RANGE("value outside the contract's range"),
  FUTURE_TIME("time later than the run's wall-clock time"),
  UNKNOWN_VALUE("value not among the contract's values for the column"),
  NOT_LATER("time not later than the time it must follow (e.g. expires_at <= created_at)"),
  NO_VALUE("neither of two columns of which one must be set holds a value"),
  UNKNOWN_ACCOUNT("account_id not in accounts"),
  DUPLICATE_ID("id already seen in this table (the earliest row is kept)");

  public final String meaning;

  Rule(String meaning) {
    this.meaning = meaning;
  }

  public String code() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
