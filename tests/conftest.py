"""Fixtures of the tests in this folder: the README's demo, run once as printed (the README
test checks its output, the notebook tests read its lake, as a new user's notebook would),
and one local-mode nightly run of the shared warehouse (the reference the cluster run is
compared with and the lake the non-Spark readers read)."""
from __future__ import annotations

import os
import re
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from lake_rows import AS_OF

ROOT = Path(__file__).resolve().parent.parent


def readme_command(prefix: str) -> str:
    """The line of the README's first code block that starts with `prefix`, without its comment."""
    text = (ROOT / "README.md").read_text()
    block = re.search(r"```bash\n(.*?)```", text, re.S).group(1)
    line = next(l for l in block.splitlines() if l.startswith(prefix))
    return line.split("#", 1)[0].strip()


@dataclass(frozen=True)
class Demo:
    command: str
    done: subprocess.CompletedProcess
    out: Path  # where the demo's default --out (`demo`, relative) lands: demo/ in the clone's root

    @property
    def lake(self) -> Path:
        assert self.done.returncode == 0, f"{self.command} exited {self.done.returncode}:\n" + self.done.stderr[-3000:] + self.done.stdout[-3000:]
        return self.out / "lake"


@pytest.fixture(scope="session")
def readme_demo(record_timing) -> Demo:
    """The README's first command exactly as printed, from the clone's root with its default
    (relative) output folder and no test settings (no SPARK_CONF_DIR, no HEALTHSCORE_*): what
    a new user types first. Run once per session; a failure is reported by every test using it."""
    command = readme_command("bin/healthscore demo")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SPARK_CONF_DIR", "HEALTHSCORE_"))}
    env["SPARK_LOCAL_IP"] = "127.0.0.1"
    started = time.monotonic()
    done = subprocess.run(["bash", "-c", command], cwd=ROOT, env=env, text=True, capture_output=True, timeout=1800)
    record_timing("README: bin/healthscore demo", time.monotonic() - started)
    return Demo(command, done, ROOT / "demo")


@pytest.fixture(scope="session")
def local_lake(submit, small_warehouse, tmp_path_factory, record_timing):
    """`nightly` for AS_OF through spark-submit in local mode (driver and tasks in one JVM)."""
    lake = tmp_path_factory.mktemp("local_lake") / "lake"
    took = submit("local[2]", "nightly", "--warehouse", str(small_warehouse), "--lake", str(lake), "--as-of", AS_OF,
                  log=lake.parent / "nightly-local.log")
    record_timing("spark-submit nightly, local[2]", took)
    return lake
