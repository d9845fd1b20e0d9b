"""Run integrity with real `bin/healthscore` processes (docs/runs.md): relative paths, re-runs,
two runs at once, SIGKILL after every commit, Ctrl-C, a failing quality gate, bad arguments.
After each case the lake is read with delta-rs (not Spark) and checked against the rules:
every date-partitioned table holds, per date, the rows of exactly one run, and (once the
date's last run completed) that run is `succeeded` in `runs`."""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from deltalake import DeltaTable

ROOT = Path(__file__).resolve().parent.parent
HEALTHSCORE = str(ROOT / "bin" / "healthscore")
DAY = "2024-08-31"      # inside the shared world (2024-01-01 .. 2024-09-01)
OTHER_DAY = "2024-07-31"
DATED = ("account_features", "account_health", "health_alerts", "health_by_segment", "account_hierarchy_health",
         "churn_forecast", "account_worklist", "account_opportunities", "feature_drift")
# may have no rows for a date: no alert, nobody needing attention, no model trained yet (no forecast), no signal
MAY_BE_EMPTY = ("health_alerts", "account_worklist", "churn_forecast", "account_opportunities")


def as_at_a_terminal():
    """A command typed at a terminal gets Ctrl-C. pytest may itself run with SIGINT ignored (a
    background job of a script, as in bin/check), and children inherit that; a JVM started so
    keeps ignoring it, as POSIX asks of background jobs."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def as_a_background_job():
    """As `nohup cmd` or `cmd &` in a script start it: Ctrl-C does not reach it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def start(env, cwd, *args, extra_env=None, how=as_at_a_terminal):
    return subprocess.Popen([HEALTHSCORE, *args], cwd=cwd, env={**env, **(extra_env or {})}, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                            preexec_fn=how)


def finish(p, timeout=900):
    out, err = p.communicate(timeout=timeout)
    return p.returncode, out, err.strip()


def run(env, cwd, *args, extra_env=None, timeout=900):
    return finish(start(env, cwd, *args, extra_env=extra_env), timeout)


def nightly(env, cwd, lake, day, *more, **kw):
    return run(env, cwd, "nightly", "--warehouse", "wh", "--lake", lake, "--as-of", day, *more, **kw)


def rows(lake: Path, table: str) -> list[dict]:
    path = lake / table
    return DeltaTable(str(path)).to_pyarrow_table().to_pylist() if (path / "_delta_log").exists() else []


def runs(lake: Path) -> list[dict]:
    return sorted(rows(lake, "runs"), key=lambda r: r["started_at"])


def run_ids(lake: Path, table: str, day: str, **where) -> set[str]:
    return {r["run_id"] for r in rows(lake, table) if str(r["as_of_date"]) == day
            and all(r.get(k) == v for k, v in where.items())}


def assert_one_succeeded_run_per_date(lake: Path, day: str) -> str:
    """Rule 2: each dated table (and quarantine) holds the rows of one run for `day`, the latest succeeded one."""
    ledger = runs(lake)
    succeeded = [r for r in ledger if r["command"] == "nightly" and str(r["as_of_date"]) == day and r["status"] == "succeeded"]
    assert succeeded, ledger
    latest = max(succeeded, key=lambda r: r["ended_at"])["run_id"]
    for table in DATED:
        found = run_ids(lake, table, day)
        # every other table has a row per account or group
        assert found == {latest} or (table in MAY_BE_EMPTY and not found), (table, found, latest)
    quarantined = run_ids(lake, "quarantine", day, command="nightly")
    assert quarantined <= {latest}, quarantined
    assert not [r for r in ledger if r["status"] == "running"], ledger
    return latest


@pytest.fixture(scope="module")
def work(tmp_path_factory, small_warehouse):
    """A working directory with the shared world as `wh` plus a few bad rows, so quarantine has content."""
    root = tmp_path_factory.mktemp("integrity")
    shutil.copytree(small_warehouse, root / "wh")
    users = pq.read_table(next((root / "wh" / "usage_events").glob("*.parquet")))
    bad = users.slice(0, 3).to_pylist()
    bad[0]["account_id"] = "no-such-account"          # unknown_account
    bad[1]["duration_sec"] = -5.0                      # negative
    bad[2]["account_id"] = None                        # not_null
    nullable = pa.schema([f.with_nullable(True) for f in users.schema])
    pq.write_table(pa.Table.from_pylist(bad, schema=nullable), root / "wh" / "usage_events" / "part-bad-rows.parquet")
    return root


