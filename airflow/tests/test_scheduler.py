"""The DAGs under the real Airflow scheduler, as a deployment runs them: the API server, the
scheduler with the LocalExecutor and the DAG processor as separate processes on the shared
Airflow home, the DAGs folder holding healthscore_dags.py beside two neighbour DAGs
(neighbour_dags/): a warehouse load and a BI extract refresh. Every healthscore task is a real
spark-submit of the jar. In order, as an operator lives it:

- first deploy, with a mistake in Variable healthscore_warehouse: the scheduler queues one run,
  for the latest day (catchup off), not the history; it fails at once with exit 2 (bad input,
  no retry), the task log's last line says why, the failure notifier fires, and its deadline
  (the end of T, for the test) has passed, so the deadline alert fires too;
- the Variable fixed, a 3-day `airflow backfill create` runs the dates in order, one at a time;
- the warehouse load's asset events start the nightly run for the day they loaded, and its
  publish of account_health starts the BI refresh."""
from __future__ import annotations

import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from alert_capture import read
from dag_support import DAGS, TESTS
from deltalake import DeltaTable

AIRFLOW = str(Path(sys.executable).parent / "airflow")
BACKFILL = (dt.date(2024, 6, 27), dt.date(2024, 6, 29))  # the days T backfilled
LOADED_THROUGH = dt.date(2024, 6, 25)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def airflow(*args: str, env: dict, timeout: int = 120) -> str:
    """An `airflow` CLI command; retried when SQLite is busy with the scheduler."""
    for attempt in range(5):
        done = subprocess.run([AIRFLOW, *args], env=env, capture_output=True, text=True, timeout=timeout)
        if done.returncode == 0:
            return done.stdout
        if "database is locked" not in done.stderr:
            break
        time.sleep(2)
    raise AssertionError(f"airflow {' '.join(args)} exited {done.returncode}:\n{done.stderr[-3000:]}")


def dag_runs(dag_id: str) -> list:
    from airflow import settings
    from airflow.models import DagRun
    with settings.Session() as session:
        runs = session.query(DagRun).filter(DagRun.dag_id == dag_id).all()
        for run in runs:
            session.expunge(run)
        return runs


