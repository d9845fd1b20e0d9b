#!/usr/bin/env python3
"""The single-machine peer of `bin/healthscore features` (docs/benchmarks.md#single-machine-peer).

A plain DuckDB script, written from the contract and the feature catalogue: it reads a
warehouse (Parquet or Delta table directories), applies the contract's row rules in the same
first-rule-wins order (row-local rules column by column, then unknown_account, then
duplicate_id keeping the earliest row, ties by content), counts rows per table and rule, and
computes the default catalogue's point-in-time features as of T for the accounts active at T.

    bench/duckdb_features.py --warehouse DIR --as-of YYYY-MM-DD --out DIR [--threads N]

Writes DIR/account_features.parquet, DIR/quarantine_counts.parquet (table_name, rule,
column_name, rows) and DIR/input_rows.parquet (table_name, rows). A structural problem (missing
required table or column, unreadable type) exits 2 with one line, like healthscore.

Mirrors features/.../warehouse/Contract.java, RowRules.java and FeatureCatalog.java (the
default catalogue: no event types, no custom features). bench/compare_features.py checks that
the two agree, so a change of either shows up in the next bench run.
"""
import argparse
import datetime as dt
import os
import sys
import time

import duckdb

# --- the contract (Contract.java): (name, type, presence, min, max, event_time, values, after, or_else)
NOT_NULL, PRESENT, NULLABLE = "not_null", "present", "nullable"


def col(name, typ, presence, lo=None, hi=None, happened=False, values=(), after=None, or_else=None):
    return dict(name=name, type=typ, presence=presence, min=lo, max=hi, happened=happened, values=list(values),
                after=after, or_else=or_else)


TABLES = {  # name -> (columns, id column, time column, optional); reading order: accounts first
    "accounts": ([col("account_id", "STRING", NOT_NULL), col("account_name", "STRING", PRESENT),
                  col("segment", "STRING", PRESENT), col("region", "STRING", PRESENT),
                  col("industry", "STRING", PRESENT), col("csm_owner", "STRING", NULLABLE),
                  col("parent_account_id", "STRING", NULLABLE), col("created_date", "DATE", NOT_NULL, happened=True)],
                 "account_id", "created_date", False),
    "contracts": ([col("contract_id", "STRING", NOT_NULL), col("account_id", "STRING", NOT_NULL),
                   col("start_date", "DATE", NOT_NULL), col("end_date", "DATE", NOT_NULL),
                   col("arr", "DOUBLE", PRESENT, lo=0.0), col("seats", "INT", NULLABLE)],
                  "contract_id", "start_date", False),
    "churn_events": ([col("account_id", "STRING", NOT_NULL), col("churn_date", "DATE", NOT_NULL, happened=True),
                      col("reason", "STRING", NULLABLE)], None, "churn_date", False),
    "usage_events": ([col("account_id", "STRING", NOT_NULL), col("user_id", "STRING", NOT_NULL),
                      col("event_time", "TIMESTAMP", NOT_NULL, happened=True), col("feature", "STRING", NOT_NULL),
                      col("duration_sec", "DOUBLE", NULLABLE, lo=0.0)], None, "event_time", False),
    "support_tickets": ([col("ticket_id", "STRING", NOT_NULL), col("account_id", "STRING", NOT_NULL),
                         col("created_at", "TIMESTAMP", NOT_NULL, happened=True),
                         col("resolved_at", "TIMESTAMP", NULLABLE, happened=True), col("priority", "STRING", PRESENT),
                         col("sla_breached", "BOOLEAN", NULLABLE), col("csat", "INT", NULLABLE, lo=1.0, hi=5.0)],
                        "ticket_id", "created_at", False),
    "invoices": ([col("invoice_id", "STRING", NOT_NULL), col("account_id", "STRING", NOT_NULL),
                  col("issued_date", "DATE", NOT_NULL, happened=True), col("due_date", "DATE", NOT_NULL),
                  col("amount", "DOUBLE", PRESENT, lo=0.0), col("paid_date", "DATE", NULLABLE, happened=True)],
                 "invoice_id", "issued_date", False),
    "engagements": ([col("engagement_id", "STRING", NOT_NULL), col("account_id", "STRING", NOT_NULL),
                     col("occurred_at", "TIMESTAMP", NOT_NULL, happened=True), col("type", "STRING", PRESENT),
                     col("contact_role", "STRING", NULLABLE), col("direction", "STRING", NULLABLE)],
                    "engagement_id", "occurred_at", False),
    "nps_responses": ([col("account_id", "STRING", NOT_NULL), col("responded_at", "TIMESTAMP", NOT_NULL, happened=True),
                       col("score", "INT", PRESENT, lo=0.0, hi=10.0)], None, "responded_at", True),
    "csm_assessments": ([col("account_id", "STRING", NOT_NULL), col("assessed_at", "TIMESTAMP", NOT_NULL, happened=True),
                         col("score", "INT", PRESENT, lo=1.0, hi=5.0)], None, "assessed_at", True),
    "health_overrides": ([col("account_id", "STRING", NOT_NULL),
                          col("override_band", "STRING", NULLABLE, values=("green", "yellow", "red"),
                              or_else="override_score"),
                          col("override_score", "DOUBLE", NULLABLE, lo=0.0, hi=100.0),
                          col("reason", "STRING", NOT_NULL), col("author", "STRING", NOT_NULL),
                          col("created_at", "TIMESTAMP", NOT_NULL, happened=True),
                          col("expires_at", "TIMESTAMP", NULLABLE, after="created_at")], None, "created_at", True),
}
SQL_TYPE = {"STRING": "VARCHAR", "DATE": "DATE", "TIMESTAMP": "TIMESTAMP", "DOUBLE": "DOUBLE", "INT": "DOUBLE",
            "BOOLEAN": "BOOLEAN"}