def test_relative_paths_rerun_replaces_the_date_and_its_quarantine(spark_env, work):
    lake = work / "lake-rerun"
    first = nightly(spark_env, work, "lake-rerun", DAY)
    assert first[0] == 0, first
    q1 = [r for r in rows(lake, "quarantine") if r["command"] == "nightly"]
    assert sorted(r["rule"] for r in q1) == ["negative", "not_null", "unknown_account"]
    second = nightly(spark_env, work, "./lake-rerun/", DAY)
    assert second[0] == 0, second
    latest = assert_one_succeeded_run_per_date(lake, DAY)
    q2 = [r for r in rows(lake, "quarantine") if r["command"] == "nightly"]
    assert len(q2) == 3 and {r["run_id"] for r in q2} == {latest}  # replaced, not piled up
    ledger = runs(lake)
    assert [r["status"] for r in ledger] == ["succeeded", "succeeded"]
    assert ledger[-1]["exit_code"] == 0 and ledger[-1]["input_rows"] and ledger[-1]["accounts"] > 0
    assert "account_health" == ledger[-1]["published_tables"][-1]  # published last


@pytest.mark.parametrize("args, message", [
    (["--as-of", "2030-01-01"], "--as-of 2030-01-01 is not a completed day"),
    (["--as-of", "2024-02-30"], "'2024-02-30' is not a date: write it as YYYY-MM-DD"),
    (["--lake", "a-file"], "is a file, not a directory"),
    (["--warehouse", "no-such-dir"], "no-such-dir does not exist"),
    (["--config", "typo.yaml"], "features.custom 'mobile_events_30d'.where: column 'feture' is not a column of usage_events"),
    (["--bogus"], "Unknown option: '--bogus' (see `bin/healthscore nightly --help`)"),
])
def test_bad_arguments_fail_before_spark_with_one_line(spark_env, work, args, message):
    (work / "a-file").write_text("not a lake")
    (work / "typo.yaml").write_text("features:\n  custom:\n    - {name: mobile_events_30d, source: usage_events, agg: count, "
                                    "where: \"feture = 'mobile'\", window_days: 30}\n")
    base = {"--warehouse": "wh", "--lake": "lake-bad", "--as-of": DAY}
    for k, v in zip(args[::2], args[1::2]):
        base[k] = v
    argv = [a for kv in base.items() for a in kv] + (args if len(args) == 1 else [])
    started = time.monotonic()
    code, out, err = run(spark_env, work, "nightly", *argv)
    assert code == 2, (code, err)
    assert len(err.splitlines()) == 1 and message in err, err
    assert "starting Spark" not in out and time.monotonic() - started < 30
    assert not (work / "lake-bad").exists()


def test_two_runs_of_one_date_and_another_date_at_once_on_a_fresh_lake(spark_env, work):
    lake = work / "lake-concurrent"
    a = start(spark_env, work, "nightly", "--warehouse", "wh", "--lake", "lake-concurrent", "--as-of", DAY)
    b = start(spark_env, work, "nightly", "--warehouse", "wh", "--lake", "lake-concurrent", "--as-of", DAY)
    c = start(spark_env, work, "nightly", "--warehouse", "wh", "--lake", "lake-concurrent", "--as-of", OTHER_DAY)
    results = [finish(p) for p in (a, b, c)]
    codes = sorted(r[0] for r in results[:2])
    assert codes == [0, 3], results
    refused = next(r for r in results[:2] if r[0] == 3)[2]
    assert len(refused.splitlines()) == 1 and f"'daily {DAY}' is held by run nightly-" in refused and "pid" in refused
    assert results[2][0] == 0, results[2]  # another date at the same time, first commits racing on a fresh lake
    assert_one_succeeded_run_per_date(lake, DAY)
    assert_one_succeeded_run_per_date(lake, OTHER_DAY)
    ledger = runs(lake)
    assert sorted(r["status"] for r in ledger) == ["failed", "succeeded", "succeeded"]
    held = next(r for r in ledger if r["status"] == "failed")
    assert held["exit_code"] == 3 and "is held by" in held["reason"]

    # --wait: the second run waits for the first and then runs (started once the first holds the date;
    # started together, either may take it first, and the one without --wait would then be refused)
    a = start(spark_env, work, "nightly", "--warehouse", "wh", "--lake", "lake-concurrent", "--as-of", DAY)
    deadline = time.monotonic() + 600
    while not any(r["status"] == "running" and str(r["as_of_date"]) == DAY for r in runs(lake)):
        assert a.poll() is None and time.monotonic() < deadline, "the first run never held the date"
        time.sleep(0.5)
    b = start(spark_env, work, "nightly", "--warehouse", "wh", "--lake", "lake-concurrent", "--as-of", DAY, "--wait", "900")
    assert [finish(p)[0] for p in (a, b)] == [0, 0]
    assert_one_succeeded_run_per_date(lake, DAY)


KILL_POINTS = ["lease", "gate", "account_features", "health_alerts", "account_health", "ledger"]


