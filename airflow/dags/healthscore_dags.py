"""healthscore on Airflow: a nightly scoring DAG and a weekly retrain, evaluate and report DAG.

Drop this file into your DAGs folder (docs/airflow.md). Nothing is hard-coded: paths come from
Airflow Variables, each overridable per run by the param of the same name without the
`healthscore_` prefix (trigger with conf {"lake": "...", "config": "..."}), and Spark from a
Spark connection. Every Spark task is one spark-submit of the packaged jar and is idempotent
for its date.

The nightly run publishes nothing unless its own quality gate passes (write-audit-publish
inside `nightly`, docs/runs.md): a gate failure (exit 4) or bad input (exit 2) fails the task
at once, without retries; a date held by another run is waited for (--wait).

Variables read at run time (defaults in brackets):
  healthscore_jar        the spark-submit jar, jobs/target/healthscore-jobs-<version>-spark.jar
  healthscore_warehouse  warehouse root (local path or s3a:// / abfss:// / hdfs:// URI)
  healthscore_lake       lake root
  healthscore_config     optional YAML config file, gate limits in its `quality` section [built-in defaults]
  healthscore_spark_properties
                         optional spark-defaults-style file passed as --properties-file [none]
  healthscore_wait_seconds
                         how long a run waits for another run holding its date [3600]
  healthscore_reports    folder the weekly DAG writes its HTML report and notebooks to
  healthscore_notifier   optional "module:function" called as function(message, context) on a failure
                         or a missed deadline
  healthscore_alert_email, healthscore_smtp_conn
                         optional: also mail the alert through the SMTP provider [conn smtp_default]
Read when the DAG file is parsed (set them as AIRFLOW_VAR_* environment variables):
  healthscore_start_date earliest date a backfill can cover, YYYY-MM-DD [2024-01-01]; catchup is off,
                         so a first deploy schedules only the latest day
  healthscore_nightly_cron
                         when the nightly run of day T starts, after T ended (UTC) [0 2 * * *]
  healthscore_nightly_trigger
                         time | assets | time_or_assets: what starts the nightly run [time]
  healthscore_deadline_hours
                         alert when the nightly run of T has not succeeded this many hours after
                         T began [30: 06:00 UTC the day after T]; "off": no deadline
Connection:
  healthscore_spark      conn_type spark; host = master (local[*], spark://host:7077, yarn, k8s://...);
                         extras: deploy-mode, spark-binary, namespace, queue ...
Pool:
  healthscore_lake       size 1: the tasks that write the lake (nightly, train, evaluate) never overlap
"""
from __future__ import annotations

import datetime as dt
import importlib
import logging
import os
import re
from urllib.parse import urlparse

from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator
from airflow.sdk import (
    DAG,
    Asset,
    AssetOrTimeSchedule,
    BaseNotifier,
    CronDataIntervalTimetable,
    DeadlineAlert,
    DeadlineReference,
    SyncCallback,
    Variable,
    task,
)
from airflow.sdk.exceptions import AirflowException, AirflowFailException

log = logging.getLogger(__name__)

MAIN_CLASS = "dev.healthscore.jobs.cli.Main"
SPARK_CONN = "healthscore_spark"
LAKE_POOL = "healthscore_lake"


def _env(name: str, default: str) -> str:
    # Read at parse time, so from the environment (AIRFLOW_VAR_* is also how Airflow exposes
    # Variables set by the deployment): no metadata-DB query on every DAG parse.
    return os.environ.get(f"AIRFLOW_VAR_HEALTHSCORE_{name.upper()}", default)


def _start_date() -> dt.datetime:
    # The earliest date a backfill can cover (Airflow creates no task instances for a date
    # before the tasks' start date). With catchup off, a first deploy still queues only the
    # latest day; history is backfilled on purpose with `airflow backfill create` (docs/airflow.md).
    day = dt.date.fromisoformat(_env("start_date", "2024-01-01"))
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)


