"""The DAGs under real Airflow 3 (dag.test): they import, have the right shape, the nightly
DAG really runs spark-submit of the packaged jar for one date, a gate failure inside `nightly`
fails the task at once (no retry), publishes nothing and fires the failure notifier (a captured
callable and a mail to a real SMTP server), the OpenLineage events name the tables read and
written, and the weekly DAG runs train -> evaluate -> report -> both notebooks for real."""
from __future__ import annotations

import datetime as dt
import json

import pyarrow.compute as pc
import pyarrow.parquet as pq
from alert_capture import read
from dag_support import RUN_DATE, dagbag, openlineage_events
from deltalake import DeltaTable

T = RUN_DATE.date()


def read_alerts() -> list[dict]:
    import os
    return read(os.environ["HEALTHSCORE_ALERTS_FILE"])


def scheduled_runs(dag, n: int):
    """The first n runs the scheduler would create, by Airflow's own timetable arithmetic."""
    from airflow.serialization.encoders import coerce_to_core_timetable
    from airflow.timetables.base import TimeRestriction
    timetable, runs, last = coerce_to_core_timetable(dag.timetable), [], None
    for _ in range(n):
        info = timetable.next_dagrun_info(last_automated_data_interval=last,
                                          restriction=TimeRestriction(earliest=dag.start_date, latest=None, catchup=True))
        runs.append(info)
        last = info.data_interval
    return runs


def test_dags_import_without_errors(airflow_home):
    bag = dagbag()
    assert bag.import_errors == {}
    assert set(bag.dag_ids) == {"healthscore_nightly", "healthscore_weekly_train"}


def test_nightly_dag_shape(airflow_home, monkeypatch):
    monkeypatch.delenv("AIRFLOW_VAR_HEALTHSCORE_DEADLINE_HOURS")  # the deployed default
    dag = dagbag().get_dag("healthscore_nightly")
    # the gate is inside `nightly` (write-audit-publish): no separate task after the publish
    # and `nightly` checks the warehouse structure itself (exit 2): no separate validate task
    assert [t.task_id for t in dag.topological_sort()] == ["nightly"]
    # a first deploy queues no history (catchup off: only the latest day, test_scheduler.py);
    # the start date is the earliest date a backfill can cover
    assert dag.catchup is False
    assert dag.start_date == dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
    assert dag.max_active_runs == 1
    # one run per UTC day T, {{ ds }} = T, starting at 02:00 after T ended
    runs = scheduled_runs(dag, 3)
    assert [r.logical_date.date() for r in runs] == [dt.date(2024, 1, 1), dt.date(2024, 1, 2), dt.date(2024, 1, 3)]
    assert all(r.run_after == r.logical_date + dt.timedelta(days=1) for r in runs)
    assert all(r.run_after.hour == 2 and r.run_after.tzinfo.utcoffset(r.run_after) == dt.timedelta(0) for r in runs)
    for task in dag.tasks:
        assert task._conn_id == "healthscore_spark"  # private in the provider
        assert task._java_class == "dev.healthscore.jobs.cli.Main"
        assert "var.value.get('healthscore_jar')" in task.application
        assert task.execution_timeout == dt.timedelta(hours=3)
        assert task.on_failure_callback  # the notifier
    nightly = dag.get_task("nightly")
    assert nightly.retries == 2 and nightly.retry_exponential_backoff == 2.0
    assert nightly.retry_delay == dt.timedelta(minutes=5) and nightly.max_retry_delay == dt.timedelta(minutes=30)
    assert nightly.application_args[:2] == ["nightly", "--warehouse"]
    assert "--wait" in nightly.application_args and "healthscore_wait_seconds" in " ".join(nightly.application_args)
    assert nightly.pool == "healthscore_lake"
    assert {a.name for a in nightly.outlets} >= {"healthscore_account_health", "healthscore_health_alerts",
                                                 "healthscore_account_worklist"}
    (deadline,) = dag.deadline if isinstance(dag.deadline, list) else [dag.deadline]
    assert deadline.interval == dt.timedelta(hours=30)  # 06:00 UTC the day after T


