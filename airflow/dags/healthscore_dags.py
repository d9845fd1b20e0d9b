"""healthscore on Airflow: a nightly scoring DAG and a weekly retrain + evaluate DAG.

Drop this file into your DAGs folder. Nothing is hard-coded: paths and limits come from
Airflow Variables (overridable per run with params), Spark from a Spark connection.

Variables (defaults in brackets):
  healthscore_jar        the spark-submit jar, jobs/target/healthscore-jobs-<version>-spark.jar
  healthscore_warehouse  warehouse root (local path or s3a:// / abfss:// / hdfs:// URI)
  healthscore_lake       lake root
  healthscore_config     optional YAML config file [built-in defaults]
  healthscore_start_date first date to schedule, YYYY-MM-DD [2024-01-01]; catchup backfills from it.
                         Read when the DAG is parsed, so set it as AIRFLOW_VAR_HEALTHSCORE_START_DATE.
  healthscore_max_quarantine_share, healthscore_max_account_drop, healthscore_max_input_drop
                         quality-gate limits [the config's quality section]
Connection:
  healthscore_spark      conn_type spark; host = master (local[*], spark://host:7077, yarn, k8s://...);
                         extras: deploy-mode, spark-binary, namespace ...
"""
from __future__ import annotations

import datetime as dt
import os

from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator
from airflow.sdk import DAG

MAIN_CLASS = "dev.healthscore.jobs.cli.Main"
SPARK_CONN = "healthscore_spark"


def _start_date() -> dt.datetime:
    # Read at parse time, so from the environment (AIRFLOW_VAR_* is also how Airflow exposes
    # Variables set by the deployment): no metadata-DB query on every DAG parse.
    day = dt.date.fromisoformat(os.environ.get("AIRFLOW_VAR_HEALTHSCORE_START_DATE", "2024-01-01"))
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)


# Templated at run time, so a Variable change needs no DAG redeploy and params can override it.
JAR = "{{ params.jar or var.value.get('healthscore_jar') }}"
WAREHOUSE = "{{ params.warehouse or var.value.get('healthscore_warehouse') }}"
LAKE = "{{ params.lake or var.value.get('healthscore_lake') }}"
# Optional flags render as "--flag=value" or as an empty argument, which the CLI ignores.
CONFIG_ARGS = "{{ ('--config=' ~ (params.config or var.value.get('healthscore_config', ''))) if (params.config or var.value.get('healthscore_config', '')) else '' }}"


def _optional_flag(flag: str, variable: str) -> str:
    return "{{ ('%s=' ~ var.value.get('%s')) if var.value.get('%s', '') else '' }}" % (flag, variable, variable)


PARAMS = {"jar": None, "warehouse": None, "lake": None, "config": None}

DEFAULT_ARGS = {
    "owner": "data-engineering",
    "retries": 2,
    "retry_delay": dt.timedelta(minutes=5),
    "retry_exponential_backoff": True,
    "max_retry_delay": dt.timedelta(minutes=30),
    "execution_timeout": dt.timedelta(hours=3),
}


def healthscore_task(task_id: str, *args: str, **kwargs) -> SparkSubmitOperator:
    """One healthscore command as a spark-submit of the packaged jar."""
    return SparkSubmitOperator(
        task_id=task_id,
        conn_id=SPARK_CONN,
        application=JAR,
        java_class=MAIN_CLASS,
        name=f"healthscore-{task_id}",
        application_args=[a for a in args],
        conf={"spark.sql.session.timeZone": "UTC"},
        **kwargs,
    )


with DAG(
    dag_id="healthscore_nightly",
    description="Validate the warehouse, score every active account as of the run date, gate on data quality.",
    schedule="@daily",
    start_date=_start_date(),
    catchup=True,  # backfills: one run per missed day, oldest first
    max_active_runs=1,  # trends read earlier dates: run them in order
    default_args=DEFAULT_ARGS,
    params=PARAMS,
    tags=["healthscore"],
) as nightly_dag:
    validate = healthscore_task("validate_inputs", "validate", "--warehouse", WAREHOUSE)
    score = healthscore_task(
        "nightly", "nightly", "--warehouse", WAREHOUSE, "--lake", LAKE, "--as-of", "{{ ds }}", CONFIG_ARGS)
    gate = healthscore_task(
        "quality_gate", "quality-gate", "--lake", LAKE, "--as-of", "{{ ds }}", CONFIG_ARGS,
        _optional_flag("--max-quarantine-share", "healthscore_max_quarantine_share"),
        _optional_flag("--max-account-drop", "healthscore_max_account_drop"),
        _optional_flag("--max-input-drop", "healthscore_max_input_drop"),
        retries=0,  # a failed gate is a finding, not a flake
    )
    validate >> score >> gate


with DAG(
    dag_id="healthscore_weekly_train",
    description="Retrain the churn model as of the run date and refresh the accuracy review.",
    schedule="@weekly",
    start_date=_start_date(),
    catchup=False,  # retraining for every missed week is pointless: train on the latest data
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    params=PARAMS,
    tags=["healthscore"],
) as weekly_dag:
    train = healthscore_task(
        "train", "train", "--warehouse", WAREHOUSE, "--lake", LAKE, "--as-of", "{{ ds }}", CONFIG_ARGS)
    evaluate = healthscore_task(
        "evaluate", "evaluate", "--warehouse", WAREHOUSE, "--lake", LAKE, "--as-of", "{{ ds }}", CONFIG_ARGS)
    train >> evaluate
