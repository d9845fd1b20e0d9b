"""The DAGs under real Airflow 3: they import, have the right shape, the nightly DAG really
runs spark-submit of the packaged jar for one date, and its quality gate really fails the
run when too much input was quarantined."""
from __future__ import annotations

import datetime as dt
import json

import pyarrow.compute as pc
import pyarrow.parquet as pq
from dag_support import RUN_DATE, dagbag
from deltalake import DeltaTable

T = RUN_DATE.date()


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


def test_nightly_dag_shape(airflow_home):
    dag = dagbag().get_dag("healthscore_nightly")
    assert [t.task_id for t in dag.topological_sort()] == ["validate_inputs", "nightly", "quality_gate"]
    assert dag.get_task("nightly").upstream_task_ids == {"validate_inputs"}
    assert dag.get_task("quality_gate").upstream_task_ids == {"nightly"}
    assert dag.catchup is True
    assert dag.max_active_runs == 1
    # one run per UTC day T, {{ ds }} = T, starting at 02:00 after T ended; catchup from the start date
    runs = scheduled_runs(dag, 3)
    assert [r.logical_date.date() for r in runs] == [dt.date(2024, 1, 1), dt.date(2024, 1, 2), dt.date(2024, 1, 3)]
    assert all(r.run_after == r.logical_date + dt.timedelta(days=1) for r in runs)
    assert all(r.run_after.hour == 2 and r.run_after.tzinfo.utcoffset(r.run_after) == dt.timedelta(0) for r in runs)
    for task in dag.tasks:
        assert task._conn_id == "healthscore_spark"  # private in the provider
        assert task._java_class == "dev.healthscore.jobs.cli.Main"
        assert "var.value.get('healthscore_jar')" in task.application
        assert task.execution_timeout == dt.timedelta(hours=3)
    nightly = dag.get_task("nightly")
    assert nightly.retries == 2 and nightly.retry_exponential_backoff == 2.0
    assert nightly.retry_delay == dt.timedelta(minutes=5) and nightly.max_retry_delay == dt.timedelta(minutes=30)
    assert dag.get_task("quality_gate").retries == 0  # a failed gate is a finding, not a flake
    assert nightly.application_args[:2] == ["nightly", "--warehouse"]
    assert "{{ ds }}" in nightly.application_args
    gate_args = " ".join(dag.get_task("quality_gate").application_args)
    for limit in ("max_quarantine_share", "max_account_drop", "max_input_drop"):
        assert f"params.{limit}" in gate_args and f"healthscore_{limit}" in gate_args
        assert limit in dag.params


def test_weekly_dag_shape(airflow_home):
    dag = dagbag().get_dag("healthscore_weekly_train")
    assert [t.task_id for t in dag.topological_sort()] == ["train", "evaluate"]
    assert dag.get_task("evaluate").upstream_task_ids == {"train"}
    assert dag.catchup is False
    assert dag.max_active_runs == 1
    # Sundays 04:00 UTC, as of the Saturday before (the last complete day)
    (first,) = scheduled_runs(dag, 1)
    assert first.run_after == dt.datetime(2024, 1, 14, 4, tzinfo=dt.timezone.utc)
    env = dag.get_template_env()
    from airflow.sdk.execution_time import macros
    for name in ("train", "evaluate"):
        args = dag.get_task(name).application_args
        assert args[:2] == [name, "--warehouse"] and "--lake" in args
        as_of = args[args.index("--as-of") + 1]
        assert env.from_string(as_of).render(data_interval_end=first.data_interval.end, macros=macros) == "2024-01-13"


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
    assert {ti.task_id: ti.state for ti in run.get_task_instances()} == {
        "validate_inputs": "success", "nightly": "success", "quality_gate": "success"}
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
    assert [r["command"] for r in runs] == ["nightly"]
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


def test_quality_gate_fails_the_run_when_quarantine_is_over_the_limit(nightly_run, capfd):
    # Same date and lake as the real run above; a tiny limit given as a run param. The two
    # upstream tasks are marked success instead of re-running (the run above ran them), so
    # only the gate's spark-submit runs, against what the real nightly run wrote.
    dag = dagbag().get_dag("healthscore_nightly")
    run = dag.test(logical_date=RUN_DATE, run_conf={"max_quarantine_share": 0.00001},
                   mark_success_pattern="^(validate_inputs|nightly)$")
    assert run.state == "failed", run.state
    assert {ti.task_id: ti.state for ti in run.get_task_instances()} == {
        "validate_inputs": "success", "nightly": "success", "quality_gate": "failed"}
    log = capfd.readouterr().out
    assert "--max-quarantine-share=1e-05" in log
    assert "FAIL quarantine: 2 of" in log and "limit 0.001%" in log
    # a failed gate changes nothing: account_health for T is still there
    health = DeltaTable(str(nightly_run["lake"] / "account_health")).to_pyarrow_table()
    assert health.num_rows == len(active_accounts_at(nightly_run["warehouse"], T))