# --- Assets: what the nightly run reads and what it publishes --------------------------------
# Logical names, independent of where the warehouse and lake live: an upstream load DAG marks a
# table as loaded with outlets=[WAREHOUSE_ASSETS["invoices"]] (extra {"as_of": "YYYY-MM-DD"}:
# loaded through that day); a downstream DAG schedules on ACCOUNT_HEALTH.
WAREHOUSE_TABLES = ("accounts", "contracts", "churn_events", "usage_events", "support_tickets", "invoices",
                    "engagements", "nps_responses", "csm_assessments")
WAREHOUSE_ASSETS = {t: Asset(f"healthscore_warehouse_{t}", uri=f"healthscore://warehouse/{t}", group="healthscore")
                    for t in WAREHOUSE_TABLES}
# People's overrides (docs/overrides.md) are read by nightly and evaluate, so they are in the
# lineage, but they are no asset: a run must not wait for a table people edit by hand.
READ_WITH_OVERRIDES = (*WAREHOUSE_TABLES, "health_overrides")
# what every nightly run replaces for T, account_health last (churn_forecast too, when a model exists)
NIGHTLY_TABLES = ("quarantine", "account_features", "health_alerts", "health_by_segment", "account_hierarchy_health",
                  "account_worklist", "account_opportunities", "feature_drift", "account_health")
LAKE_ASSETS = {t: Asset(f"healthscore_{t}", uri=f"healthscore://lake/{t}", group="healthscore")
               for t in (*NIGHTLY_TABLES, "churn_models", "model_evaluation")}
ACCOUNT_HEALTH = LAKE_ASSETS["account_health"]
HEALTH_ALERTS = LAKE_ASSETS["health_alerts"]
EVALUATION_TABLES = ("model_evaluation", "model_gains", "model_calibration", "model_roc", "model_band_rates",
                     "model_forecast_backtest", "model_expansion_backtest", "model_override_outcomes")


def _nightly_schedule():
    cron = CronDataIntervalTimetable(_env("nightly_cron", "0 2 * * *"), timezone="UTC")
    trigger = _env("nightly_trigger", "time")
    assets_loaded = None
    for asset in WAREHOUSE_ASSETS.values():  # every table loaded since the last run
        assets_loaded = asset if assets_loaded is None else assets_loaded & asset
    if trigger == "time":
        return cron
    if trigger == "assets":
        return assets_loaded
    if trigger == "time_or_assets":
        return AssetOrTimeSchedule(timetable=cron, assets=assets_loaded)
    raise ValueError(f"AIRFLOW_VAR_HEALTHSCORE_NIGHTLY_TRIGGER must be time, assets or time_or_assets, not {trigger!r}")


# Each run covers a data interval and starts when it is over, whatever the deployment's
# create_cron_data_intervals says: the nightly run of day T starts after T ended.
WEEKLY_SCHEDULE = CronDataIntervalTimetable("0 4 * * 0", timezone="UTC")


def as_of_date(params, dag_run, triggering_asset_events=None) -> str:
    """The day T a nightly run scores: the `as_of` param; else the run's logical date (a
    scheduled or backfilled run of T); else, for a run started by warehouse loads, the earliest
    `as_of` the load events carry; else the day before the run started."""
    if params.get("as_of"):
        return str(dt.date.fromisoformat(str(params["as_of"])))
    if dag_run.logical_date is not None:
        return dag_run.logical_date.date().isoformat()
    days = [str(e.extra["as_of"]) for events in (triggering_asset_events or {}).values() for e in events
            if (e.extra or {}).get("as_of")]
    if days:
        return min(days)
    return (dag_run.run_after - dt.timedelta(days=1)).date().isoformat()


# Templated at run time, so a Variable change needs no DAG redeploy and params can override it.
JAR = "{{ params.jar or var.value.get('healthscore_jar') }}"
WAREHOUSE = "{{ params.warehouse or var.value.get('healthscore_warehouse') }}"
LAKE = "{{ params.lake or var.value.get('healthscore_lake') }}"
REPORTS = "{{ params.reports or var.value.get('healthscore_reports') }}"
SPARK_PROPERTIES = "{{ params.spark_properties or var.value.get('healthscore_spark_properties', '') }}"
WAIT = "{{ params.wait_seconds if params.wait_seconds is not none else var.value.get('healthscore_wait_seconds', 3600) }}"
AS_OF = "{{ healthscore_as_of(params, dag_run, triggering_asset_events) }}"
# The weekly run trains as of the last day completed before it starts (not the week's first).
LAST_COMPLETE_DAY = "{{ params.as_of or macros.ds_add(data_interval_end | ds, -1) }}"


