"""Session fixtures shared by every Python test (airflow/tests and tests/): the packaged
spark-submit jar, the Spark distribution that comes with pyspark, a quiet Spark
configuration, and ONE small generated warehouse (generating costs a Spark start)."""
from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent
VENV_BIN = Path(sys.executable).parent
SPARK_HOME = Path(__import__("pyspark").__file__).parent
# The shared world: small enough for a 2-core CI, big enough for every feature family.
WORLD = {"accounts": "60", "months": "8", "seed": "11"}  # 2024-01-01 .. 2024-09-01
SHORT_RUN_JIT = "-XX:TieredStopAtLevel=1"  # C1 only: see spark_env


TIMINGS: list[str] = []  # printed at the end of the run, also without -s


def _record(what: str, seconds: float) -> None:
    TIMINGS.append(f"{what}: {seconds:.1f}s")
    print(f"\n[timing] {what}: {seconds:.1f}s")


@pytest.fixture(scope="session")
def record_timing():
    """record_timing("what", seconds): listed in the 'timings' section at the end of the run."""
    return _record


def pytest_terminal_summary(terminalreporter):
    if TIMINGS:
        terminalreporter.section("timings")
        for line in TIMINGS:
            terminalreporter.write_line(line)


def _jar() -> Path:
    jars = sorted(glob.glob(str(ROOT / "jobs" / "target" / "healthscore-jobs-*-spark.jar")))
    return Path(jars[-1]) if jars else None


@pytest.fixture(scope="session")
def spark_jar() -> Path:
    """jobs/target/healthscore-jobs-<version>-spark.jar, built if missing."""
    if _jar() is None:
        subprocess.run(["mvn", "-B", "-q", "-DskipTests", "package"], cwd=ROOT, check=True)
    return _jar()


def _spark_conf(folder: Path, jit_options: str | None) -> Path:
    """A SPARK_CONF_DIR for the tests: Spark's log4j2 settings (INFO chatter to the log only),
    few shuffle partitions, no code generation, and these driver/executor JVM options."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "jobs" / "src" / "main" / "resources" / "log4j2.properties", folder / "log4j2.properties")
    # The test worlds are tiny: compiling generated code (Janino) for each new plan costs more
    # than evaluating expressions row by row (docs/development.md). Production keeps codegen.
    lines = ["spark.sql.shuffle.partitions 4", "spark.ui.showConsoleProgress false",
             "spark.sql.codegen.wholeStage false", "spark.sql.codegen.factoryMode NO_CODEGEN"]
    if jit_options:  # bin/healthscore applies spark.driver.extraJavaOptions to its own JVM, as spark-submit does
        lines += [f"spark.driver.extraJavaOptions {jit_options}", f"spark.executor.extraJavaOptions {jit_options}"]
    (folder / "spark-defaults.conf").write_text("\n".join(lines) + "\n")
    return folder


@pytest.fixture(scope="session")
def spark_env(tmp_path_factory) -> dict:
    """Environment for spark-submit / spark-class / bin/healthscore: pyspark's Spark
    distribution, loopback only, and a SPARK_CONF_DIR for the tiny world (_spark_conf) with
    the JVM's first JIT tier only: most test processes are a `nightly` of a minute, where the
    second tier (C2) costs more CPU than it saves (docs/development.md, "Test settings").
    Longer processes use long_run_spark_conf."""
    conf = _spark_conf(tmp_path_factory.mktemp("spark_conf"), SHORT_RUN_JIT)
    env = {**os.environ, "SPARK_HOME": str(SPARK_HOME), "SPARK_CONF_DIR": str(conf), "SPARK_LOCAL_IP": "127.0.0.1",
           "PATH": f"{VENV_BIN}:{os.environ['PATH']}", "HEALTHSCORE_MEMORY": "2g"}
    env.pop("SPARK_MASTER", None)
    return env


@pytest.fixture(scope="session")
def long_run_spark_conf(tmp_path_factory) -> Path:
    """A SPARK_CONF_DIR like spark_env's with both JIT tiers, for train and evaluate (minutes of
    data work, where C1 alone costs more CPU than it saves)."""
    return _spark_conf(tmp_path_factory.mktemp("spark_conf_long_run"), None)


@pytest.fixture(scope="session")
def small_warehouse(tmp_path_factory, spark_env, record_timing) -> Path:
    """One generated warehouse for the whole session; tests must not modify it."""
    out = tmp_path_factory.mktemp("warehouse")
    args = [str(ROOT / "bin" / "healthscore"), "generate", "--out", str(out)]
    for k, v in WORLD.items():
        args += [f"--{k}", v]
    started = time.monotonic()
    subprocess.run(args, check=True, timeout=900, env=spark_env, cwd=out.parent,
                   stdout=subprocess.DEVNULL)
    record_timing(f"generate {WORLD}", time.monotonic() - started)
    return out


def spark_submit(env: dict, jar: Path, master: str, *args: str, log: Path, conf: dict | None = None,
                 timeout: int = 1200) -> float:
    """spark-submit of the packaged jar (the way a cluster runs it); returns the wall time.
    Output goes to `log`; on failure its tail is in the assertion message."""
    cmd = [str(SPARK_HOME / "bin" / "spark-submit"), "--master", master, "--driver-memory", "2g",
           "--class", "dev.healthscore.jobs.cli.Main"]
    for k, v in (conf or {}).items():
        cmd += ["--conf", f"{k}={v}"]
    cmd += [str(jar), *args]
    started = time.monotonic()
    with open(log, "w") as out:
        rc = subprocess.run(cmd, env=env, cwd=log.parent, stdout=out, stderr=subprocess.STDOUT, timeout=timeout).returncode
    took = time.monotonic() - started
    assert rc == 0, f"spark-submit {' '.join(args[:1])} exited {rc}:\n" + "".join(log.read_text().splitlines(True)[-40:])
    return took


@pytest.fixture(scope="session")
def submit(spark_env, spark_jar):
    """spark_submit bound to the session's environment and jar."""
    return lambda master, *args, **kw: spark_submit(spark_env, spark_jar, master, *args, **kw)
