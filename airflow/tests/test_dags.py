"""The DAGs under real Airflow: they import, have the right shape, and the nightly DAG
really runs spark-submit of the packaged jar for one date."""
from __future__ import annotations

import datetime as dt
import time

import pytest
from deltalake import DeltaTable


def dagbag():
    from airflow.dag_processing.dagbag import DagBag
    from conftest import ROOT
    return DagBag(dag_folder=str(ROOT / "airflow" / "dags"))


def test_dags_import_without_errors(airflow_home):
    bag = dagbag()
    assert bag.import_errors == {}
    assert set(bag.dag_ids) == {"healthscore_nightly", "healthscore_weekly_train"}


def test_nightly_dag_shape(airflow_home):
    dag = dagbag().get_dag("healthscore_nightly")
    assert [t.task_id for t in dag.topological_sort()] == ["validate_inputs", "nightly", "quality_gate"]
    assert dag.get_task("nightly").upstream_task_ids == {"validate_inputs"}
    assert dag.get_task("quality_gate").upstream_task_ids == {"nightly"}
    assert dag.catchup is True
    assert dag.max_active_runs == 1
    assert dag.schedule == "@daily"
    nightly = dag.get_task("nightly")
    assert nightly.retries == 2 and nightly.retry_exponential_backoff
    assert nightly.execution_timeout == dt.timedelta(hours=3)
    assert dag.get_task("quality_gate").retries == 0
    assert nightly.application_args[:2] == ["nightly", "--warehouse"]
    assert "{{ ds }}" in nightly.application_args


def test_weekly_dag_shape(airflow_home):
    dag = dagbag().get_dag("healthscore_weekly_train")
    assert [t.task_id for t in dag.topological_sort()] == ["train", "evaluate"]
    assert dag.schedule == "@weekly"
    assert dag.catchup is False


def test_nightly_dag_runs_spark_submit_for_one_date(healthscore_airflow_env):
    dag = dagbag().get_dag("healthscore_nightly")
    started = time.monotonic()
    run = dag.test(logical_date=dt.datetime(2024, 6, 30, tzinfo=dt.timezone.utc))
    took = time.monotonic() - started
    print(f"dag.test of healthscore_nightly for 2024-06-30 took {took:.1f}s")
    assert run.state == "success", run.state
    lake = healthscore_airflow_env["lake"]
    health = DeltaTable(str(lake / "account_health")).to_pandas()
    assert set(health["as_of_date"].astype(str)) == {"2024-06-30"}
    assert len(health) > 0
    assert health["account_id"].is_unique
    assert health["health_score"].between(0, 100).all()
    runs = DeltaTable(str(lake / "runs")).to_pandas()
    assert list(runs["command"]) == ["nightly"]
