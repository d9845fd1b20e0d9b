"""healthscore on a real Spark standalone cluster: a master and one worker started from
the pyspark distribution on 127.0.0.1, `spark-submit` of the packaged jar to it, proof from
the event log and the worker that the tasks ran in a separate executor JVM, and the same
account_health as a local-mode run of the same date."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from lake_rows import AS_OF, VOLATILE, delta_rows

SPARK_CLASS = Path(__import__("pyspark").__file__).parent / "bin" / "spark-class"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get_json(url: str):
    with urllib.request.urlopen(url, timeout=5) as r:
        return json.load(r)


def wait_for(what: str, check, timeout: float, procs):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for p in procs:
            if p.poll() is not None:
                raise AssertionError(f"{what}: {p.args[1:3]} exited with {p.returncode}")
        try:
            if check():
                return
        except OSError:
            pass  # not listening yet
        time.sleep(1)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def stop(procs):
    """Each daemon runs in its own process group (start_new_session): TERM it, then KILL."""
    for p in procs:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGTERM)
    for p in procs:
        try:
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait(timeout=30)


@pytest.fixture(scope="module")
def cluster(spark_env, tmp_path_factory, record_timing):
    """A standalone master and one worker (1 core, 2 GiB); stopped after the module, also on failure."""
    work = tmp_path_factory.mktemp("cluster")
    port, ui, worker_ui = free_port(), free_port(), free_port()
    procs = []
    started = time.monotonic()
    try:
        def daemon(name, *args):
            log = open(work / f"{name}.log", "w")
            procs.append(subprocess.Popen([str(SPARK_CLASS), *args], env=spark_env, cwd=work, stdout=log,
                                          stderr=subprocess.STDOUT, start_new_session=True))
        daemon("master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", str(port),
               "--webui-port", str(ui))
        master_json = f"http://127.0.0.1:{ui}/json/"
        wait_for("the master", lambda: get_json(master_json)["status"] == "ALIVE", 120, procs)
        daemon("worker", "org.apache.spark.deploy.worker.Worker", f"spark://127.0.0.1:{port}", "--host", "127.0.0.1",
               "--port", str(free_port()), "--webui-port", str(worker_ui), "--cores", "1", "--memory", "2g",
               "--work-dir", str(work / "worker"))
        wait_for("the worker to register", lambda: get_json(master_json)["aliveworkers"] == 1, 120, procs)
        record_timing("start standalone master + worker", time.monotonic() - started)
        yield {"url": f"spark://127.0.0.1:{port}", "master_json": master_json,
               "worker_json": f"http://127.0.0.1:{worker_ui}/json/", "work": work}
    finally:
        stop(procs)


def events(event_log_dir: Path) -> list[dict]:
    """The application's event log: one JSON event a line, in one file or (Spark 4's
    default) rolled over events_<n>_<app> files in an eventlog_v2_<app> directory."""
    (log,) = [p for p in event_log_dir.iterdir() if not p.name.startswith(".")]
    files = sorted(log.glob("events_*"), key=lambda f: int(f.name.split("_")[1])) if log.is_dir() else [log]
    return [json.loads(line) for f in files for line in f.read_text().splitlines()]


def test_nightly_on_standalone_cluster_matches_local_mode(cluster, submit, small_warehouse, local_lake,
                                                          tmp_path, record_timing):
    lake, event_log = tmp_path / "lake", tmp_path / "events"
    event_log.mkdir()
    took = submit(cluster["url"], "nightly", "--warehouse", str(small_warehouse), "--lake", str(lake),
                  "--as-of", AS_OF, log=tmp_path / "nightly-cluster.log",
                  conf={"spark.app.name": "healthscore-nightly-on-cluster", "spark.executor.memory": "1g",
                        "spark.cores.max": "1",
                        "spark.eventLog.enabled": "true", "spark.eventLog.dir": event_log.as_uri(),
                        "spark.eventLog.compress": "false"})
    record_timing(f"spark-submit nightly on the standalone cluster ({cluster['url']})", took)

    # The master ran our application to completion ...
    apps = get_json(cluster["master_json"])["completedapps"]
    assert [(a["name"], a["state"]) for a in apps] == [("healthscore-nightly-on-cluster", "FINISHED")]
    app_id = apps[0]["id"]
    # ... the worker launched an executor process for it (its own JVM, its own log dir) ...
    # (the worker reports the executor finished shortly after the master reports the app: wait a little)
    deadline = time.monotonic() + 30
    worker = get_json(cluster["worker_json"])
    while not worker["finishedexecutors"] and time.monotonic() < deadline:
        time.sleep(0.5)
        worker = get_json(cluster["worker_json"])
    assert [e["appid"] for e in worker["finishedexecutors"]] == [app_id]
    executor_dir = cluster["work"] / "worker" / app_id / str(worker["finishedexecutors"][0]["id"])
    assert "CoarseGrainedExecutorBackend" in (executor_dir / "stderr").read_text()
    # ... and every task of the run ran on that executor, none in the driver.
    ev = events(event_log)
    (start,) = [e for e in ev if e["Event"] == "SparkListenerApplicationStart"]
    assert start["App ID"] == app_id
    added = [e["Executor ID"] for e in ev if e["Event"] == "SparkListenerExecutorAdded"]
    task_executors = {e["Task Info"]["Executor ID"] for e in ev if e["Event"] == "SparkListenerTaskEnd"}
    assert added == ["0"] and task_executors == {"0"}
    assert sum(e["Event"] == "SparkListenerTaskEnd" for e in ev) > 50

    # Same rows as the local-mode run of the same date, apart from run id and time.
    for table in ("account_health", "account_features"):
        cluster_rows = delta_rows(lake / table, drop=VOLATILE)
        local_rows = delta_rows(local_lake / table, drop=VOLATILE)
        assert len(cluster_rows) == len(local_rows) > 0
        assert {r["as_of_date"].isoformat() for r in cluster_rows} == {AS_OF}
        assert cluster_rows == local_rows, table
