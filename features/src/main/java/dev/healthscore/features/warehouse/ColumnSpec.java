package dev.healthscore.features.warehouse;

/**
 * One contract column, in the contract's own three flavours:
 * {@code notNull} ("not null": a null value is bad input), {@code nullable} ("null": may
 * hold nulls and may even be absent from the table, then read as all null), or neither
 * (must be present, nulls allowed). {@code min}/{@code max} bound numeric values;
 * {@code eventTime} marks a time that cannot lie after the run's wall-clock time;
 * {@code values} (when not empty) lists the only values a text column may hold;
 * {@code after} names a time column this one must be later than; {@code orElse} names a
 * column that must hold a value where this one is null (one of the two is set).
 */
public record ColumnSpec(String name, ColumnType type, Presence presence, Double min, Double max, boolean eventTime,
                         java.util.List<String> values, String after, String orElse) {

  public enum Presence { NOT_NULL, PRESENT, NULLABLE }

  public static ColumnSpec notNull(String name, ColumnType type) {
    return new ColumnSpec(name, type, Presence.NOT_NULL, null, null, false, java.util.List.of(), null, null);
  }

  public static ColumnSpec present(String name, ColumnType type) {
    return new ColumnSpec(name, type, Presence.PRESENT, null, null, false, java.util.List.of(), null, null);
  }

  public static ColumnSpec nullable(String name, ColumnType type) {
    return new ColumnSpec(name, type, Presence.NULLABLE, null, null, false, java.util.List.of(), null, null);
  }

  public ColumnSpec range(double lo, double hi) {
    return new ColumnSpec(name, type, presence, lo, hi, eventTime, values, after, orElse);
  }

  public ColumnSpec nonNegative() {
    return new ColumnSpec(name, type, presence, 0.0, null, eventTime, values, after, orElse);
  }

  public ColumnSpec happened() {
    return new ColumnSpec(name, type, presence, min, max, true, values, after, orElse);
  }

  /** Only these values (exact, case-sensitive); a null is left to the presence rule. */
  public ColumnSpec oneOf(String... allowed) {
    return new ColumnSpec(name, type, presence, min, max, eventTime, java.util.List.of(allowed), after, orElse);
  }

  /** A time that must be later than the time in column {@code earlier} of the same row (where both are set). */
  public ColumnSpec laterThan(String earlier) {
    return new ColumnSpec(name, type, presence, min, max, eventTime, values, earlier, orElse);
  }

  /** Where this column is null, column {@code other} must hold a value. */
  public ColumnSpec orElse(String other) {
    return new ColumnSpec(name, type, presence, min, max, eventTime, values, after, other);
  }

  public boolean mayBeAbsent() {
    return presence == Presence.NULLABLE;
  }
}
