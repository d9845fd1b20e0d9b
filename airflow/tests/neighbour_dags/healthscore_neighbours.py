"""DAGs of neighbouring teams, as the scheduler tests deploy them beside healthscore_dags.py:
a warehouse load that marks the tables it loaded (the nightly DAG can be scheduled on them),
and a BI extract refresh scheduled on the lake's account_health. They name the assets as any
other team would: by the names docs/airflow.md lists."""
from __future__ import annotations

import datetime as dt
import json
import os

from airflow.sdk import DAG, Asset, task

WAREHOUSE_TABLES = ("accounts", "contracts", "churn_events", "usage_events", "support_tickets", "invoices",
                    "engagements", "nps_responses", "csm_assessments")
LOADED = [Asset(f"healthscore_warehouse_{t}", uri=f"healthscore://warehouse/{t}", group="healthscore")
          for t in WAREHOUSE_TABLES]
ACCOUNT_HEALTH = Asset("healthscore_account_health", uri="healthscore://lake/account_health", group="healthscore")
START = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)

with DAG("warehouse_load", schedule=None, start_date=START, catchup=False, params={"as_of": None}):
    @task(outlets=LOADED)
    def load(*, params=None, outlet_events=None):
        # (the real load would copy the day's data here) loaded through params["as_of"]
        for asset in LOADED:
            outlet_events[asset].extra = {"as_of": params["as_of"]}

    load()

with DAG("bi_extract_refresh", schedule=[ACCOUNT_HEALTH], start_date=START, catchup=False):
    @task
    def refresh(*, triggering_asset_events=None, dag_run=None):
        with open(os.environ["HEALTHSCORE_CONSUMER_FILE"], "a") as out:
            for asset, events in triggering_asset_events.items():
                for e in events:
                    out.write(json.dumps({"run_id": dag_run.run_id, "asset": asset.name, "extra": dict(e.extra or {}),
                                          "source_dag_id": e.source_dag_id, "source_run_id": e.source_run_id}) + "\n")

    refresh()
