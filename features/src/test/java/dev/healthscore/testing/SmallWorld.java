package dev.healthscore.testing;

import static dev.healthscore.testing.Fixtures.table;

import dev.healthscore.features.warehouse.Contract;
import java.time.LocalDate;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A hand-made warehouse, as of T = 2024-06-30, with rows on every window edge and rows
 * after T (which must never show). Expected feature values are worked out in
 * FeatureEngineTest.
 */
public final class SmallWorld {
  public static final LocalDate T = LocalDate.of(2024, 6, 30);

  private SmallWorld() {}

  public static Map<String, Dataset<Row>> tables() {
    return Fixtures.warehouse(Map.of(
        "accounts", table(Contract.ACCOUNTS,
            new Object[] {"A1", "Acme", "smb", "emea", "retail", "csm1", null, "2023-01-01"},
            new Object[] {"A2", "Later", "enterprise", "amer", "tech", null, null, "2024-07-15"},
            new Object[] {"A3", "Gone", "smb", "amer", "tech", "csm2", null, "2023-03-01"},
            new Object[] {"A4", "Leaving", "mid_market", "apac", "health", "csm2", "A1", "2024-01-01"},
            new Object[] {"A5", "Quiet", "smb", "emea", "retail", null, null, "2024-06-30"}),
        "churn_events", table(Contract.CHURN_EVENTS,
            new Object[] {"A3", "2024-06-01", "price"},
            new Object[] {"A4", "2024-08-15", "competitor"}),
        "contracts", table(Contract.CONTRACTS,
            new Object[] {"c1", "A1", "2023-01-01", "2024-01-01", 1000.0, 5},
            new Object[] {"c2", "A1", "2024-01-01", "2025-01-01", 1200.0, 6},
            new Object[] {"c3", "A1", "2024-07-01", "2025-07-01", 99999.0, 60},
            new Object[] {"c4", "A4", "2024-01-01", "2024-06-30", 500.0, 2},
            new Object[] {"c5", "A4", "2024-06-30", "2025-06-30", 800.0, null}),
        "usage_events", table(Contract.USAGE_EVENTS,
            new Object[] {"A1", "u1", "2024-06-30 23:59:59", "a", 600.0},
            new Object[] {"A1", "u2", "2024-06-24 10:00:00", "b", 60.0},
            new Object[] {"A1", "u3", "2024-06-23 00:00:00", "a", 120.0},
            new Object[] {"A1", "u1", "2024-05-31 12:00:00", "c", null},
            new Object[] {"A1", "u4", "2024-05-01 08:00:00", "d", 30.0},
            new Object[] {"A1", "u9", "2024-07-01 00:00:00", "z", 999.0},
            new Object[] {"A4", "u5", "2024-04-15 09:00:00", "a", 10.0}),
        "support_tickets", table(Contract.SUPPORT_TICKETS,
            new Object[] {"t1", "A1", "2024-06-29 10:00:00", null, "p1", null, null},
            new Object[] {"t2", "A1", "2024-06-20 00:00:00", "2024-07-02 00:00:00", "p2", true, 1},
            new Object[] {"t3", "A1", "2024-05-01 00:00:00", "2024-05-01 10:00:00", "p3", false, 5},
            new Object[] {"t4", "A1", "2024-04-02 00:00:00", "2024-04-03 06:00:00", "P1", true, 3},
            new Object[] {"t5", "A1", "2024-04-01 00:00:00", "2024-04-01 02:00:00", "p2", true, 4},
            new Object[] {"t6", "A1", "2024-07-01 00:00:00", null, "p1", null, null}),
        "invoices", table(Contract.INVOICES,
            new Object[] {"i1", "A1", "2024-05-01", "2024-05-31", 100.0, "2024-05-20"},
            new Object[] {"i2", "A1", "2024-04-01", "2024-05-01", 100.0, "2024-05-10"},
            new Object[] {"i3", "A1", "2024-05-15", "2024-06-14", 100.0, null},
            new Object[] {"i4", "A1", "2024-04-20", "2024-05-20", 100.0, "2024-07-05"},
            new Object[] {"i5", "A1", "2024-06-10", "2024-07-10", 100.0, null},
            new Object[] {"i6", "A1", "2024-07-01", "2024-07-31", 100.0, null}),
        "engagements", table(Contract.ENGAGEMENTS,
            new Object[] {"e1", "A1", "2024-06-15 15:00:00", "meeting", "executive", "outbound"},
            new Object[] {"e2", "A1", "2024-05-01 09:00:00", "call", "champion", "inbound"},
            new Object[] {"e3", "A1", "2024-03-01 09:00:00", "qbr", "executive", "outbound"},
            new Object[] {"e4", "A1", "2024-02-01 09:00:00", "champion_left", null, null},
            new Object[] {"e5", "A1", "2023-09-01 09:00:00", "reference", "champion", "outbound"},
            new Object[] {"e6", "A1", "2024-07-01 09:00:00", "qbr", "executive", "outbound"}),
        "nps_responses", table(Contract.NPS_RESPONSES,
            new Object[] {"A1", "2024-01-10 12:00:00", 9},
            new Object[] {"A1", "2024-06-01 12:00:00", 6},
            new Object[] {"A1", "2024-07-01 12:00:00", 0}),
        "csm_assessments", table(Contract.CSM_ASSESSMENTS,
            new Object[] {"A1", "2024-06-30 23:00:00", 2},
            new Object[] {"A1", "2024-06-01 10:00:00", 4})));
  }
}
