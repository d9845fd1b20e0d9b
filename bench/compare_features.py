#!/usr/bin/env python3
"""Checks that bench/duckdb_features.py and healthscore agree (docs/benchmarks.md#single-machine-peer).

    bench/compare_features.py --duckdb DIR --lake DIR --as-of YYYY-MM-DD [--command features]

Reads healthscore's account_features rows of T and its quarantine rows of T (the given
command's), plus the run's input and quarantined rows per table from the runs table (the
latest succeeded run of that command and date), and compares them with what the DuckDB script
wrote in DIR: the same accounts, the same columns, every value equal (numbers to 1e-9
relative), the same rows per table and per (table, rule, column). On the first difference it
prints one line naming it and exits 1.
"""
import argparse
import datetime as dt
import math
import os
import sys

import pyarrow.compute as pc
import pyarrow.parquet as pq
from deltalake import DeltaTable

RELATIVE_TOLERANCE = 1e-9
NOT_COMPARED = {"run_id", "computed_at"}  # stamps of the run, not features


def leave(code):
    """Exits now: the interpreter's own shutdown sometimes aborts in deltalake's native threads
    ("terminate called without an active exception", exit 134), which would hide the verdict."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def fail(message):
    print(f"compare_features: DIFFERENT: {message}", file=sys.stderr)
    leave(1)


def lake_rows(lake, table, condition):
    """Rows of a lake Delta table matching a pyarrow condition, as a list of dicts."""
    path = os.path.join(lake, table)
    if not os.path.isdir(os.path.join(path, "_delta_log")):
        return None
    return DeltaTable(path).to_pyarrow_dataset().to_table(filter=condition).to_pylist()


def same(a, b):
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, float) or isinstance(b, float):
        a, b = float(a), float(b)
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return a == b or abs(a - b) <= RELATIVE_TOLERANCE * max(abs(a), abs(b))
    return a == b


def compare_features(duck_dir, lake, as_of):
    hs = lake_rows(lake, "account_features", pc.field("as_of_date") == as_of)
    if hs is None:
        fail(f"no account_features table in {lake}")
    duck = pq.read_table(os.path.join(duck_dir, "account_features.parquet")).to_pylist()
    hs_by_id = {r["account_id"]: r for r in hs}
    duck_by_id = {r["account_id"]: r for r in duck}
    if len(hs_by_id) != len(hs) or len(duck_by_id) != len(duck):
        fail(f"an account appears twice (healthscore {len(hs)} rows, duckdb {len(duck)} rows)")
    for account in sorted(hs_by_id.keys() | duck_by_id.keys()):
        if account not in duck_by_id:
            fail(f"account {account}: active at {as_of} in healthscore's account_features, not in duckdb's")
        if account not in hs_by_id:
            fail(f"account {account}: active at {as_of} in duckdb's features, not in healthscore's account_features")
    hs_columns = [c for c in (hs[0].keys() if hs else []) if c not in NOT_COMPARED]
    duck_columns = list(duck[0].keys()) if duck else []
    for c in hs_columns:
        if c not in duck_columns:
            fail(f"column {c}: in healthscore's account_features, not computed by duckdb")
    for c in duck_columns:
        if c not in hs_columns:
            fail(f"column {c}: computed by duckdb, not in healthscore's account_features")
    for c in hs_columns:
        for account in sorted(hs_by_id):
            a, b = hs_by_id[account][c], duck_by_id[account][c]
            if not same(a, b):
                fail(f"column {c}, account {account}: healthscore {a!r}, duckdb {b!r}")
    return len(hs_by_id), len(hs_columns)


def compare_counts(duck_dir, lake, as_of, command):
    duck_rules = {(r["table_name"], r["rule"], r["column_name"]): r["rows"]
                  for r in pq.read_table(os.path.join(duck_dir, "quarantine_counts.parquet")).to_pylist()}
    duck_input = {r["table_name"]: r["rows"] for r in pq.read_table(os.path.join(duck_dir, "input_rows.parquet")).to_pylist()}
    rejected = lake_rows(lake, "quarantine", (pc.field("as_of_date") == as_of) & (pc.field("command") == command)) or []
    hs_rules = {}
    for r in rejected:
        key = (r["table_name"], r["rule"], r["column_name"])
        hs_rules[key] = hs_rules.get(key, 0) + 1
    for key in sorted(hs_rules.keys() | duck_rules.keys()):
        if hs_rules.get(key, 0) != duck_rules.get(key, 0):
            fail(f"quarantine {key[0]} rule {key[1]} column {key[2]}: healthscore {hs_rules.get(key, 0)} rows, "
                 f"duckdb {duck_rules.get(key, 0)}")
    runs = lake_rows(lake, "runs", (pc.field("as_of_date") == as_of) & (pc.field("command") == command)
                     & (pc.field("status") == "succeeded"))
    if not runs:
        fail(f"no succeeded {command} run of {as_of} in {lake}/runs")
    run = max(runs, key=lambda r: r["started_at"])
    hs_input = dict(run["input_rows"])
    hs_quarantined = dict(run["quarantined_rows"])
    duck_quarantined = {}
    for (table, _, _), n in duck_rules.items():
        duck_quarantined[table] = duck_quarantined.get(table, 0) + n
    for table in sorted(hs_input.keys() | duck_input.keys()):
        if hs_input.get(table, 0) != duck_input.get(table, 0):
            fail(f"input rows of {table}: healthscore {hs_input.get(table, 0)} (run {run['run_id']}), "
                 f"duckdb {duck_input.get(table, 0)}")
        if hs_quarantined.get(table, 0) != duck_quarantined.get(table, 0):
            fail(f"quarantined rows of {table}: healthscore {hs_quarantined.get(table, 0)} (run {run['run_id']}), "
                 f"duckdb {duck_quarantined.get(table, 0)}")
    return sum(hs_input.values()), sum(hs_rules.values()), len(hs_rules)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--duckdb", required=True, help="the --out directory of bench/duckdb_features.py")
    p.add_argument("--lake", required=True)
    p.add_argument("--as-of", required=True, type=dt.date.fromisoformat)
    p.add_argument("--command", default="features", help="the healthscore command whose run wrote the lake (features, nightly)")
    a = p.parse_args()
    accounts, columns = compare_features(a.duckdb, a.lake, a.as_of)
    rows, quarantined, rules = compare_counts(a.duckdb, a.lake, a.as_of, a.command)
    print(f"compare_features: agree as of {a.as_of}: {accounts} accounts x {columns} columns; "
          f"{rows} input rows, {quarantined} quarantined in {rules} (table, rule, column) counts")
    leave(0)


if __name__ == "__main__":
    main()