def test_weekly_dag_shape(airflow_home):
    dag = dagbag().get_dag("healthscore_weekly_train")
    assert [t.task_id for t in dag.topological_sort()][:3] == ["train", "evaluate", "report"]
    assert dag.get_task("evaluate").upstream_task_ids == {"train"}
    assert dag.get_task("report").upstream_task_ids == {"evaluate"}
    for name in ("notebook_health_overview", "notebook_churn_model_review"):
        assert dag.get_task(name).upstream_task_ids == {"report"}
    assert dag.catchup is False
    assert dag.max_active_runs == 1
    # the tasks that write the lake share the nightly task's pool of one slot
    assert dag.get_task("train").pool == dag.get_task("evaluate").pool == "healthscore_lake"
    # Sundays 04:00 UTC, as of the Saturday before (the last complete day)
    (first,) = scheduled_runs(dag, 1)
    assert first.run_after == dt.datetime(2024, 1, 14, 4, tzinfo=dt.timezone.utc)
    env = dag.get_template_env()
    from airflow.sdk.execution_time import macros
    for name in ("train", "evaluate"):
        args = dag.get_task(name).application_args
        assert args[:2] == [name, "--warehouse"] and "--lake" in args
        as_of = args[args.index("--as-of") + 1]
        assert env.from_string(as_of).render(data_interval_end=first.data_interval.end, macros=macros,
                                             params={"as_of": None}) == "2024-01-13"
    report = dag.get_task("report").application_args
    assert report[:2] == ["report", "--lake"] and "healthscore_reports" in report[report.index("--out") + 1]


def active_accounts_at(warehouse, day: dt.date) -> set[str]:
    """CONTRACT.md: created on or before T and no churn on or before T (read with pyarrow, not Spark)."""
    accounts = pq.read_table(warehouse / "accounts")
    churns = pq.read_table(warehouse / "churn_events")
    churned = set(churns.filter(pc.less_equal(churns["churn_date"], day))["account_id"].to_pylist())
    created = accounts.filter(pc.less_equal(accounts["created_date"], day))["account_id"].to_pylist()
    return set(created) - churned


def test_nightly_dag_runs_spark_submit_for_one_date(nightly_run):
    run = nightly_run["run"]
    assert run.state == "success", run.state
    assert {ti.task_id: ti.state for ti in run.get_task_instances()} == {"nightly": "success"}
    lake = nightly_run["lake"]
    health = DeltaTable(str(lake / "account_health")).to_pyarrow_table().to_pylist()
    assert {r["as_of_date"] for r in health} == {T}
    assert sorted(r["account_id"] for r in health) == sorted(active_accounts_at(nightly_run["warehouse"], T))
    assert all(0 <= r["health_score"] <= 100 and r["health_band"] in ("green", "yellow", "red") for r in health)

    # the two bad invoices were set aside with their rule, and counted in the runs log
    quarantine = DeltaTable(str(lake / "quarantine")).to_pyarrow_table().to_pylist()
    assert sorted((r["table_name"], r["rule"], json.loads(r["row_json"])["invoice_id"]) for r in quarantine) == [
        ("invoices", "negative", "inv-bad-negative"), ("invoices", "unknown_account", "inv-bad-unknown")]
    runs = DeltaTable(str(lake / "runs")).to_pyarrow_table().to_pylist()
    assert [(r["command"], r["status"]) for r in runs] == [("nightly", "succeeded")]
    assert dict(runs[0]["quarantined_rows"])["invoices"] == 2


def test_nightly_retries_back_off_exponentially(nightly_run):
    # Airflow's own retry arithmetic on the task instance of the real run: the delay doubles
    # (plus Airflow's deterministic jitter of up to 100 %) and is capped at max_retry_delay.
    from airflow import settings
    from airflow.serialization.serialized_objects import DagSerialization
    dag = DagSerialization.deserialize_dag(DagSerialization.serialize_dag(dagbag().get_dag("healthscore_nightly")))
    session = settings.Session()
    ti = nightly_run["run"].get_task_instance("nightly", session=session)
    ti.task = dag.get_task("nightly")
    minutes = []
    for attempt in (1, 2, 3, 4):
        ti.try_number = attempt
        minutes.append((ti.next_retry_datetime() - ti.end_date).total_seconds() / 60)
    session.rollback()
    assert 5 <= minutes[0] < 10 and 10 <= minutes[1] < 20 and 20 <= minutes[2] <= 30, minutes
    assert minutes[3] == 30, minutes


GATE_DATE = dt.date(2024, 6, 15)  # a date of its own: nothing is published for it before or after


