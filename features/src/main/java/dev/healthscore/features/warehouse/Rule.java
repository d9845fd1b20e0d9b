package dev.healthscore.features.warehouse;

/** Row-level breaches of the contract (CONTRACT.md section 4); each sends a row to quarantine. */
public enum Rule {
  NOT_NULL("null value in a not-null column"),
  NOT_INTEGER("fractional value in an integer column"),
  NEGATIVE("negative value where the contract says >= 0"),
  OUT_OF_RANGE("value outside the contract's range"),
  FUTURE_TIME("time later than the run's wall-clock time"),
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