def _optional_flag(flag: str, name: str) -> str:
    """'--flag=value' from param `name` or Variable `healthscore_<name>`, else an empty
    argument, which the CLI ignores (so the built-in default or the config applies)."""
    value = f"params.{name} if params.{name} is not none else var.value.get('healthscore_{name}', '')"
    return "{%% set v = %s %%}{{ ('%s=' ~ v) if v != '' else '' }}" % (value, flag)


CONFIG_ARGS = _optional_flag("--config", "config")
PARAMS = {"jar": None, "warehouse": None, "lake": None, "config": None, "spark_properties": None,
          "wait_seconds": None, "as_of": None}


# --- Alerts --------------------------------------------------------------------------------------
def _setting(name: str, default=None):
    """Variable `name`, or `default`. A deadline callback runs outside any task, and there the
    Execution API of Airflow 3.3.2 refuses Variables from the metadata DB
    (AirflowSecretsBackendAccessDenied): it sees only AIRFLOW_VAR_* environment variables."""
    try:
        return Variable.get(name, default=default)
    except Exception as refused:  # noqa: BLE001 - logged, and the alert still goes out the other ways
        log.warning("Variable %s not readable here (%s): set it as AIRFLOW_VAR_%s", name, refused, name.upper())
        return default


def send_alert(message: str, context: dict) -> None:
    """Sends one alert line: to the callable named in Variable healthscore_notifier
    ("module:function", called as function(message, context)) and/or by mail through the SMTP
    provider when Variable healthscore_alert_email is set; always logged."""
    log.error("healthscore alert: %s", message)
    target = _setting("healthscore_notifier")
    if target:
        module, _, name = target.partition(":")
        getattr(importlib.import_module(module), name)(message, context)
    email = _setting("healthscore_alert_email")
    if email:
        from airflow.providers.smtp.notifications.smtp import SmtpNotifier
        SmtpNotifier(to=email, smtp_conn_id=_setting("healthscore_smtp_conn", "smtp_default"),
                     subject=f"[healthscore] {message[:120]}", html_content=f"<p>{message}</p>").notify(context)


class HealthscoreNotifier(BaseNotifier):
    """on_failure_callback of every task: says which task of which run failed, and why."""

    def notify(self, context):
        ti, run = context["ti"], context["dag_run"]
        error = context.get("exception")
        why = str(error).strip().splitlines()[-1] if error else "see the task log"
        send_alert(f"{ti.dag_id}.{ti.task_id} failed (run {run.run_id}, try {ti.try_number}): {why}", context)


def nightly_deadline_missed(context: dict, **kwargs) -> None:
    """Deadline callback (run by the executor): the nightly run of T has not succeeded in time.
    Backfill runs of old dates are past their deadline from the start: they do not alert."""
    run = context.get("dag_run") or {}  # the scheduler's DAGRunResponse, as JSON
    run_id = run.get("dag_run_id")
    if run.get("run_type") == "backfill":
        log.info("deadline passed for backfill run %s: no alert", run_id)
        return
    day = (run.get("logical_date") or "")[:10] or "?"
    send_alert(f"healthscore_nightly for {day} has not succeeded by {context['deadline']['deadline_time']} "
               f"(run {run_id}, state {run.get('state')})", context)


def _nightly_deadline():
    hours = _env("deadline_hours", "30")
    if hours == "off":  # dag.test() of Airflow 3.3.2 fails on a DAG with a deadline (docs/airflow.md)
        return None
    return DeadlineAlert(
        reference=DeadlineReference.DAGRUN_LOGICAL_DATE,  # the start of T
        interval=dt.timedelta(hours=float(hours)),
        callback=SyncCallback(nightly_deadline_missed),
    )


