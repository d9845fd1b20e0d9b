"""The README's first command, exactly as printed, from the clone's root with its default
(relative) output folder: what a new user types first. (The second, `bin/check`, is what runs
this file.) The `readme_demo` fixture (conftest.py) runs it; this test checks what the README
promises: the lake's tables, the report, the headline lines."""
from __future__ import annotations

import re

from deltalake import DeltaTable


def test_readme_demo_verbatim(readme_demo):
    assert readme_demo.command == "bin/healthscore demo"
    done = readme_demo.done
    assert done.returncode == 0, done.stderr[-3000:] + done.stdout[-3000:]
    out = done.stdout
    demo = readme_demo.out
    assert f"demo: done. Everything is under {demo}:" in out
    for headline in ("  report     ", "  today (", "  signals today: ", "  model m", "  backtest at ", "open the report", "bin/healthscore sql-server --lake"):
        assert headline in out, headline
    # a backtest line with an AUC and its interval
    assert re.search(r"churn model AUC 0\.\d{3} \(95% CI 0\.\d{3}-0\.\d{3}\), health score AUC 0\.\d{3}", out), out[-3000:]
    report = demo / "report.html"
    assert report.stat().st_size > 50_000 and "<svg" in report.read_text()
    lake = demo / "lake"
    for table in ("account_features", "account_health", "health_alerts", "health_by_segment", "account_hierarchy_health",
                  "churn_forecast", "account_worklist", "account_opportunities", "churn_models", "model_evaluation", "model_forecast_backtest",
                  "model_override_outcomes", "scorecard_tuning", "feature_drift", "runs"):
        assert (lake / table / "_delta_log").is_dir(), table
    runs = DeltaTable(str(lake / "runs")).to_pyarrow_table().to_pylist()
    assert runs and {r["status"] for r in runs} == {"succeeded"}, [(r["command"], r["status"], r["reason"]) for r in runs]
    assert {r["command"] for r in runs} == {"nightly", "train", "evaluate", "tune-scorecard"}
    # the scorecard tuned on churn history: its before/after line and the suggestion file
    assert re.search(r"scorecard tuned on churn history .*AUC", out), out[-3000:]
    assert (demo / "suggested-scorecard.yaml").is_file()
    # every step was shown on the console with its time, nothing else on stderr
    assert "evaluate as of" in out and re.search(r"backtest 1 of \d+: cutoff", out)
    assert done.stderr.strip() in ("", ) or all(l.startswith(("[healthscore] building", "[healthscore] built in")) for l in done.stderr.strip().splitlines()), \
        done.stderr[-2000:]