INTEGRAL = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "HUGEINT")


class BadInput(Exception):
    pass


def accepts(contract_type, duck_type):
    t = duck_type.upper()
    integral = t in INTEGRAL or (t.startswith("DECIMAL") and t.endswith(",0)"))
    numeric = integral or t in ("FLOAT", "DOUBLE", "REAL") or t.startswith("DECIMAL")
    timestamp = t.startswith("TIMESTAMP")
    return {"STRING": t == "VARCHAR" or integral, "DATE": t == "DATE" or timestamp,
            "TIMESTAMP": timestamp or t == "DATE", "DOUBLE": numeric, "INT": numeric,
            "BOOLEAN": t == "BOOLEAN"}[contract_type]


def data_files(table_dir):
    """The Parquet files behind a table directory: a Delta table's active files, or every visible file."""
    if os.path.isdir(os.path.join(table_dir, "_delta_log")):
        from deltalake import DeltaTable
        return [u.replace("file://", "") for u in DeltaTable(table_dir).file_uris()]
    out = []
    for root, dirs, files in os.walk(table_dir):
        dirs[:] = sorted(d for d in dirs if not d.startswith(("_", ".")))
        out += [os.path.join(root, f) for f in sorted(files) if not f.startswith(("_", "."))]
    return out


def conformed_view(con, warehouse, name):
    """A view of table `name` with exactly the contract's columns and types (numbers widened, absent nullable = null)."""
    columns, _, _, optional = TABLES[name]
    dirs = {d.lower(): os.path.join(warehouse, d) for d in os.listdir(warehouse)
            if os.path.isdir(os.path.join(warehouse, d))}
    files = data_files(dirs[name]) if name in dirs else None
    if files is None and not optional:
        raise BadInput(f"warehouse table '{name}': missing required table (no directory {warehouse}/{name})")
    select = []
    if files:
        source = f"read_parquet({files!r}, union_by_name = true)"
        schema = {r[0].lower(): (r[0], r[1]) for r in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()}
    else:
        source, schema = None, {}
    for c in columns:
        if c["name"] not in schema:
            if files is not None and c["presence"] != NULLABLE:
                raise BadInput(f"warehouse table '{name}': missing required column '{c['name']}'")
            select.append(f"CAST(NULL AS {SQL_TYPE[c['type']]}) AS {c['name']}")
            continue
        actual, typ = schema[c["name"]]
        if not accepts(c["type"], typ):
            raise BadInput(f"warehouse table '{name}': column '{c['name']}' has unreadable type {typ.lower()} "
                           f"(expected {c['type'].lower()})")
        select.append(f'CAST("{actual}" AS {SQL_TYPE[c["type"]]}) AS {c["name"]}')
    body = f"SELECT {', '.join(select)} FROM {source}" if source else f"SELECT {', '.join(select)} WHERE false"
    con.execute(f"CREATE VIEW conformed_{name} AS {body}")


