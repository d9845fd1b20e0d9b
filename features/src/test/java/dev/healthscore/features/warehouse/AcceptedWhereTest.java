package dev.healthscore.features.warehouse;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.healthscore.testing.Fixtures;
import dev.healthscore.testing.SmallWorld;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * The good rows of a few days of a table without an id, the condition applied before the row
 * rules (the newest-day checks of drift monitoring read usage_events this way): the same rows
 * as the accepted rows filtered afterwards, no bad row among them.
 */
class AcceptedWhereTest {
  private static final Column DAYS = col("event_time").geq(lit(Timestamp.valueOf("2024-06-29 00:00:00")))
      .and(col("event_time").lt(lit(Timestamp.valueOf("2024-07-02 00:00:00"))));

  @Test
  void theGoodRowsOfTheDaysAndNoBadOne() {
    Map<String, Dataset<Row>> tables = new HashMap<>(SmallWorld.tables());
    Dataset<Row> bad = Fixtures.table(Contract.USAGE_EVENTS,
        new Object[] {"A1", null, "2024-06-30 10:00:00", "x", 5.0},   // not_null:user_id
        new Object[] {"A1", "u7", "2024-06-29 10:00:00", "y", -3.0},  // negative:duration_sec
        new Object[] {"ZZ", "u8", "2024-06-29 10:00:00", "x", 1.0},   // unknown_account:account_id
        new Object[] {null, "u1", "2024-06-30 09:00:00", "x", 1.0});  // not_null:account_id
    tables.put("usage_events", tables.get("usage_events").unionByName(bad));
    ValidatedWarehouse wh = ValidatedWarehouse.of(tables, Instant.parse("2026-01-01T00:00:00Z"));

    // SmallWorld's good rows on those days: u1 on 2024-06-30 23:59:59 and u9 on 2024-07-01 00:00
    assertEquals(List.of("u1 2024-06-30 23:59:59.0", "u9 2024-07-01 00:00:00.0"), users(wh.table(Contract.USAGE_EVENTS).acceptedWhere(DAYS)));
    assertEquals(users(wh.accepted(Contract.USAGE_EVENTS).filter(DAYS)), users(wh.table(Contract.USAGE_EVENTS).acceptedWhere(DAYS)));
  }

  @Test
  void refusedForATableWithAnIdColumn() {
    ValidatedWarehouse wh = ValidatedWarehouse.of(SmallWorld.tables(), Instant.parse("2026-01-01T00:00:00Z"));
    // a duplicate id is decided among all rows of the id, so a filtered read could keep the wrong one
    assertThrows(IllegalArgumentException.class, () -> wh.table(Contract.SUPPORT_TICKETS).acceptedWhere(lit(true)));
  }

  /** "user_id event_time" of each row, sorted (duplicates kept). */
  private static List<String> users(Dataset<Row> rows) {
    return rows.select("user_id", "event_time").collectAsList().stream()
        .map(r -> r.getString(0) + " " + r.getTimestamp(1)).sorted().toList();
  }
}
