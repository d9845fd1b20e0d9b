"""bin/healthscore's JVM is the Spark driver: spark.driver.extraJavaOptions from
spark-defaults.conf or --conf are options of that JVM (the last one given wins, as in
spark-submit), every other spark.* setting goes to Spark (docs/cluster.md)."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def jvm_flags(env: dict, *args: str) -> str:
    """The first line `--help` prints with -XX:+PrintCommandLineFlags: the JVM's flags as it started."""
    done = subprocess.run([str(ROOT / "bin" / "healthscore"), *args, "--help"], env=env, text=True,
                          capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()[0]


def test_driver_java_options_from_spark_defaults_and_conf(tmp_path):
    conf = tmp_path / "conf"
    conf.mkdir()
    (conf / "spark-defaults.conf").write_text(
        "spark.driver.extraJavaOptions   -XX:+PrintCommandLineFlags -XX:TieredStopAtLevel=1\n")
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("SPARK_", "HEALTHSCORE_"))},
           "SPARK_CONF_DIR": str(conf), "SPARK_LOCAL_IP": "127.0.0.1"}
    # from spark-defaults.conf: both options, split at spaces
    assert "-XX:TieredStopAtLevel=1" in jvm_flags(env).split()
    # a --conf replaces the file's value whole, as spark-submit's does
    flags = jvm_flags(env, "--conf", "spark.driver.extraJavaOptions=-XX:+PrintCommandLineFlags -XX:MaxHeapSize=1g")
    assert "-XX:MaxHeapSize=1073741824" in flags.split() and "-XX:TieredStopAtLevel=1" not in flags, flags
    # without any: the JVM's default tiers (no TieredStopAtLevel), and the flags are not printed at all
    (conf / "spark-defaults.conf").write_text("spark.sql.shuffle.partitions 4\n")
    done = subprocess.run([str(ROOT / "bin" / "healthscore"), "--help"], env=env, text=True, capture_output=True, timeout=300)
    assert done.returncode == 0 and done.stdout.startswith("Usage: healthscore"), done.stdout[:300]


def test_conf_without_key_value_fails_with_one_line():
    for args in (["--conf", "spark.sql.shuffle.partitions"], ["--conf"], ["--conf", "=4"]):
        done = subprocess.run([str(ROOT / "bin" / "healthscore"), "nightly", *args], text=True, capture_output=True, timeout=60)
        assert done.returncode == 2, (args, done.stderr)
        assert len(done.stderr.splitlines()) == 1 and "--conf needs key=value" in done.stderr, done.stderr
        assert done.stdout == ""  # before Spark: nothing started