DEFAULT_ARGS = {
    "owner": "data-engineering",
    "retries": 2,
    "retry_delay": dt.timedelta(minutes=5),
    "retry_exponential_backoff": 2.0,  # a multiplier in Airflow 3 (True would mean 1.0: no back-off)
    "max_retry_delay": dt.timedelta(minutes=30),
    "execution_timeout": dt.timedelta(hours=3),
    "on_failure_callback": HealthscoreNotifier(),
}


# --- The Spark tasks -----------------------------------------------------------------------------
def _dataset(root: str, table: str):
    """An OpenLineage dataset for <root>/<table>, named as the OpenLineage naming spec says."""
    from openlineage.client.event_v2 import Dataset
    url = urlparse(root.rstrip("/") + "/" + table)
    if url.scheme in ("", "file"):
        return Dataset(namespace="file", name=os.path.abspath(url.path))
    scheme = {"s3a": "s3", "s3n": "s3"}.get(url.scheme, url.scheme)
    return Dataset(namespace=f"{scheme}://{url.netloc}", name=url.path.lstrip("/"))


class HealthscoreSubmit(SparkSubmitOperator):
    """One healthscore command as a spark-submit of the packaged jar.

    Maps the command's exit code (docs/runs.md) to what Airflow should do: 2 (bad input,
    config or arguments) and 4 (quality gate failed, nothing published) fail at once without
    retries; anything else is retried. The failure's reason (the command's one stderr line) is
    the last line of the task log. Reports the warehouse tables it reads and the lake tables it
    writes to OpenLineage (apache-airflow-providers-openlineage)."""

    template_fields = (*SparkSubmitOperator.template_fields, "warehouse", "lake", "as_of")
    NOT_RETRIED = {2: "bad input, configuration or arguments", 4: "the quality gate failed: nothing was published"}

    def __init__(self, *, command: str, warehouse: str = "", lake: str = "", as_of: str = "", reads=(), writes=(),
                 **kwargs):
        super().__init__(conn_id=SPARK_CONN, application=JAR, java_class=MAIN_CLASS, name=f"healthscore-{command}",
                         conf={"spark.sql.session.timeZone": "UTC"}, properties_file=SPARK_PROPERTIES, **kwargs)
        self.command, self.warehouse, self.lake, self.as_of = command, warehouse, lake, as_of
        self.reads, self.writes = tuple(reads), tuple(writes)

    def execute(self, context):
        try:
            super().execute(context)
            for asset in self.outlets:  # consumers learn which date was published
                context["outlet_events"][asset].extra = {"as_of": self.as_of}
        except AirflowException as failure:
            code = self._exit_code(failure)
            lines = list(getattr(self._hook, "_last_submit_log_lines", None) or [])
            said = next((l.strip() for l in reversed(lines) if l.startswith(f"healthscore {self.command}:")), None)
            meaning = self.NOT_RETRIED.get(code, "retried" if self.retries else "failed")
            why = f"healthscore {self.command} exited {code} ({meaning}): {said or 'see the spark-submit output above'}"
            self.log.error(why)
            if code in self.NOT_RETRIED:
                raise AirflowFailException(why) from None
            raise AirflowException(why) from failure

    def _exit_code(self, failure) -> int | None:
        process = getattr(self._hook, "_submit_sp", None)
        if process is not None and process.returncode is not None:
            return process.returncode
        found = re.search(r"Error code is: (\d+)", str(failure))
        return int(found.group(1)) if found else None

    def get_openlineage_facets_on_complete(self, task_instance):
        from airflow.providers.openlineage.extractors import OperatorLineage
        return OperatorLineage(inputs=[_dataset(self.warehouse, t) for t in self.reads],
                               outputs=[_dataset(self.lake, t) for t in self.writes])

    def get_openlineage_facets_on_failure(self, task_instance):
        return self.get_openlineage_facets_on_complete(task_instance)


