package dev.healthscore.features.warehouse;

import static dev.healthscore.testing.Fixtures.table;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.healthscore.testing.Fixtures;
import dev.healthscore.testing.TestSpark;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** Every row rule of CONTRACT.md section 1, each counted, none silently dropped. */
class ValidationTest {
  static final Instant NOW = Instant.parse("2025-01-01T12:00:00Z");

  static ValidatedWarehouse warehouse() {
    return ValidatedWarehouse.of(Fixtures.warehouse(Map.of(
        "accounts", table(Contract.ACCOUNTS,
            new Object[] {"A1", "a", "smb", "r", "i", null, null, "2023-01-01"},
            new Object[] {"A1", "dup", "smb", "r", "i", null, null, "2023-06-01"}, // duplicate id, later: quarantined
            new Object[] {null, "no id", "smb", "r", "i", null, null, "2023-01-01"},
            new Object[] {"A9", "future", "smb", "r", "i", null, null, "2025-01-02"}),
        "contracts", table(Contract.CONTRACTS,
            new Object[] {"c1", "A1", "2024-01-01", "2025-01-01", 100.0, 3},
            new Object[] {"c2", "A1", "2024-01-01", "2025-01-01", -1.0, 3},
            new Object[] {"c3", "A1", "2024-01-01", "2025-01-01", 10.0, 2.5},
            new Object[] {"c4", "A9", "2024-01-01", "2025-01-01", 10.0, 1}), // A9 was quarantined
        "usage_events", table(Contract.USAGE_EVENTS,
            new Object[] {"A1", "u", "2024-12-31 23:00:00", "f", 1.0},
            new Object[] {"A1", "u", "2024-12-31 23:00:00", "f", 1.0}, // same row twice: usage has no id, both kept
            new Object[] {"A1", "u", "2025-01-01 12:00:01", "f", 1.0},
            new Object[] {"A1", null, "2024-12-01 00:00:00", "f", 1.0},
            new Object[] {"A1", "u", "2024-12-01 00:00:00", "f", -5.0},
            new Object[] {"ZZ", "u", "2024-12-01 00:00:00", "f", 1.0}),
        "support_tickets", table(Contract.SUPPORT_TICKETS,
            new Object[] {"t1", "A1", "2024-01-01 00:00:00", null, "p1", null, 6},
            new Object[] {"t2", "A1", "2024-01-01 00:00:00", null, "p1", null, 5},
            new Object[] {"t2", "A1", "2024-01-02 00:00:00", null, "p1", null, 4}),
        "nps_responses", table(Contract.NPS_RESPONSES,
            new Object[] {"A1", "2024-01-01 00:00:00", 11},
            new Object[] {"A1", "2024-01-01 00:00:00", 10}),
        "csm_assessments", table(Contract.CSM_ASSESSMENTS,
            new Object[] {"A1", "2024-01-01 00:00:00", 0}))), NOW);
  }

  @Test
  void countsEveryRuleAndAcceptedPlusQuarantinedIsInput() {
    ValidatedWarehouse wh = warehouse();
    Map<String, QuarantineCounts> counts = wh.counts().stream().collect(Collectors.toMap(QuarantineCounts::table, c -> c));
    assertEquals(Map.of("duplicate_id:account_id", 1L, "not_null:account_id", 1L, "future_time:created_date", 1L),
        counts.get("accounts").byRule());
    assertEquals(Map.of("negative:arr", 1L, "not_integer:seats", 1L, "unknown_account:account_id", 1L),
        counts.get("contracts").byRule());
    assertEquals(Map.of("future_time:event_time", 1L, "not_null:user_id", 1L, "negative:duration_sec", 1L,
        "unknown_account:account_id", 1L), counts.get("usage_events").byRule());
    assertEquals(Map.of("out_of_range:csat", 1L, "duplicate_id:ticket_id", 1L), counts.get("support_tickets").byRule());
    assertEquals(Map.of("out_of_range:score", 1L), counts.get("nps_responses").byRule());
    assertEquals(Map.of("out_of_range:score", 1L), counts.get("csm_assessments").byRule());
    for (QuarantineCounts c : counts.values()) {
      assertEquals(c.input(), c.accepted() + c.quarantined(), c.table());
    }
    assertEquals(6, counts.get("usage_events").input());
    assertEquals(2, wh.accepted(Contract.USAGE_EVENTS).count());
    assertEquals(1, wh.accepted(Contract.ACCOUNTS).count());
  }

  @Test
  void duplicateKeepsTheEarliestRow() {
    List<Row> tickets = warehouse().accepted(Contract.SUPPORT_TICKETS).collectAsList();
    assertEquals(1, tickets.size()); // t1 is out of range; of the two t2, the 01-01 one stays
    assertEquals(5.0, (Double) tickets.get(0).getAs("csat"));
  }

  @Test
  void rejectedRowsCarryTableRuleColumnAndTheRowAsJson() {
    ValidatedWarehouse wh = warehouse();
    List<Row> rows = wh.rejected().filter("table_name = 'nps_responses'").collectAsList();
    assertEquals(1, rows.size());
    assertEquals("out_of_range", rows.get(0).getAs("rule"));
    assertEquals("score", rows.get(0).getAs("column_name"));
    assertEquals("{\"account_id\":\"A1\",\"responded_at\":\"2024-01-01T00:00:00.000Z\",\"score\":11.0}",
        rows.get(0).getAs("row_json"));
    assertEquals(3 + 3 + 4 + 2 + 1 + 1, wh.rejected().count());
  }

  @Test
  void countsComeFromTheConsumingPassWithoutAnotherScan() {
    ValidatedWarehouse wh = warehouse();
    wh.accepted(Contract.USAGE_EVENTS).count(); // the job's own action
    assertEquals(4, wh.table(Contract.USAGE_EVENTS).counts().quarantined());
  }
}
