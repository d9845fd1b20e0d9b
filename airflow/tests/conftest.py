"""Fixtures for the Airflow tests: a real Airflow home with its metadata DB, the DAG
settings as a deployment gives them (Variables and the Spark connection as AIRFLOW_VAR_* /
AIRFLOW_CONN_* environment variables), and one real nightly DAG run shared by the tests
that look at its outcome. The jar, Spark and the warehouse come from the root conftest.py."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from dag_support import BAD_INVOICES, DAGS, RUN_DATE, TESTS, dagbag


@pytest.fixture(scope="session")
def airflow_home(tmp_path_factory, spark_env, record_timing) -> Path:
    """A fresh AIRFLOW_HOME whose DAG folder is ours; the metadata DB is migrated once.
    Set before Airflow is first imported in this process (the tests import it lazily)."""
    home = tmp_path_factory.mktemp("airflow_home")
    os.environ.update({
        **{k: spark_env[k] for k in ("SPARK_HOME", "SPARK_CONF_DIR", "SPARK_LOCAL_IP", "PATH")},
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONNECT_ARGS": "dag_support.SQLITE_CONNECT_ARGS",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(TESTS), os.environ.get("PYTHONPATH")])),
        # OpenLineage (apache-airflow-providers-openlineage): events to a file the tests read
        "AIRFLOW__OPENLINEAGE__TRANSPORT": json.dumps({"type": "file", "log_file_path": str(home / "openlineage.jsonl"),
                                                       "append": True}),
        "AIRFLOW__OPENLINEAGE__NAMESPACE": "healthscore-tests",
        # the notifier named in Variable healthscore_notifier appends alerts here (alert_capture.py)
        "HEALTHSCORE_ALERTS_FILE": str(home / "alerts.jsonl"),
        "AIRFLOW_VAR_HEALTHSCORE_NOTIFIER": "alert_capture:record",
        # dag.test() of Airflow 3.3.2 fails on a DAG with a deadline alert (it looks the alert up
        # by its serialized form instead of its id): off here, on under the scheduler (test_scheduler.py)
        "AIRFLOW_VAR_HEALTHSCORE_DEADLINE_HOURS": "off",
    })
    started = time.monotonic()
    subprocess.run([str(Path(sys.executable).parent / "airflow"), "db", "migrate"],
                   check=True, capture_output=True, timeout=600)
    record_timing("airflow db migrate", time.monotonic() - started)
    # the lake-writing tasks share this pool of one slot (docs/airflow.md)
    subprocess.run([str(Path(sys.executable).parent / "airflow"), "pools", "set", "healthscore_lake", "1",
                    "healthscore tasks that write the lake"], check=True, capture_output=True, timeout=300)
    return home


@pytest.fixture(scope="session")
def warehouse_with_bad_rows(small_warehouse, tmp_path_factory) -> Path:
    """A copy of the shared warehouse (about 2 MB) with BAD_INVOICES in one more Parquet file."""
    wh = tmp_path_factory.mktemp("bad_warehouse") / "wh"
    shutil.copytree(small_warehouse, wh)
    existing = next((wh / "invoices").glob("*.parquet"))
    schema = pq.read_schema(existing)
    pq.write_table(pa.Table.from_pylist(BAD_INVOICES, schema=schema), wh / "invoices" / "part-99999-bad.parquet")
    return wh


@pytest.fixture(scope="session")
def deployment(airflow_home, spark_jar, warehouse_with_bad_rows, tmp_path_factory):
    """Variables and the Spark connection as environment variables, the way a deployment sets them."""
    lake = tmp_path_factory.mktemp("airflow_lake") / "lake"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AIRFLOW_VAR_HEALTHSCORE_JAR", str(spark_jar))
        mp.setenv("AIRFLOW_VAR_HEALTHSCORE_WAREHOUSE", str(warehouse_with_bad_rows))
        mp.setenv("AIRFLOW_VAR_HEALTHSCORE_LAKE", str(lake))
        mp.setenv("AIRFLOW_CONN_HEALTHSCORE_SPARK", json.dumps({
            "conn_type": "spark", "host": "local[2]",
            "extra": {"deploy-mode": "client", "spark-binary": "spark-submit"}}))
        yield {"lake": lake, "warehouse": warehouse_with_bad_rows}


@pytest.fixture(scope="session")
def nightly_run(deployment, record_timing):
    """One real run of healthscore_nightly for RUN_DATE: every task a spark-submit of the jar."""
    dag = dagbag().get_dag("healthscore_nightly")
    started = time.monotonic()
    run = dag.test(logical_date=RUN_DATE)
    took = time.monotonic() - started
    record_timing(f"dag.test of healthscore_nightly for {RUN_DATE.date()} (1 spark-submit)", took)
    return {"run": run, "took": took, **deployment}
