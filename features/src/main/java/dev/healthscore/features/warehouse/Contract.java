package dev.healthscore.features.warehouse;

import static dev.healthscore.features.warehouse.ColumnSpec.notNull;
import static dev.healthscore.features.warehouse.ColumnSpec.nullable;
import static dev.healthscore.features.warehouse.ColumnSpec.present;
import static dev.healthscore.features.warehouse.ColumnType.BOOLEAN;
import static dev.healthscore.features.warehouse.ColumnType.DATE;
import static dev.healthscore.features.warehouse.ColumnType.DOUBLE;
import static dev.healthscore.features.warehouse.ColumnType.INT;
import static dev.healthscore.features.warehouse.ColumnType.STRING;
import static dev.healthscore.features.warehouse.ColumnType.TIMESTAMP;

import java.util.List;

/** The warehouse tables of shared/CONTRACT.md section 1, column by column. */
public final class Contract {
  private Contract() {}

  public static final TableSpec ACCOUNTS = new TableSpec("accounts", List.of(
      notNull("account_id", STRING),
      present("account_name", STRING),
      present("segment", STRING),
      present("region", STRING),
      present("industry", STRING),
      nullable("csm_owner", STRING),
      nullable("parent_account_id", STRING),
      notNull("created_date", DATE).happened()),
      "account_id", "created_date", false);

  public static final TableSpec CONTRACTS = new TableSpec("contracts", List.of(
      notNull("contract_id", STRING),
      notNull("account_id", STRING),
      notNull("start_date", DATE),
      notNull("end_date", DATE),
      present("arr", DOUBLE).nonNegative(),
      nullable("seats", INT)),
      "contract_id", "start_date", false);

  public static final TableSpec CHURN_EVENTS = new TableSpec("churn_events", List.of(
      notNull("account_id", STRING),
      notNull("churn_date", DATE).happened(),
      nullable("reason", STRING)),
      null, "churn_date", false);

  public static final TableSpec USAGE_EVENTS = new TableSpec("usage_events", List.of(
      notNull("account_id", STRING),
      notNull("user_id", STRING),
      notNull("event_time", TIMESTAMP).happened(),
      notNull("feature", STRING),
      nullable("duration_sec", DOUBLE).nonNegative()),
      null, "event_time", false);

  public static final TableSpec SUPPORT_TICKETS = new TableSpec("support_tickets", List.of(
      notNull("ticket_id", STRING),
      notNull("account_id", STRING),
      notNull("created_at", TIMESTAMP).happened(),
      nullable("resolved_at", TIMESTAMP).happened(),
      present("priority", STRING),
      nullable("sla_breached", BOOLEAN),
      nullable("csat", INT).range(1, 5)),
      "ticket_id", "created_at", false);

  public static final TableSpec INVOICES = new TableSpec("invoices", List.of(
      notNull("invoice_id", STRING),
      notNull("account_id", STRING),
      notNull("issued_date", DATE).happened(),
      notNull("due_date", DATE),
      present("amount", DOUBLE).nonNegative(),
      nullable("paid_date", DATE).happened()),
      "invoice_id", "issued_date", false);

  public static final TableSpec ENGAGEMENTS = new TableSpec("engagements", List.of(
      notNull("engagement_id", STRING),
      notNull("account_id", STRING),
      notNull("occurred_at", TIMESTAMP).happened(),
      present("type", STRING),
      nullable("contact_role", STRING),
      nullable("direction", STRING)),
      "engagement_id", "occurred_at", false);

  public static final TableSpec NPS_RESPONSES = new TableSpec("nps_responses", List.of(
      notNull("account_id", STRING),
      notNull("responded_at", TIMESTAMP).happened(),
      present("score", INT).range(0, 10)),
      null, "responded_at", true);

  public static final TableSpec CSM_ASSESSMENTS = new TableSpec("csm_assessments", List.of(
      notNull("account_id", STRING),
      notNull("assessed_at", TIMESTAMP).happened(),
      present("score", INT).range(1, 5)),
      null, "assessed_at", true);

  /** Bands a person may set on an account; the scorecard's own, worst last. */
  public static final String[] OVERRIDE_BANDS = {"green", "yellow", "red"};

  /** A person's override of an account's health (docs/overrides.md); expires_at null = the configured default lifetime. */
  public static final TableSpec HEALTH_OVERRIDES = new TableSpec("health_overrides", List.of(
      notNull("account_id", STRING),
      nullable("override_band", STRING).oneOf(OVERRIDE_BANDS).orElse("override_score"),
      nullable("override_score", DOUBLE).range(0, 100),
      notNull("reason", STRING),
      notNull("author", STRING),
      notNull("created_at", TIMESTAMP).happened(),
      nullable("expires_at", TIMESTAMP).laterThan("created_at")),
      null, "created_at", true);

  /** In reading order: accounts first, since every other table is checked against it. */
  public static final List<TableSpec> TABLES = List.of(
      ACCOUNTS, CONTRACTS, CHURN_EVENTS, USAGE_EVENTS, SUPPORT_TICKETS, INVOICES, ENGAGEMENTS,
      NPS_RESPONSES, CSM_ASSESSMENTS, HEALTH_OVERRIDES);

  public static TableSpec table(String name) {
    return TABLES.stream().filter(t -> t.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no contract table " + name));
  }
}