def test_sigkill_after_every_commit_leaves_a_lake_the_next_run_repairs(spark_env, work):
    """A chain of runs of one date, each SIGKILLed at the next point; each finds the one before
    dead and records it; a last clean run repairs the date."""
    lake = work / "lake-kill"
    assert nightly(spark_env, work, "lake-kill", DAY)[0] == 0
    before = assert_one_succeeded_run_per_date(lake, DAY)
    killed = []
    for point in KILL_POINTS:
        code, out, err = nightly(spark_env, work, "lake-kill", DAY, extra_env={"HEALTHSCORE_KILL_AFTER": point})
        assert code == -signal.SIGKILL, (point, code, err, out[-2000:])
        assert f"fault injection: SIGKILL after {point}" in out
        killed.append(re.search(r"run (\S+) holds", out).group(1))
        # readable by delta-rs, and account_health of the date is one run's (a published one)
        health = run_ids(lake, "account_health", DAY)
        assert len(health) == 1, (point, health)
        assert health <= {before, *killed}
    assert nightly(spark_env, work, "lake-kill", DAY)[0] == 0
    assert_one_succeeded_run_per_date(lake, DAY)
    status = {r["run_id"]: r for r in runs(lake)}
    for point, run_id in zip(KILL_POINTS, killed):
        expected = "succeeded" if point in ("account_health", "ledger") else "abandoned"
        assert status[run_id]["status"] == expected, (point, status[run_id])
        if point != "ledger":  # killed after recording its own success
            assert "ended" in status[run_id]["reason"] and "found by run" in status[run_id]["reason"] or \
                "recorded by run" in status[run_id]["reason"], status[run_id]["reason"]


def stop_once_running(p, lake, *signals):
    """Sends the signals to the command's process group once its run is in the ledger."""
    deadline = time.monotonic() + 600
    def running():
        try:
            return [r for r in runs(lake) if r["status"] == "running"]
        except Exception:  # the table is being created
            return []
    while time.monotonic() < deadline and not running():
        time.sleep(0.5)
    for s in signals:
        os.killpg(p.pid, s)  # to the whole process group, as a terminal's Ctrl-C reaches it
        time.sleep(2)
    return finish(p)


def test_ctrl_c_and_sigterm_record_the_run_as_failed(spark_env, work):
    lake = work / "lake-sigint"
    args = ("nightly", "--warehouse", "wh", "--lake", "lake-sigint", "--as-of", DAY)
    code, out, err = stop_once_running(start(spark_env, work, *args), lake, signal.SIGINT)
    assert code == 130, (code, err)
    assert err.splitlines()[-1] == "healthscore: stopped by SIGINT; the run is recorded as failed in the lake's runs table", err
    [row] = runs(lake)
    assert row["status"] == "failed" and row["exit_code"] == 130 and "stopped by SIGINT" in row["reason"], row
    # started as a background job: Ctrl-C is ignored, SIGTERM stops it and is recorded
    code, out, err = stop_once_running(start(spark_env, work, *args, how=as_a_background_job), lake,
                                       signal.SIGINT, signal.SIGTERM)
    assert code == 143, (code, err)
    assert err.splitlines()[-1] == "healthscore: stopped by SIGTERM; the run is recorded as failed in the lake's runs table", err
    [_, row] = runs(lake)
    assert row["status"] == "failed" and row["exit_code"] == 143 and "stopped by SIGTERM" in row["reason"], row
    assert nightly(spark_env, work, "lake-sigint", DAY)[0] == 0
    assert_one_succeeded_run_per_date(lake, DAY)


def test_empty_required_table_fails_the_gate_and_publishes_nothing(spark_env, work):
    wh = work / "wh-empty-usage"
    shutil.copytree(work / "wh", wh)
    schema = pq.read_schema(next((wh / "usage_events").glob("*.parquet")))
    shutil.rmtree(wh / "usage_events")
    (wh / "usage_events").mkdir()
    pq.write_table(schema.empty_table(), wh / "usage_events" / "part-0.parquet")
    lake = work / "lake-gate"
    assert run(spark_env, work, "nightly", "--warehouse", "wh", "--lake", "lake-gate", "--as-of", OTHER_DAY)[0] == 0
    code, out, err = run(spark_env, work, "nightly", "--warehouse", "wh-empty-usage", "--lake", "lake-gate", "--as-of", DAY)
    assert code == 4, (code, err)
    assert len(err.splitlines()) == 1 and "quality gate failed for " + DAY + ", nothing published: FAIL empty required table usage_events" in err
    for table in DATED:
        assert run_ids(lake, table, DAY) == set(), table
    failed = runs(lake)[-1]
    assert (failed["status"], failed["exit_code"]) == ("failed", 4) and dict(failed["input_rows"])["usage_events"] == 0
    assert failed["published_tables"] == []

    code, out, err = run(spark_env, work, "nightly", "--warehouse", "wh-empty-usage", "--lake", "lake-gate", "--as-of", DAY,
                         "--skip-gate")
    assert code == 0, err
    assert runs(lake)[-1]["skip_gate"] is True
    assert_one_succeeded_run_per_date(lake, DAY)
