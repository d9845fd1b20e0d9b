"""The analyst notebooks run headless, as CI runs them: the lake of the README's demo (made
by the real commands), both notebooks executed with papermill (a failing cell, including a failed
invariant, fails the test), then rendered to HTML with nbconvert into notebooks/out/."""
from __future__ import annotations

import datetime as dt
import json
import re
import time
from pathlib import Path

import nbformat
import papermill
import pytest
from deltalake import DeltaTable
from nbconvert import HTMLExporter

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
OUT = NOTEBOOKS / "out"  # gitignored; the rendered notebooks are the test's artifacts
NOTEBOOK_FILES = ("health_overview.ipynb", "churn_model_review.ipynb")


@pytest.fixture(scope="module")
def demo_lake(readme_demo) -> Path:
    """The lake of the README's `bin/healthscore demo` (conftest.py; run once per session):
    nightly at four dates, two trainings, evaluate and report. It is also the notebooks'
    default `lake` parameter, so the tests read what a new user's notebook reads."""
    return readme_demo.lake


def run_notebook(name: str, parameters: dict, tag: str, record_timing, hide_code: bool = False) -> tuple[nbformat.NotebookNode, str]:
    """Executes notebooks/<name> with papermill in a fresh kernel (the venv's python3; the
    kernel spec's `python` is the interpreter running the tests), writes the executed notebook
    and its HTML rendering to notebooks/out/, and returns both."""
    OUT.mkdir(exist_ok=True)
    stem = f"{Path(name).stem}-{tag}"
    executed = OUT / f"{stem}.ipynb"
    started = time.monotonic()
    papermill.execute_notebook(str(NOTEBOOKS / name), str(executed), parameters=parameters, kernel_name="python3",
                               cwd=str(NOTEBOOKS), progress_bar=False, log_output=False, execution_timeout=300)
    record_timing(f"papermill {name} ({tag})", time.monotonic() - started)
    nb = nbformat.read(executed, as_version=4)
    html, _ = HTMLExporter(exclude_input=hide_code, exclude_input_prompt=True, exclude_output_prompt=True).from_notebook_node(nb)
    (OUT / f"{stem}.html").write_text(html)
    print(f"\nrendered {OUT / f'{stem}.html'}")
    return nb, html


def images(html: str) -> int:
    return len(re.findall(r'<img [^>]*src="data:image/png;base64,', html))


def outputs_text(nb) -> str:
    """All text and HTML the code cells displayed (for checking numbers shown)."""
    parts = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            parts.append(o.get("text", ""))
            for mime in ("text/plain", "text/markdown", "text/html"):
                parts.append(o.get("data", {}).get(mime, ""))
    return "\n".join(parts)


def assert_no_errors(nb):
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            assert o.get("output_type") != "error", f"cell {cell.get('id')} failed: {o.get('ename')}: {o.get('evalue')}"
            assert o.get("name") != "stderr", f"cell {cell.get('id')} wrote to stderr:\n{o.get('text')}"


def health_dates(lake: Path) -> list[dt.date]:
    return sorted({dt.date.fromisoformat(p["as_of_date"]) for p in DeltaTable(str(lake / "account_health")).partitions()})


def test_health_overview_latest(demo_lake, record_timing):
    nb, html = run_notebook("health_overview.ipynb", {"lake": str(demo_lake), "as_of": None}, "latest", record_timing)
    assert_no_errors(nb)
    day = health_dates(demo_lake)[-1]
    health = DeltaTable(str(demo_lake / "account_health")).to_pandas(filters=[("as_of_date", "=", day)])
    text = outputs_text(nb)
    assert f"{len(health):,} active accounts on {day}" in text  # the notebook read the latest date, all of it
    for heading in ("Score distribution", "Band movement over time", "Where accounts moved since their previous run",
                    "By segment, region and CSM", "Accounts needing attention", "Alerts", "Overrides in force",
                    "Opportunities", "Rollup by segment"):
        assert f">{heading}" in html, heading  # headings may go on, e.g. "(as BI dashboards see it)"
    # overrides: every override in force that day is counted (the sample world sets some)
    in_force = health[health["override_band"].notna() | health["override_score"].notna()]
    assert (f"**{len(in_force):,}** overrides in force on {day}" in text) if len(in_force) else (f"No override in force on {day}" in text)
    # opportunities: each signal's count as account_opportunities has it
    opportunities = DeltaTable(str(demo_lake / "account_opportunities")).to_pandas(filters=[("as_of_date", "=", day)])
    for signal, rows in opportunities.groupby("signal"):
        assert f"**{signal}**: the largest {min(len(rows), 25)} of {len(rows):,} by ARR" in text, signal
    assert "Backtest at " in text  # the demo evaluates, so the expansion backtest is shown
    # the attention list: every red / high-risk account is counted
    band = health["effective_band"] if "effective_band" in health else health["health_band"]  # overrides: the band acted on
    needing = health[(band == "red") | (health["churn_risk_band"] == "high")]
    count = int(re.search(r"\*\*([\d,]+)\*\* of [\d,]+ accounts need attention", text).group(1).replace(",", ""))
    assert count >= len(needing) > 0
    # one attention count: the notebook's list is health_by_segment's accounts_needing_attention (and account_worklist's rows)
    if (demo_lake / "health_by_segment").exists():
        total = DeltaTable(str(demo_lake / "health_by_segment")).to_pandas(filters=[("as_of_date", "=", day)])
        assert count == int(total[total["breakdown"] == "total"]["accounts_needing_attention"].iloc[0])
    if (demo_lake / "account_worklist").exists():
        assert count == len(DeltaTable(str(demo_lake / "account_worklist")).to_pandas(filters=[("as_of_date", "=", day)]))
    assert "churn model m" in text  # the model scored this date (demo trains before T)
    figures = 4  # histogram, bands over time, transition matrix, ARR by segment/region/CSM
    for t, shown in (("health_alerts", "Alerts on "), ("health_by_segment", ">accounts_red<")):
        if (demo_lake / t).exists():
            figures += t == "health_alerts"
            assert shown in html, t
        else:
            assert f"{t} is not in this lake" in html, t
    assert images(html) >= figures


