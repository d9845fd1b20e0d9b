"""healthscore on Airflow: a nightly scoring DAG and a weekly retrain + evaluate DAG.

Drop this file into your DAGs folder. Nothing is hard-coded: paths and limits come from
Airflow Variables, each overridable per run by the param of the same name without the
`healthscore_` prefix (trigger with conf {"lake": "...", "max_quarantine_share": 0.05}), and
Spark from a Spark connection. Every task is one spark-submit of the packaged jar and is
idempotent for its date: validate and quality-gate only read, nightly replaces its date.

Variables (defaults in brackets):
  healthscore_jar        the spark-submit jar, jobs/target/healthscore-jobs-<version>-spark.jar
  healthscore_warehouse  warehouse root (local path or s3a:// / abfss:// / hdfs:// URI)
  healthscore_lake       lake root
  healthscore_config     optional YAML config file [built-in defaults]
  healthscore_spark_properties
                         optional spark-defaults-style file passed as --properties-file
                         (executor/driver memory, shuffle partitions ...) [none]
  healthscore_start_date first date to schedule, YYYY-MM-DD [2024-01-01]; catchup backfills from it.
  healthscore_nightly_cron
                         when the nightly run of day T starts, after T ended (UTC) [0 2 * * *];
                         the weekly run starts Sundays at 04:00 UTC.
                         Both read when the DAG file is parsed, so set them as environment
                         variables (AIRFLOW_VAR_HEALTHSCORE_START_DATE, ..._NIGHTLY_CRON).
  healthscore_max_quarantine_share, healthscore_max_account_drop, healthscore_max_input_drop
                         quality-gate limits [the config's quality section]
Connection:
  healthscore_spark      conn_type spark; host = master (local[*], spark://host:7077, yarn, k8s://...);
                         extras: deploy-mode, spark-binary, namespace, queue ...
"""
from __future__ import annotations

import datetime as dt
import os

from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator
from airflow.sdk import DAG, CronDataIntervalTimetable

MAIN_CLASS = "dev.healthscore.jobs.cli.Main"
SPARK_CONN = "healthscore_spark"


def _start_date() -> dt.datetime:
    # Read at parse time, so from the environment (AIRFLOW_VAR_* is also how Airflow exposes
    # Variables set by the deployment): no metadata-DB query on every DAG parse.
    day = dt.date.fromisoformat(os.environ.get("AIRFLOW_VAR_HEALTHSCORE_START_DATE", "2024-01-01"))
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)


# Each run covers a data interval and starts when it is over, whatever the deployment's
# create_cron_data_intervals says: the nightly run of day T ({{ ds }}) starts after T ended,
# once the day's warehouse loads have landed.
NIGHTLY_SCHEDULE = CronDataIntervalTimetable(
    os.environ.get("AIRFLOW_VAR_HEALTHSCORE_NIGHTLY_CRON", "0 2 * * *"), timezone="UTC")
WEEKLY_SCHEDULE = CronDataIntervalTimetable("0 4 * * 0", timezone="UTC")
# The weekly run trains as of the last day completed before it starts (not the week's first).
LAST_COMPLETE_DAY = "{{ macros.ds_add(data_interval_end | ds, -1) }}"

# Templated at run time, so a Variable change needs no DAG redeploy and params can override it.
JAR = "{{ params.jar or var.value.get('healthscore_jar') }}"
WAREHOUSE = "{{ params.warehouse or var.value.get('healthscore_warehouse') }}"
LAKE = "{{ params.lake or var.value.get('healthscore_lake') }}"
SPARK_PROPERTIES = "{{ params.spark_properties or var.value.get('healthscore_spark_properties', '') }}"


def _optional_flag(flag: str, name: str) -> str:
    """'--flag=value' from param `name` or Variable `healthscore_<name>`, else an empty
    argument, which the CLI ignores (so the built-in default or the config applies)."""
    value = f"params.{name} if params.{name} is not none else var.value.get('healthscore_{name}', '')"
    return "{%% set v = %s %%}{{ ('%s=' ~ v) if v != '' else '' }}" % (value, flag)


CONFIG_ARGS = _optional_flag("--config", "config")
GATE_LIMITS = ("max_quarantine_share", "max_account_drop", "max_input_drop")
PARAMS = {"jar": None, "warehouse": None, "lake": None, "config": None, "spark_properties": None,
          **{name: None for name in GATE_LIMITS}}

DEFAULT_ARGS = {
    "owner": "data-engineering",
    "retries": 2,
    "retry_delay": dt.timedelta(minutes=5),
    "retry_exponential_backoff": 2.0,  # a multiplier in Airflow 3 (True would mean 1.0: no back-off)
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
        application_args=list(args),
        conf={"spark.sql.session.timeZone": "UTC"},
        properties_file=SPARK_PROPERTIES,
        **kwargs,
    )


with DAG(
    dag_id="healthscore_nightly",
    description="Validate the warehouse, score every active account as of the run date, gate on data quality.",
    schedule=NIGHTLY_SCHEDULE,
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
        *(_optional_flag("--" + name.replace("_", "-"), name) for name in GATE_LIMITS),
        retries=0,  # a failed gate is a finding, not a flake
    )
    validate >> score >> gate


with DAG(
    dag_id="healthscore_weekly_train",
    description="Retrain the churn model as of the run date and refresh the accuracy review.",
    schedule=WEEKLY_SCHEDULE,
    start_date=_start_date(),
    catchup=False,  # retraining for every missed week is pointless: train on the latest data
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    params=PARAMS,
    tags=["healthscore"],
) as weekly_dag:
    train = healthscore_task(
        "train", "train", "--warehouse", WAREHOUSE, "--lake", LAKE, "--as-of", LAST_COMPLETE_DAY, CONFIG_ARGS)
    evaluate = healthscore_task(
        "evaluate", "evaluate", "--warehouse", WAREHOUSE, "--lake", LAKE, "--as-of", LAST_COMPLETE_DAY, CONFIG_ARGS)
    train >> evaluate