def wait_for(what: str, check, services, timeout: float = 420):
    """Polls check() until it returns something truthy; on time-out shows the scheduler log's tail."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        for name, proc in services["procs"].items():
            assert proc.poll() is None, f"airflow {name} exited {proc.returncode}:\n" + tail(services["home"] / f"{name}.log")
        time.sleep(3)
    raise AssertionError(f"timed out waiting for {what}\n" + tail(services["home"] / "scheduler.log"))


def tail(path: Path, lines: int = 60) -> str:
    return "".join(path.read_text(errors="replace").splitlines(True)[-lines:]) if path.exists() else ""


@pytest.fixture(scope="module")
def services(deployment, nightly_run, airflow_home, tmp_path_factory, record_timing):
    """api-server, scheduler and dag-processor on the shared home, with the deployment's
    Variables; nightly scheduled on its daily clock or on the warehouse assets."""
    dags = tmp_path_factory.mktemp("deployed_dags")
    (dags / "healthscore_dags.py").symlink_to(DAGS / "healthscore_dags.py")
    (dags / "healthscore_neighbours.py").symlink_to(TESTS / "neighbour_dags" / "healthscore_neighbours.py")
    port = free_port()
    env = {**{k: v for k, v in os.environ.items() if k != "AIRFLOW_VAR_HEALTHSCORE_WAREHOUSE"},
           "AIRFLOW__CORE__DAGS_FOLDER": str(dags),
           "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
           "AIRFLOW__CORE__PARALLELISM": "2",
           "AIRFLOW__API__PORT": str(port),
           "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port()),
           "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{port}/execution/",
           "AIRFLOW__API_AUTH__JWT_SECRET": "healthscore-tests-only",
           "AIRFLOW__API__SECRET_KEY": "healthscore-tests-only",
           "AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC": "1",
           "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
           "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(airflow_home / "task_logs"),
           # scheduled on the warehouse loads, or on the clock: once a year, so not during the test
           "AIRFLOW_VAR_HEALTHSCORE_NIGHTLY_TRIGGER": "time_or_assets",
           "AIRFLOW_VAR_HEALTHSCORE_START_DATE": "2024-01-01",
           # the end of T: a deadline the first scheduled run (started after 02:00 the next day) has missed
           "AIRFLOW_VAR_HEALTHSCORE_DEADLINE_HOURS": "24",
           "HEALTHSCORE_CONSUMER_FILE": str(airflow_home / "bi_refresh.jsonl")}
    # the deployment's mistake: a warehouse path that does not exist (fixed in a test below)
    airflow("variables", "set", "healthscore_warehouse", "/nonexistent/warehouse", env=env)
    procs = {}
    started = time.monotonic()
    for name, args in {"api-server": ["api-server", "--port", str(port)], "scheduler": ["scheduler"],
                       "dag-processor": ["dag-processor"]}.items():
        with open(airflow_home / f"{name}.log", "w") as log:
            procs[name] = subprocess.Popen([AIRFLOW, *args], env=env, stdout=log, stderr=subprocess.STDOUT,
                                           start_new_session=True)
    svc = {"env": env, "procs": procs, "home": airflow_home, **deployment}
    try:
        wanted = {"healthscore_nightly", "warehouse_load", "bi_extract_refresh"}
        wait_for("the DAG processor to parse the DAGs", lambda: wanted <= parsed_dag_ids(), svc, timeout=240)
        for dag_id in sorted(wanted):  # deploying = unpausing (dag.test above registered nightly paused)
            airflow("dags", "unpause", dag_id, env=env)
        record_timing("airflow services up, DAGs parsed", time.monotonic() - started)
        yield svc
    finally:
        for name, proc in procs.items():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for name, proc in procs.items():
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


def parsed_dag_ids() -> set[str]:
    from airflow import settings
    from airflow.models import DagModel
    with settings.Session() as session:
        return {d.dag_id for d in session.query(DagModel).filter(DagModel.is_stale.is_(False))}


def health_dates(lake: Path) -> set[dt.date]:
    return {r["as_of_date"] for r in DeltaTable(str(lake / "account_health")).to_pyarrow_table()
            .select(["as_of_date"]).to_pylist()}


def test_first_deploy_schedules_only_the_latest_day_and_alerts_on_its_failure(services):
    # catchup is off: with the start date 2024-01-01, a fresh deployment's scheduler creates one
    # run, for the latest complete day, not ~1,000 for the history
    now = dt.datetime.now(dt.timezone.utc)
    latest = (now - dt.timedelta(hours=2)).date() - dt.timedelta(days=1)  # the day whose 02:00 run is due

    def finished():
        runs = [r for r in dag_runs("healthscore_nightly") if r.run_type == "scheduled"]
        return runs if runs and all(r.state in ("success", "failed") for r in runs) else None

    (run,) = wait_for("the first scheduled run", finished, services, timeout=300)
    assert run.logical_date.date() == latest
    # bad input (the warehouse Variable names no directory): nightly exits 2 before Spark
    # starts and fails at once, no retry
    assert run.state == "failed"
    from airflow import settings
    from airflow.models import TaskInstance
    with settings.Session() as session:
        (ti,) = session.query(TaskInstance).filter(TaskInstance.run_id == run.run_id).all()
        assert (ti.task_id, ti.state, ti.try_number) == ("nightly", "failed", 1)
    # the task log's last line from the task says why (then Airflow's own "Task failed ...")
    log = services["home"] / "task_logs" / "dag_id=healthscore_nightly" / f"run_id={run.run_id}" / "task_id=nightly" / "attempt=1.log"
    events = [json.loads(line).get("event", "") for line in log.read_text().splitlines() if line.startswith("{")]
    last = events[events.index("Task failed with exception") - 1]
    assert last.startswith("healthscore nightly exited 2 (bad input, configuration or arguments): healthscore nightly: "), events[-8:]
    assert "/nonexistent/warehouse" in last, last

    # both alerts fired: the failure notifier, and the deadline (the end of T) that has passed
    alerts_file = os.environ["HEALTHSCORE_ALERTS_FILE"]

    def alerted():
        messages = [a["message"] for a in read(alerts_file)]
        failure = [m for m in messages if "healthscore_nightly.nightly failed" in m and run.run_id in m]
        deadline = [m for m in messages if f"healthscore_nightly for {latest} has not succeeded by" in m]
        return (failure, deadline) if failure and deadline else None

    failure, deadline = wait_for("the failure and deadline alerts", alerted, services, timeout=180)
    assert "healthscore nightly exited 2 (bad input, configuration or arguments)" in failure[0], failure
    assert run.run_id in deadline[0]
    time.sleep(5)  # a few more scheduler loops: still that one run
    assert [r.run_id for r in dag_runs("healthscore_nightly") if r.run_type == "scheduled"] == [run.run_id]
    # the operator fixes the Variable
    airflow("variables", "set", "healthscore_warehouse", str(services["warehouse"]), env=services["env"])


def test_backfill_of_three_days_runs_them_in_order_one_at_a_time(services, record_timing):
    started = time.monotonic()
    # the documented command (docs/airflow.md): the run of T has the logical date T 02:00, so
    # --to-date is the day after the last T
    airflow("backfill", "create", "--dag-id", "healthscore_nightly", "--from-date", str(BACKFILL[0]),
            "--to-date", str(BACKFILL[1] + dt.timedelta(days=1)), "--max-active-runs", "1", env=services["env"])

    def finished():
        runs = [r for r in dag_runs("healthscore_nightly") if r.run_type == "backfill"]
        return runs if len(runs) == 3 and all(r.state in ("success", "failed") for r in runs) else None

    runs = sorted(wait_for("the backfill", finished, services, timeout=900), key=lambda r: r.logical_date)
    record_timing("backfill of 3 days under the scheduler (3 spark-submits)", time.monotonic() - started)
    assert [(r.logical_date.date(), r.state) for r in runs] == [
        (BACKFILL[0], "success"), (BACKFILL[0] + dt.timedelta(days=1), "success"), (BACKFILL[1], "success")]
    # in order and never two at once: each run started after the one before ended
    for before, after in zip(runs, runs[1:]):
        assert after.start_date >= before.end_date, (before.run_id, before.end_date, after.run_id, after.start_date)
    assert {BACKFILL[0], BACKFILL[0] + dt.timedelta(days=1), BACKFILL[1]} <= health_dates(services["lake"])
    # backfilled dates are past their deadline from the start: they do not alert
    assert not [a for a in read(os.environ["HEALTHSCORE_ALERTS_FILE"]) if "backfill__" in a["message"]]


def test_warehouse_load_triggers_nightly_and_its_publish_triggers_the_bi_refresh(services, record_timing):
    started = time.monotonic()
    airflow("dags", "trigger", "warehouse_load", "--run-id", "load_through", "--conf",
            json.dumps({"as_of": str(LOADED_THROUGH)}), env=services["env"])

    def nightly_by_assets():
        runs = [r for r in dag_runs("healthscore_nightly") if r.run_type == "asset_triggered"]
        return runs if runs and all(r.state in ("success", "failed") for r in runs) else None

    (run,) = wait_for("the asset-triggered nightly run", nightly_by_assets, services, timeout=600)
    assert run.state == "success", run.state
    assert LOADED_THROUGH in health_dates(services["lake"])  # T from the load events' as_of

    consumer = Path(os.environ["AIRFLOW_HOME"]) / "bi_refresh.jsonl"

    def refreshed():  # a refresh run that saw this run's publish has finished
        seen = consumer.exists() and run.run_id in consumer.read_text()
        return seen and not [r for r in dag_runs("bi_extract_refresh") if r.state not in ("success", "failed")]

    wait_for("the BI refresh", refreshed, services, timeout=180)
    record_timing("warehouse load -> nightly -> BI refresh under the scheduler", time.monotonic() - started)
    # every publish of account_health reaches the refresh, with the date it published (the
    # backfilled dates too); the asset-triggered run's publish is among them
    events = [json.loads(line) for line in consumer.read_text().splitlines()]
    assert [(e["asset"], e["source_dag_id"], e["extra"]) for e in events if e["source_run_id"] == run.run_id] == [
        ("healthscore_account_health", "healthscore_nightly", {"as_of": str(LOADED_THROUGH)})]
    assert {e["extra"]["as_of"] for e in events} <= {str(LOADED_THROUGH), *(str(BACKFILL[0] + dt.timedelta(days=i))
                                                                           for i in range(3))}
