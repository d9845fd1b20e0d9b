package dev.healthscore.features;

import dev.healthscore.features.pit.AsOf;
import dev.healthscore.features.warehouse.TableSpec;
import org.apache.spark.sql.Column;

/**
 * One account feature, declared once: its source table, the aggregation, what it
 * aggregates, which rows count ({@code where}), and the window (T - windowDays, T - offsetDays]
 * on the row's own time. The engine fuses every feature of a table into one pass.
 *
 * @param input the aggregated expression (null for COUNT)
 * @param where extra row condition, may refer to {@link AsOf#t()} for state at T (null = all rows)
 * @param windowDays window length in days; {@link AsOf#ALL_HISTORY} for no limit
 * @param ifNone value for an account with no rows in the window (null = missing)
 */
public record Feature(String name, String family, TableSpec source, Agg agg, Column input, Column where,
                      int windowDays, int offsetDays, Double ifNone, String description) {

  public static Feature of(String name, String family, TableSpec source, Agg agg, Column input, int windowDays,
                           String description) {
    return new Feature(name, family, source, agg, input, null, windowDays, 0, agg.valueWhenNoRows(), description);
  }

  public Feature where(Column condition) {
    return new Feature(name, family, source, agg, input, condition, windowDays, offsetDays, ifNone, description);
  }

  /** Shifts the window back: (T - windowDays, T - offsetDays]. */
  public Feature offset(int days) {
    return new Feature(name, family, source, agg, input, where, windowDays, days, ifNone, description);
  }

  public Feature ifNone(Double value) {
    return new Feature(name, family, source, agg, input, where, windowDays, offsetDays, value, description);
  }

  /** Rows to read back from T for this feature. */
  public int lookbackDays() {
    return windowDays;
  }
}
