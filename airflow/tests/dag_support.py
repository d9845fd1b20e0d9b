"""Constants and helpers of the Airflow tests (imported by conftest.py and test_dags.py)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DAGS = ROOT / "airflow" / "dags"
TESTS = ROOT / "airflow" / "tests"
RUN_DATE = dt.datetime(2024, 6, 30, tzinfo=dt.timezone.utc)
# Rows that break the contract, added to the invoices of a copy of the shared warehouse:
# the nightly run quarantines them (2 of ~170k input rows, far under the default 1 % limit).
BAD_INVOICES = [
    {"invoice_id": "inv-bad-negative", "account_id": "acc-000009", "issued_date": dt.date(2024, 5, 1),
     "due_date": dt.date(2024, 5, 31), "amount": -10.0, "paid_date": None},
    {"invoice_id": "inv-bad-unknown", "account_id": "acc-999999", "issued_date": dt.date(2024, 5, 1),
     "due_date": dt.date(2024, 5, 31), "amount": 10.0, "paid_date": None},
]


def dagbag():
    from airflow.dag_processing.dagbag import DagBag
    return DagBag(dag_folder=str(DAGS))
# The metadata DB of the tests is SQLite, written at once by the scheduler, the API server, the
# DAG processor, the task processes and the test itself: wait for a lock instead of failing
# after SQLite's default 5 s (AIRFLOW__DATABASE__SQL_ALCHEMY_CONNECT_ARGS names this dict).
SQLITE_CONNECT_ARGS = {"timeout": 60}


def openlineage_events(path) -> list[dict]:
    """The OpenLineage events the file transport wrote (one JSON document per line)."""
    import json
    import os
    return [json.loads(line) for line in open(path) if line.strip()] if os.path.exists(path) else []
