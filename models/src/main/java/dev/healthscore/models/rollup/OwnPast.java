package dev.healthscore.models.rollup;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.when;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Column;

/**
 * How a usage reason moved against the account's own past, for the worklist's words
 * ("… = 0.40, down 60 % on its own past"): a habit-free reading of a value that alone says
 * little (200 events is healthy for one account, a collapse for another).
 *
 * <ul>
 *   <li>{@code ev_<e>_per_user_30d}, {@code ev_<e>_share_30d}: {@code ev_<e>_change_30d} (vs the previous 30 days);
 *   <li>{@code events_30d}, {@code session_minutes_30d}: their {@code _vs_own_90d} ratio r, as the change r − 1.
 * </ul>
 */
public final class OwnPast {
  private OwnPast() {}

  /** Within ±5 % (after rounding to whole percent) the account is as usual: no direction is claimed. */
  static final int FLAT_PERCENT = 5;

  private static final Map<String, String> RATIOS = Map.of(
      "events_30d", "events_30d_vs_own_90d",
      "session_minutes_30d", "session_minutes_30d_vs_own_90d");

  /**
   * Each reason feature with a comparison among {@code columns} (account_features columns),
   * mapped to the expression of its change against the account's own past (null: unknown).
   */
  public static Map<String, Column> changes(Collection<String> columns) {
    Map<String, Column> out = new LinkedHashMap<>();
    RATIOS.forEach((feature, ratio) -> {
      if (columns.contains(ratio)) out.put(feature, col(ratio).minus(1.0));
    });
    for (String c : columns) {
      if (!c.startsWith("ev_") || !c.endsWith("_change_30d")) continue;
      String e = c.substring(0, c.length() - "_change_30d".length());
      out.put(e + "_per_user_30d", col(c));
      out.put(e + "_share_30d", col(c));
    }
    return out;
  }

  /** ", down 60 % on its own past" / ", up 25 % …" / ", flat on its own past"; "" when the change is null. */
  static Column phrase(Column change) {
    Column percent = round(abs(change).multiply(100.0)).cast("long");
    return when(change.isNull(), lit(""))
        .when(percent.leq(FLAT_PERCENT), lit(", flat on its own past"))
        .when(change.lt(0), concat(lit(", down "), percent.cast("string"), lit(" % on its own past")))
        .otherwise(concat(lit(", up "), percent.cast("string"), lit(" % on its own past")));
  }
}
