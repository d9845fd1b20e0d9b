package dev.healthscore.features.warehouse;

import static dev.healthscore.testing.Fixtures.table;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.healthscore.testing.Fixtures;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** The row rules of the optional health_overrides table: each bad row quarantined under its first broken rule, counted. */
class HealthOverridesValidationTest {
  static final Instant NOW = Instant.parse("2025-01-01T12:00:00Z");

  static ValidatedWarehouse warehouse(Object[]... overrides) {
    return ValidatedWarehouse.of(Fixtures.warehouse(Map.of(
        "accounts", table(Contract.ACCOUNTS, new Object[] {"A1", "a", "smb", "r", "i", null, null, "2023-01-01"}),
        "health_overrides", table(Contract.HEALTH_OVERRIDES, overrides))), NOW);
  }

  @Test
  void everyRuleQuarantinesItsRowAndTheGoodRowsStay() {
    ValidatedWarehouse wh = warehouse(
        // account, band, score, reason, author, created_at, expires_at
        new Object[] {"A1", "red", null, "exec sponsor left", "ann", "2024-12-01 00:00:00", "2025-03-01 00:00:00"}, // good
        new Object[] {"A1", null, 40.0, "renewal call", "bob", "2024-12-02 00:00:00", null}, // good: score only, default expiry
        new Object[] {"ZZ", "red", null, "r", "ann", "2024-12-01 00:00:00", null}, // unknown account
        new Object[] {"A1", "red", null, "r", "ann", "2024-12-01 00:00:00", "2024-12-01 00:00:00"}, // expires_at = created_at
        new Object[] {"A1", "red", null, "r", "ann", "2024-12-01 00:00:00", "2024-11-30 00:00:00"}, // expires before created
        new Object[] {"A1", "Red", null, "r", "ann", "2024-12-01 00:00:00", null}, // not a band (case matters)
        new Object[] {"A1", "purple", 50.0, "r", "ann", "2024-12-01 00:00:00", null}, // not a band
        new Object[] {"A1", null, 100.5, "r", "ann", "2024-12-01 00:00:00", null}, // score above 100
        new Object[] {"A1", "green", -1.0, "r", "ann", "2024-12-01 00:00:00", null}, // score below 0
        new Object[] {"A1", null, null, "r", "ann", "2024-12-01 00:00:00", null}, // neither band nor score
        new Object[] {"A1", "red", null, null, "ann", "2024-12-01 00:00:00", null}, // no reason
        new Object[] {"A1", "red", null, "r", null, "2024-12-01 00:00:00", null}, // no author
        new Object[] {"A1", "red", null, "r", "ann", "2025-01-01 12:00:01", null}); // created after the run's wall clock
    QuarantineCounts counts = wh.table(Contract.HEALTH_OVERRIDES).counts();
    Map<String, Long> expected = new LinkedHashMap<>();
    expected.put("not_null:reason", 1L);
    expected.put("not_null:author", 1L);
    expected.put("unknown_value:override_band", 2L);
    expected.put("no_value:override_band", 1L);
    expected.put("out_of_range:override_score", 2L);
    expected.put("future_time:created_at", 1L);
    expected.put("not_later:expires_at", 2L);
    expected.put("unknown_account:account_id", 1L);
    assertEquals(expected, counts.byRule());
    assertEquals(13, counts.input());
    assertEquals(2, counts.accepted());
    List<Row> good = wh.accepted(Contract.HEALTH_OVERRIDES).orderBy("created_at").collectAsList();
    assertEquals(List.of("ann", "bob"), good.stream().map(r -> r.<String>getAs("author")).toList());
    assertEquals(11, wh.rejected().filter("table_name = 'health_overrides'").count());
  }

  @Test
  void aMissingTableMeansNoOverrides() {
    ValidatedWarehouse wh = warehouse();
    assertEquals(0, wh.accepted(Contract.HEALTH_OVERRIDES).count());
    assertEquals(Map.of(), wh.table(Contract.HEALTH_OVERRIDES).counts().byRule());
  }
}