def row_checks(name, now, today):
    """(rule, column, SQL that is true when the row breaks it), in RowRules.rowChecks order."""
    checks = []
    columns = TABLES[name][0]
    for c in columns:
        if c["presence"] == NOT_NULL:
            checks.append(("not_null", c["name"], f"{c['name']} IS NULL"))
    for c in columns:
        v = c["name"]
        if c["type"] == "INT":
            checks.append(("not_integer", v, f"{v} <> floor({v})"))
        if c["min"] is not None and c["max"] is None:
            checks.append(("negative", v, f"{v} < {c['min']}"))
        if c["max"] is not None:
            checks.append(("out_of_range", v, f"({v} < {c['min']} OR {v} > {c['max']})"))
        if c["happened"]:
            limit = f"DATE '{today}'" if c["type"] == "DATE" else f"TIMESTAMP '{now}'"
            checks.append(("future_time", v, f"{v} > {limit}"))
        if c["values"]:
            checks.append(("unknown_value", v, f"NOT ({v} IN ({', '.join(repr(x) for x in c['values'])}))"))
        if c["after"]:
            checks.append(("not_later", v, f"{v} <= {c['after']}"))
        if c["or_else"]:
            checks.append(("no_value", v, f"({v} IS NULL AND {c['or_else']} IS NULL)"))
    return checks


def first_rule(checks):
    """The first check a row breaks as 'rule:column', NULL for a good row (a NULL test counts as not broken)."""
    if not checks:
        return "CAST(NULL AS VARCHAR)"
    whens = " ".join(f"WHEN coalesce({sql}, false) THEN '{rule}:{column}'" for rule, column, sql in checks)
    return f"CASE {whens} END"


def tag(con, name, now, today):
    """Materializes tagged_<name>: the conformed rows with _rule ('rule:column' of the first rule broken, or NULL)."""
    columns, id_column, time_column, _ = TABLES[name]
    rule = first_rule(row_checks(name, now, today))
    if name != "accounts":  # unknown_account: row-local rules first
        rule = (f"coalesce({rule}, CASE WHEN account_id NOT IN (SELECT account_id FROM accepted_accounts) "
                f"THEN 'unknown_account:account_id' END)")
    con.execute(f"CREATE TEMP TABLE tagged_{name} AS SELECT *, {rule} AS _rule FROM conformed_{name}")
    if id_column:  # duplicate_id: the earliest good row of an id is kept, ties by content (never file order)
        content = ", ".join(f"{c['name']} ASC NULLS FIRST" for c in columns)
        con.execute(f"""
            UPDATE tagged_{name} SET _rule = 'duplicate_id:{id_column}' FROM (
              SELECT rowid AS r, row_number() OVER (PARTITION BY {id_column}
                ORDER BY {time_column} ASC NULLS LAST, {content}) AS n
              FROM tagged_{name} WHERE _rule IS NULL) d
            WHERE tagged_{name}.rowid = d.r AND d.n > 1""")
    con.execute(f"CREATE VIEW accepted_{name} AS SELECT * EXCLUDE (_rule) FROM tagged_{name} WHERE _rule IS NULL")


def window(lo, hi=None):
    """Rows whose age (whole days before T of their own time) is in [lo, hi); hi None = all history."""
    return f"_age >= {lo}" + (f" AND _age < {hi}" if hi is not None else "")