with DAG(
    dag_id="healthscore_nightly",
    description="Score every active account as of T; publish only if the quality gate passes.",
    schedule=_nightly_schedule(),
    start_date=_start_date(),
    catchup=False,  # a first deploy queues no history: backfill a range with `airflow backfill create`
    max_active_runs=1,  # trends read earlier dates: run them in order
    default_args=DEFAULT_ARGS,
    params=PARAMS,
    user_defined_macros={"healthscore_as_of": as_of_date},
    deadline=_nightly_deadline(),
    tags=["healthscore"],
) as nightly_dag:
    # One task: `nightly` checks the warehouse structure itself before any work (bad input: exit
    # 2, not retried), so a separate `validate` task would only cost another Spark start.
    HealthscoreSubmit(
        task_id="nightly", command="nightly",
        application_args=["nightly", "--warehouse", WAREHOUSE, "--lake", LAKE, "--as-of", AS_OF, "--wait", WAIT,
                          CONFIG_ARGS],
        warehouse=WAREHOUSE, lake=LAKE, as_of=AS_OF, reads=READ_WITH_OVERRIDES, writes=(*NIGHTLY_TABLES, "runs"),
        pool=LAKE_POOL, outlets=[LAKE_ASSETS[t] for t in NIGHTLY_TABLES])


with DAG(
    dag_id="healthscore_weekly_train",
    description="Retrain the churn model, review its accuracy, write the report and render the notebooks.",
    schedule=WEEKLY_SCHEDULE,
    start_date=_start_date(),
    catchup=False,  # retraining for every missed week is pointless: train on the latest data
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    params={**PARAMS, "reports": None},
    tags=["healthscore"],
) as weekly_dag:
    train = HealthscoreSubmit(
        task_id="train", command="train",
        application_args=["train", "--warehouse", WAREHOUSE, "--lake", LAKE, "--as-of", LAST_COMPLETE_DAY,
                          "--wait", WAIT, CONFIG_ARGS],
        warehouse=WAREHOUSE, lake=LAKE, as_of=LAST_COMPLETE_DAY, reads=WAREHOUSE_TABLES, writes=("account_features", "churn_models", "runs"),
        pool=LAKE_POOL, outlets=[LAKE_ASSETS["churn_models"]])
    evaluate = HealthscoreSubmit(
        task_id="evaluate", command="evaluate",
        application_args=["evaluate", "--warehouse", WAREHOUSE, "--lake", LAKE, "--as-of", LAST_COMPLETE_DAY,
                          "--wait", WAIT, CONFIG_ARGS],
        warehouse=WAREHOUSE, lake=LAKE, as_of=LAST_COMPLETE_DAY, reads=READ_WITH_OVERRIDES, writes=(*EVALUATION_TABLES, "runs"),
        pool=LAKE_POOL, outlets=[LAKE_ASSETS["model_evaluation"]])
    report = HealthscoreSubmit(
        task_id="report", command="report",
        application_args=["report", "--lake", LAKE, "--out", REPORTS + "/accuracy-report-" + LAST_COMPLETE_DAY + ".html"],
        lake=LAKE)

    @task
    def render_notebook(notebook: str, reports: str, lake: str, day: str) -> str:
        """Runs notebooks/<notebook> with papermill on the lake and writes it as HTML to the reports folder."""
        import nbformat
        import papermill
        from nbconvert import HTMLExporter
        notebooks = os.environ.get("HEALTHSCORE_NOTEBOOKS") or os.path.join(
            os.path.dirname(os.path.realpath(__file__)), "..", "..", "notebooks")
        stem = os.path.splitext(notebook)[0]
        executed = os.path.join(reports, f"{stem}-{day}.ipynb")
        os.makedirs(reports, exist_ok=True)
        papermill.execute_notebook(os.path.join(notebooks, notebook), executed, parameters={"lake": lake},
                                   kernel_name="python3", cwd=notebooks, progress_bar=False, execution_timeout=1800)
        html, _ = HTMLExporter(exclude_input=True).from_notebook_node(nbformat.read(executed, as_version=4))
        out = os.path.join(reports, f"{stem}-{day}.html")
        with open(out, "w") as f:
            f.write(html)
        return out

    notebooks = [render_notebook.override(task_id=f"notebook_{name}")(f"{name}.ipynb", REPORTS, LAKE, LAST_COMPLETE_DAY)
                 for name in ("health_overview", "churn_model_review")]
    train >> evaluate >> report >> notebooks