class MailInbox:
    """aiosmtpd handler: keeps every message a real SMTP session delivers."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        import email
        self.messages.append((envelope.rcpt_tos, email.message_from_bytes(envelope.content)))
        return "250 OK"


def free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gate_failure_fails_nightly_without_retry_and_publishes_nothing(nightly_run, tmp_path, monkeypatch):
    # A config whose quality section allows almost no quarantine: `nightly` runs its gate on its
    # staged results, finds the 2 bad invoices over the limit and publishes nothing (exit 4).
    # The alert also goes out by mail, through the SMTP provider to a real SMTP server (aiosmtpd).
    from aiosmtpd.controller import Controller
    inbox = MailInbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    monkeypatch.setenv("AIRFLOW_VAR_HEALTHSCORE_ALERT_EMAIL", "cs-data@example.com")
    monkeypatch.setenv("AIRFLOW_CONN_SMTP_DEFAULT", json.dumps({
        "conn_type": "smtp", "host": "127.0.0.1", "port": smtp.port,
        "extra": {"disable_ssl": True, "disable_tls": True, "from_email": "healthscore@example.com", "retry_limit": 1}}))
    config = tmp_path / "strict.yaml"
    config.write_text("quality:\n  max_quarantine_share: 0.00001\n  max_account_drop: 0.2\n  max_input_drop: 0.5\n")
    alerts_before = len(read_alerts())
    dag = dagbag().get_dag("healthscore_nightly")
    day = dt.datetime(GATE_DATE.year, GATE_DATE.month, GATE_DATE.day, tzinfo=dt.timezone.utc)
    try:
        run = dag.test(logical_date=day, run_conf={"config": str(config)})
    finally:
        smtp.stop()
    assert run.state == "failed", run.state
    (ti,) = run.get_task_instances()
    assert (ti.task_id, ti.state, ti.try_number) == ("nightly", "failed", 1)  # at once: not up_for_retry, though retries=2
    # the failure notifier fired, with the reason the operator logs last (the command's own
    # stderr line; the task log file is checked under the scheduler, test_scheduler.py)
    (alert,) = [a["message"] for a in read_alerts()[alerts_before:] if "healthscore_nightly.nightly failed" in a["message"]]
    assert ("healthscore nightly exited 4 (the quality gate failed: nothing was published): healthscore nightly: "
            f"quality gate failed for {GATE_DATE}, nothing published: FAIL quarantine: 2 of") in alert, alert
    # the same line by mail: one message to the address in Variable healthscore_alert_email
    (rcpt, mail), = inbox.messages
    assert rcpt == ["cs-data@example.com"] and mail["From"] == "healthscore@example.com", (rcpt, mail["From"])
    assert mail["Subject"].startswith("[healthscore] healthscore_nightly.nightly failed"), mail["Subject"]
    body = next(p.get_payload(decode=True).decode() for p in mail.walk() if p.get_content_type() == "text/html")
    assert "the quality gate failed: nothing was published" in body, body
    # nothing published for the date: no account_health rows, the ledger says failed with code 4
    lake = nightly_run["lake"]
    health = DeltaTable(str(lake / "account_health")).to_pyarrow_table().to_pylist()
    assert GATE_DATE not in {r["as_of_date"] for r in health}
    assert {r["as_of_date"] for r in health} >= {T}
    runs = [r for r in DeltaTable(str(lake / "runs")).to_pyarrow_table().to_pylist() if r["as_of_date"] == GATE_DATE]
    assert [(r["status"], r["exit_code"]) for r in runs] == [("failed", 4)], runs
    assert f"--config={config}" in runs[0]["arguments"]


def test_openlineage_events_name_the_tables_read_and_written(nightly_run, airflow_home):
    # apache-airflow-providers-openlineage with a file transport (conftest): the nightly task's
    # COMPLETE event lists the ten warehouse tables as inputs and the published lake tables as outputs
    events = openlineage_events(airflow_home / "openlineage.jsonl")
    complete = [e for e in events if e["eventType"] == "COMPLETE" and e["job"]["name"] == "healthscore_nightly.nightly"]
    assert complete, sorted({(e["eventType"], e["job"]["name"]) for e in events})
    event = complete[0]
    assert event["job"]["namespace"] == "healthscore-tests"
    warehouse, lake = nightly_run["warehouse"], nightly_run["lake"]
    assert {(d["namespace"], d["name"]) for d in event["inputs"]} == {
        ("file", str(warehouse / t)) for t in ("accounts", "contracts", "churn_events", "usage_events", "support_tickets",
                                                "invoices", "engagements", "nps_responses", "csm_assessments",
                                                "health_overrides")}
    outputs = {(d["namespace"], d["name"]) for d in event["outputs"]}
    assert {("file", str(lake / "account_health")), ("file", str(lake / "health_alerts"))} <= outputs
    assert ("file", str(lake / "runs")) in outputs


WEEKLY_WORLD = {"accounts": "150", "months": "24", "seed": "7"}  # the demo's world: enough churn history to backtest
WEEKLY_T = "2025-12-31"  # its last day


def test_weekly_run_trains_evaluates_reports_and_renders_both_notebooks(deployment, spark_env, long_run_spark_conf,
                                                                        tmp_path_factory, record_timing, monkeypatch):
    # The whole weekly DAG for real, no task marked success: train -> evaluate -> report -> the
    # two notebooks, each Spark task a spark-submit of the jar, on a world of its own (params
    # name its warehouse, lake and T); a nightly run of T first, as in production. Its tasks
    # run for minutes: both JIT tiers (the spark-submits inherit this process's environment).
    monkeypatch.setenv("SPARK_CONF_DIR", str(long_run_spark_conf))
    import subprocess
    import time
    from dag_support import ROOT
    world = tmp_path_factory.mktemp("weekly_world")
    warehouse, lake, reports = world / "wh", world / "lake", world / "reports"
    args = [str(ROOT / "bin" / "healthscore"), "generate", "--out", str(warehouse)]
    for k, v in WEEKLY_WORLD.items():
        args += [f"--{k}", v]
    subprocess.run(args, check=True, timeout=900, env=spark_env, cwd=world, stdout=subprocess.DEVNULL)
    config = world / "weekly.yaml"  # two cutoffs, no GBT yardstick: the DAG's wiring is under test, not the backtest
    config.write_text("evaluation:\n  cutoffs: 2\n  reference_gbt: none\n  bootstrap_resamples: 50\n")
    conf = {"warehouse": str(warehouse), "lake": str(lake), "as_of": WEEKLY_T, "config": str(config), "reports": str(reports)}
    day = dt.datetime(2026, 1, 4, tzinfo=dt.timezone.utc)
    started = time.monotonic()
    nightly = dagbag().get_dag("healthscore_nightly").test(logical_date=day, run_conf=conf)
    assert nightly.state == "success", {ti.task_id: ti.state for ti in nightly.get_task_instances()}
    weekly = dagbag().get_dag("healthscore_weekly_train").test(logical_date=day, run_conf=conf)
    record_timing(f"weekly DAG for real {WEEKLY_WORLD} (nightly, train, evaluate, report, 2 notebooks)", time.monotonic() - started)
    states = {ti.task_id: ti.state for ti in weekly.get_task_instances()}
    assert states == {t: "success" for t in ("train", "evaluate", "report", "notebook_health_overview",
                                             "notebook_churn_model_review")}, states
    assert weekly.state == "success"
    # the ledger: one succeeded run of each Spark command, all as of T, in the DAG's order
    runs = sorted(DeltaTable(str(lake / "runs")).to_pyarrow_table().to_pylist(), key=lambda r: r["started_at"])
    assert [(r["command"], r["status"], str(r["as_of_date"])) for r in runs] == [
        (c, "succeeded", WEEKLY_T) for c in ("nightly", "train", "evaluate")], runs
    models = DeltaTable(str(lake / "churn_models")).to_pyarrow_table().to_pylist()
    assert [m["status"] for m in models] == ["champion"], models  # the first model of a lake is promoted
    cutoffs = {str(r["cutoff_date"]) for r in DeltaTable(str(lake / "model_evaluation")).to_pyarrow_table().to_pylist()}
    assert cutoffs == {"2025-08-31", "2025-09-30"}, cutoffs  # the latest at T - 90 days, and the month before
    report = (reports / f"accuracy-report-{WEEKLY_T}.html").read_text()
    assert "data-chart=\"roc\"" in report and "2025-09-30" in report
    for notebook in ("health_overview", "churn_model_review"):
        text = (reports / f"{notebook}-{WEEKLY_T}.html").read_text()
        assert "<html" in text and "Traceback" not in text, notebook
    assert "2025-09-30" in (reports / f"churn_model_review-{WEEKLY_T}.html").read_text()  # the evaluated cutoff