def test_health_overview_first_date(demo_lake, record_timing):
    """The first nightly run: no earlier run (every account is 'new'), no model yet."""
    first = health_dates(demo_lake)[0]
    nb, html = run_notebook("health_overview.ipynb", {"lake": str(demo_lake), "as_of": str(first)}, "first", record_timing)
    assert_no_errors(nb)
    text = outputs_text(nb)
    assert f"active accounts on {first}" in text and "no churn model trained yet" in text
    assert images(html) >= 4


def test_health_overview_unknown_date_fails(demo_lake, tmp_path):
    """A date without a nightly run stops the notebook with a message listing the dates."""
    with pytest.raises(papermill.PapermillExecutionError, match="no nightly run for 1999-01-01"):
        papermill.execute_notebook(str(NOTEBOOKS / "health_overview.ipynb"), str(tmp_path / "out.ipynb"),
                                   parameters={"lake": str(demo_lake), "as_of": "1999-01-01"}, kernel_name="python3",
                                   cwd=str(NOTEBOOKS), progress_bar=False)


def test_churn_model_review(demo_lake, record_timing):
    nb, html = run_notebook("churn_model_review.ipynb", {"lake": str(demo_lake), "cutoff": None}, "latest", record_timing,
                            hide_code=True)
    assert_no_errors(nb)
    evaluation = DeltaTable(str(demo_lake / "model_evaluation")).to_pandas()
    cut = max(evaluation["cutoff_date"])
    at_cut = evaluation[evaluation["cutoff_date"] == cut]
    accounts, churners = int(at_cut["accounts"].iloc[0]), int(at_cut["churners"].iloc[0])
    text = outputs_text(nb)
    assert f"Cutoff {cut}**: {accounts:,} active accounts, of which {churners:,}" in text
    auc = at_cut[(at_cut["model"] == "churn_model") & (at_cut["metric"] == "auc")].iloc[0]
    assert f"churn model: AUC {auc['value']:.3f} (95% CI {auc['ci_low']:.3f}–{auc['ci_high']:.3f})" in text
    for heading in ("Headline", "Accuracy over time", "Input drift", "Gains and lift", "Calibration", "Churn rate per band",
                    "Strongest churn signals of the current model", "Model registry history", "All metrics at the cutoff"):
        assert f">{heading}" in html, heading  # headings may go on, e.g. "(as BI dashboards see it)"
    registry = DeltaTable(str(demo_lake / "churn_models")).to_pandas()
    assert len(registry) == 2  # the demo trains twice
    for version in registry["version"]:
        assert version in html
    # input drift: the latest night's statistics counted as the report counts them (a KS p-value's alert goes with its D)
    drift = DeltaTable(str(demo_lake / "feature_drift")).to_pandas()
    latest = max(drift["as_of_date"])
    tonight = drift[drift["as_of_date"] == latest]
    alerts = ((tonight["status"] == "alert") & (tonight["statistic"] != "ks_p_value")).sum()
    assert f"**{latest}**: {len(tonight):,} drift statistics, **{alerts}** in alert" in text
    psi_vs_training = ((drift["statistic"] == "psi") & drift["reference"].str.startswith("training")).any()
    assert psi_vs_training  # the demo trains before its last nightly runs, so they compare with a training profile
    assert images(html) >= 7  # accuracy, input drift, gains + lift, calibration, bands, signals, registry
    assert "def " not in html  # leadership's rendering shows no code


def test_churn_model_review_earlier_cutoff(demo_lake, record_timing):
    evaluation = DeltaTable(str(demo_lake / "model_evaluation")).to_pandas(columns=["cutoff_date"])
    first = min(evaluation["cutoff_date"])
    nb, html = run_notebook("churn_model_review.ipynb", {"lake": str(demo_lake), "cutoff": str(first)}, "first-cutoff",
                            record_timing, hide_code=True)
    assert_no_errors(nb)
    text = outputs_text(nb)
    assert f"Cutoff {first}**" in text and f"cutoffs {first}; looking at {first}" in text  # later cutoffs left out
    assert images(html) >= 6


@pytest.mark.parametrize("name", NOTEBOOK_FILES)
def test_committed_notebook_is_clean(name):
    """Committed without outputs (small diffs), with a papermill parameters cell, and with no
    dates or lake paths in the code beyond the parameter defaults."""
    nb = json.loads((NOTEBOOKS / name).read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in code)
    params = [c for c in code if "parameters" in c["metadata"].get("tags", [])]
    assert len(params) == 1 and params[0] is code[0]
    for c in code[1:]:
        source = "".join(c["source"])
        assert not re.search(r"\d{4}-\d{2}-\d{2}", source), f"a date in cell {c['id']}"
        assert "demo/lake" not in source and "/tmp" not in source, f"a path in cell {c['id']}"
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