# --- the default catalogue (FeatureCatalog.DEFAULT), per source table: (name, aggregate SQL, value when no rows)
def usage_features():
    minutes = "duration_sec / 60.0"
    return [
        ("active_users_7d", f"count(DISTINCT user_id) FILTER (WHERE {window(0, 7)})", 0.0),
        ("active_users_30d", f"count(DISTINCT user_id) FILTER (WHERE {window(0, 30)})", 0.0),
        ("events_30d", f"count(*) FILTER (WHERE {window(0, 30)})", 0.0),
        ("events_prior_30d", f"count(*) FILTER (WHERE {window(30, 60)})", 0.0),
        ("session_minutes_30d", f"sum({minutes}) FILTER (WHERE {window(0, 30)})", 0.0),
        ("distinct_features_30d", f"count(DISTINCT feature) FILTER (WHERE {window(0, 30)})", 0.0),
        ("days_since_last_use", f"min(_age) FILTER (WHERE {window(0, 90)})", 90.0),
        ("events_31_120d", f"count(*) FILTER (WHERE {window(30, 120)})", 0.0),
        ("session_minutes_31_120d", f"sum({minutes}) FILTER (WHERE {window(30, 120)})", 0.0),
        ("events_84d", f"count(*) FILTER (WHERE {window(0, 84)})", 0.0),
        ("events_week_index_84d", f"sum(11.0 - floor(_age / 7)) FILTER (WHERE {window(0, 84)})", 0.0),
    ]


def catalogue(t):
    """Features of the tables other than usage_events; t is T as a SQL date literal."""
    resolved = f"(resolved_at IS NOT NULL AND resolved_at < CAST({t} + INTERVAL 1 DAY AS TIMESTAMP))"
    active = f"(start_date <= {t} AND end_date > {t})"
    paid = f"(paid_date IS NOT NULL AND paid_date <= {t})"
    overdue = f"(NOT {paid} AND due_date < {t})"
    hours = "(epoch_us(resolved_at) - epoch_us(created_at)) / 3600e6"
    return {
        "support_tickets": (365, [
            ("open_tickets", f"count(*) FILTER (WHERE {window(0, 365)} AND NOT {resolved})", 0.0),
            ("tickets_90d", f"count(*) FILTER (WHERE {window(0, 90)})", 0.0),
            ("p1_tickets_90d", f"count(*) FILTER (WHERE {window(0, 90)} AND lower(priority) = 'p1')", 0.0),
            ("sla_breaches_90d", f"count(*) FILTER (WHERE {window(0, 90)} AND {resolved} "
                                 f"AND sla_breached IS NOT DISTINCT FROM true)", 0.0),
            ("median_resolution_hours_90d", f"median({hours}) FILTER (WHERE {window(0, 90)} AND {resolved})", None),
            ("mean_csat_180d", f"avg(csat) FILTER (WHERE {window(0, 180)} AND {resolved})", None)]),
        "contracts": (None, [
            ("arr", f"sum(arr) FILTER (WHERE {window(0)} AND {active})", 0.0),
            ("seats", f"sum(seats) FILTER (WHERE {window(0)} AND {active})", None),
            ("days_to_renewal", f"min(date_diff('day', {t}, end_date)) FILTER (WHERE {window(0)} AND {active})", None)]),
        "invoices": (730, [
            ("overdue_invoices", f"count(*) FILTER (WHERE {window(0, 730)} AND {overdue})", 0.0),
            ("max_days_past_due", f"max(date_diff('day', due_date, {t})) FILTER (WHERE {window(0, 730)} AND {overdue})",
             0.0),
            ("late_payment_share_365d", f"avg(CASE WHEN {paid} AND paid_date <= due_date THEN 0.0 ELSE 1.0 END) "
                                        f"FILTER (WHERE {window(0, 365)} AND due_date < {t})", None)]),
        "engagements": (365, [
            ("meetings_calls_90d", f"count(*) FILTER (WHERE {window(0, 90)} AND lower(type) IN ('meeting', 'call'))", 0.0),
            ("days_since_last_touch", f"min(_age) FILTER (WHERE {window(0, 365)})", 365.0),
            ("days_since_last_qbr", f"min(_age) FILTER (WHERE {window(0, 365)} AND lower(type) = 'qbr')", 365.0),
            ("executive_contacts_180d",
             f"count(*) FILTER (WHERE {window(0, 180)} AND lower(contact_role) = 'executive')", 0.0),
            ("champion_departures_180d", f"count(*) FILTER (WHERE {window(0, 180)} AND lower(type) = 'champion_left')",
             0.0),
            ("advocacy_365d",
             f"count(*) FILTER (WHERE {window(0, 365)} AND lower(type) IN ('reference', 'case_study'))", 0.0)]),
        "nps_responses": (365, [
            ("nps_last", f"arg_max_null(score, responded_at) FILTER (WHERE {window(0, 365)})", None),
            ("nps_mean_180d", f"avg(score) FILTER (WHERE {window(0, 180)})", None)]),
        "csm_assessments": (365, [
            ("csm_score_last", f"arg_max_null(score, assessed_at) FILTER (WHERE {window(0, 365)})", None)]),
    }


