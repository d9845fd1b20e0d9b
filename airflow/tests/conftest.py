"""Fixtures for the Airflow tests: a real Airflow home with its metadata DB, a small
generated warehouse, and the packaged spark-submit jar."""
from __future__ import annotations

import glob
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
SPARK_HOME = Path(__import__("pyspark").__file__).parent


def spark_jar() -> str:
    jars = glob.glob(str(ROOT / "jobs" / "target" / "healthscore-jobs-*-spark.jar"))
    if not jars:
        subprocess.run(["mvn", "-B", "-q", "-DskipTests", "package"], cwd=ROOT, check=True)
        jars = glob.glob(str(ROOT / "jobs" / "target" / "healthscore-jobs-*-spark.jar"))
    return jars[0]


@pytest.fixture(scope="session")
def airflow_home(tmp_path_factory) -> Path:
    """A fresh AIRFLOW_HOME whose DAG folder is ours; the metadata DB is migrated once."""
    home = tmp_path_factory.mktemp("airflow_home")
    os.environ.update({
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "airflow" / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
        "SPARK_HOME": str(SPARK_HOME),
        "SPARK_LOCAL_IP": "127.0.0.1",
        "PATH": f"{VENV_BIN}:{os.environ['PATH']}",
    })
    subprocess.run([str(VENV_BIN / "airflow"), "db", "migrate"], check=True, capture_output=True, timeout=600)
    return home


@pytest.fixture(scope="session")
def small_warehouse(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("warehouse")
    subprocess.run([str(ROOT / "bin" / "healthscore"), "generate", "--out", str(out), "--accounts", "60",
                    "--months", "8", "--seed", "11"], check=True, timeout=900,
                   env={**os.environ, "HEALTHSCORE_MEMORY": "2g"})
    return out


@pytest.fixture()
def healthscore_airflow_env(airflow_home, small_warehouse, tmp_path, monkeypatch):
    """Variables and the Spark connection as environment variables, the way a deployment sets them."""
    lake = tmp_path / "lake"
    monkeypatch.setenv("AIRFLOW_VAR_HEALTHSCORE_JAR", spark_jar())
    monkeypatch.setenv("AIRFLOW_VAR_HEALTHSCORE_WAREHOUSE", str(small_warehouse))
    monkeypatch.setenv("AIRFLOW_VAR_HEALTHSCORE_LAKE", str(lake))
    monkeypatch.setenv("AIRFLOW_CONN_HEALTHSCORE_SPARK", json.dumps({
        "conn_type": "spark", "host": "local[2]",
        "extra": {"deploy-mode": "client", "spark-binary": "spark-submit"}}))
    return {"lake": lake, "warehouse": small_warehouse}
