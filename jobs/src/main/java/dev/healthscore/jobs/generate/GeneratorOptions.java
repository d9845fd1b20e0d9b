package dev.healthscore.jobs.generate;

import java.time.LocalDate;
import java.util.Objects;

/**
 * What {@link SampleWorld#generate} builds: a warehouse under {@code out} with {@code accounts}
 * accounts, covering the {@code months} calendar months from {@code start} (inclusive) to
 * {@code start + months} (exclusive). The same options always give the same rows.
 *
 * @param out warehouse root (local path or Hadoop URI); one Parquet directory per table is
 *     (over)written under it
 * @param accounts number of accounts, at least 1
 * @param months length of the world in months, at least 1
 * @param seed any long; all randomness is a pure function of it
 * @param start first day of the world; {@link #DEFAULT_START} is a good choice
 * @param plantedEventType whether a hidden trait that raises churn at renewal also lowers the
 *     share of one event type ({@code exports}) in an account's usage, and nothing else the
 *     generic features see (docs/sample-world.md#planted-event-type)
 * @param minutesShift null, or an injected drift: every usage event from a date on lasts a
 *     factor longer (docs/sample-world.md#injected-drift)
 * @param shifts the other injected drifts: a segment's usage thinned, a column rescaled, a table emptied
 *     ({@link InjectedShifts#NONE} when off; null means none)
 */
public record GeneratorOptions(String out, int accounts, int months, long seed, LocalDate start, boolean plantedEventType,
                               MinutesShift minutesShift, InjectedShifts shifts) {
  /** Usage events on or after {@code from} (UTC) have their duration_sec multiplied by {@code factor}. */
  public record MinutesShift(LocalDate from, double factor) {
    public MinutesShift {
      Objects.requireNonNull(from, "from");
      if (!(factor > 0)) throw new IllegalArgumentException("the shift factor must be > 0, was " + factor);
    }
  }

  /** Suggested start for callers without an opinion. */
  public static final LocalDate DEFAULT_START = LocalDate.of(2024, 1, 1);

  public GeneratorOptions {
    shifts = shifts == null ? InjectedShifts.NONE : shifts;
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(start, "start");
    if (out.isBlank()) throw new IllegalArgumentException("out must not be blank");
    if (accounts < 1 || accounts > 999_999) throw new IllegalArgumentException("accounts must be in 1..999999, was " + accounts);
    if (months < 1 || months > 240) throw new IllegalArgumentException("months must be in 1..240, was " + months);
  }

  public GeneratorOptions(String out, int accounts, int months, long seed, LocalDate start) {
    this(out, accounts, months, seed, start, false);
  }

  public GeneratorOptions(String out, int accounts, int months, long seed, LocalDate start, boolean plantedEventType) {
    this(out, accounts, months, seed, start, plantedEventType, null);
  }

  public GeneratorOptions(String out, int accounts, int months, long seed, LocalDate start, boolean plantedEventType,
                          MinutesShift minutesShift) {
    this(out, accounts, months, seed, start, plantedEventType, minutesShift, InjectedShifts.NONE);
  }

  /** The first day after the world: {@code start + months}. */
  public LocalDate end() {
    return start.plusMonths(months);
  }
}