def aggregates(features):
    return ", ".join(f"CAST({sql} AS DOUBLE) AS {name}" for name, sql, _ in features)


def age(name, t):
    return f"date_diff('day', CAST({TABLES[name][2]} AS DATE), {t})"


def run(warehouse, as_of, out, threads):
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    if threads:
        con.execute(f"SET threads = {threads}")
    wall = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    now, today = wall.isoformat(sep=" "), wall.date().isoformat()
    t = f"DATE '{as_of}'"
    for name in TABLES:  # every table's structure first, so a bad warehouse fails before any work
        conformed_view(con, warehouse, name)

    counts = []  # (table, 'rule:column' or None for good rows, rows)
    tag(con, "accounts", now, today)
    for name in TABLES:
        if name == "usage_events":
            continue  # counted inside its features' aggregation, below
        if name != "accounts":
            tag(con, name, now, today)
        counts += [(name, r, n) for r, n in con.execute(f"SELECT _rule, count(*) FROM tagged_{name} GROUP BY 1").fetchall()]

    # Active at T: created on or before T, no churn on or before T.
    con.execute(f"""
        CREATE TEMP TABLE active AS
        SELECT account_id, account_name, segment, region, industry, csm_owner, parent_account_id,
               CAST(date_diff('day', created_date, {t}) AS DOUBLE) AS tenure_days
        FROM accepted_accounts a
        WHERE created_date <= {t}
          AND NOT EXISTS (SELECT 1 FROM accepted_churn_events c WHERE c.account_id = a.account_id AND c.churn_date <= {t})""")

    # usage_events, the big table, in one pass: per account its rows by first rule broken and its features
    # (good rows only); its unknown accounts are decided once per account, after the aggregation.
    checks = row_checks("usage_events", now, today)
    usage = usage_features()
    rule_counts = ", ".join(f"count(*) FILTER (WHERE _rule = '{r}:{c}') AS \"{r}:{c}\"" for r, c, _ in checks)
    feature_sql = ", ".join(
        f"CAST({sql.replace('FILTER (WHERE ', 'FILTER (WHERE _rule IS NULL AND ')} AS DOUBLE) AS {name}"
        for name, sql, _ in usage)
    con.execute(f"""
        CREATE TEMP TABLE usage_per_account AS
        SELECT account_id, count(*) AS _rows, count(*) FILTER (WHERE _rule IS NULL) AS _valid, {rule_counts}, {feature_sql}
        FROM (SELECT *, {first_rule(checks)} AS _rule, {age('usage_events', t)} AS _age FROM conformed_usage_events)
        GROUP BY account_id""")
    sums = ", ".join(f'sum("{r}:{c}")' for r, c, _ in checks)
    row = con.execute(f"""
        SELECT sum(_rows), sum(_valid) FILTER (WHERE account_id IN (SELECT account_id FROM accepted_accounts)),
               sum(_valid) FILTER (WHERE account_id NOT IN (SELECT account_id FROM accepted_accounts)), {sums}
        FROM usage_per_account""").fetchone()
    counts.append(("usage_events", None, int(row[1] or 0)))
    if row[2]:
        counts.append(("usage_events", "unknown_account:account_id", int(row[2])))
    for (r, c, _), n in zip(checks, row[3:]):
        if n:
            counts.append(("usage_events", f"{r}:{c}", int(n)))

    # Every other table: one aggregation of its accepted rows in its longest window.
    joins, selects = ["usage_per_account u ON u.account_id = a.account_id"], []
    selects += [f"coalesce(u.{n}, {none}) AS {n}" if none is not None else f"u.{n}" for n, _, none in usage]
    for i, (name, (lookback, features)) in enumerate(catalogue(t).items()):
        lo = f" AND {age(name, t)} < {lookback}" if lookback else ""
        con.execute(f"""
            CREATE TEMP TABLE f_{name} AS SELECT account_id, {aggregates(features)}
            FROM (SELECT *, {age(name, t)} AS _age FROM accepted_{name} WHERE {age(name, t)} >= 0{lo})
            GROUP BY account_id""")
        joins.append(f"f_{name} s{i} ON s{i}.account_id = a.account_id")
        selects += [f"coalesce(s{i}.{n}, {none}) AS {n}" if none is not None else f"s{i}.{n}" for n, _, none in features]
    con.execute(f"""
        CREATE TEMP TABLE features AS
        SELECT a.account_id, {t} AS as_of_date, a.account_name, a.segment, a.region, a.industry, a.csm_owner, a.parent_account_id,
               a.tenure_days, {', '.join(selects)}
        FROM active a {' '.join('LEFT JOIN ' + j for j in joins)}""")
    # The derived features (FeatureCatalog.DERIVED); a ratio over zero is null.
    con.execute(f"""
        COPY (SELECT *,
          active_users_30d / CASE WHEN seats > 0 THEN seats END AS active_users_per_seat,
          events_30d / CASE WHEN events_prior_30d > 0 THEN events_prior_30d END - 1.0 AS usage_trend_30d,
          CASE WHEN tenure_days >= 120 THEN events_30d / CASE WHEN events_31_120d > 0 THEN events_31_120d / 3.0 END END
            AS events_30d_vs_own_90d,
          CASE WHEN tenure_days >= 120 THEN session_minutes_30d
            / CASE WHEN session_minutes_31_120d > 0 THEN session_minutes_31_120d / 3.0 END END
            AS session_minutes_30d_vs_own_90d,
          CASE WHEN tenure_days >= 84 AND events_84d > 0
            THEN (events_week_index_84d * 12.0 - events_84d * 66.0) * 12.0 / (events_84d * 1716.0) END
            AS events_trend_12w
        FROM features ORDER BY account_id) TO '{out}/account_features.parquet' (FORMAT parquet)""")

    con.execute("CREATE TEMP TABLE counts (table_name VARCHAR, tag VARCHAR, rows BIGINT)")
    con.executemany("INSERT INTO counts VALUES (?, ?, ?)", counts)
    con.execute(f"""COPY (SELECT table_name, split_part(tag, ':', 1) AS rule, split_part(tag, ':', 2) AS column_name,
                                 CAST(sum(rows) AS BIGINT) AS rows
                          FROM counts WHERE tag IS NOT NULL GROUP BY ALL ORDER BY ALL)
                    TO '{out}/quarantine_counts.parquet' (FORMAT parquet)""")
    con.execute(f"""COPY (SELECT table_name, CAST(sum(rows) AS BIGINT) AS rows FROM counts GROUP BY ALL ORDER BY ALL)
                    TO '{out}/input_rows.parquet' (FORMAT parquet)""")
    accounts = con.execute("SELECT count(*) FROM features").fetchone()[0]
    quarantined = sum(n for _, r, n in counts if r)
    return accounts, quarantined


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--warehouse", required=True)
    p.add_argument("--as-of", required=True, type=dt.date.fromisoformat)
    p.add_argument("--out", required=True)
    p.add_argument("--threads", type=int, default=0, help="DuckDB threads (default: one per core)")
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    started = time.monotonic()
    try:
        accounts, quarantined = run(a.warehouse.rstrip("/"), a.as_of.isoformat(), a.out, a.threads)
    except BadInput as e:
        print(f"duckdb_features: {e}", file=sys.stderr)
        sys.exit(2)
    print(f"duckdb_features: {accounts} accounts active at {a.as_of}; {quarantined} rows quarantined; "
          f"{time.monotonic() - started:.2f}s (DuckDB {duckdb.__version__})")


if __name__ == "__main__":
    main()
