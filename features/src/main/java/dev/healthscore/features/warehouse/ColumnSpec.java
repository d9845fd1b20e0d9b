package dev.healthscore.features.warehouse;

/**
 * One contract column, in the contract's own three flavours:
 * {@code notNull} ("not null": a null value is bad input), {@code nullable} ("null": may
 * hold nulls and may even be absent from the table, then read as all null), or neither
 * (must be present, nulls allowed). {@code min}/{@code max} bound numeric values;
 * {@code eventTime} marks a time that cannot lie after the run's wall-clock time.
 */
public record ColumnSpec(String name, ColumnType type, Presence presence, Double min, Double max, boolean eventTime) {

  public enum Presence { NOT_NULL, PRESENT, NULLABLE }

  public static ColumnSpec notNull(String name, ColumnType type) {
    return new ColumnSpec(name, type, Presence.NOT_NULL, null, null, false);
  }

  public static ColumnSpec present(String name, ColumnType type) {
    return new ColumnSpec(name, type, Presence.PRESENT, null, null, false);
  }

  public static ColumnSpec nullable(String name, ColumnType type) {
    return new ColumnSpec(name, type, Presence.NULLABLE, null, null, false);
  }

  public ColumnSpec range(double lo, double hi) {
    return new ColumnSpec(name, type, presence, lo, hi, eventTime);
  }

  public ColumnSpec nonNegative() {
    return new ColumnSpec(name, type, presence, 0.0, null, eventTime);
  }

  public ColumnSpec happened() {
    return new ColumnSpec(name, type, presence, min, max, true);
  }

  public boolean mayBeAbsent() {
    return presence == Presence.NULLABLE;
  }
}
