"""Non-Spark readers: delta-rs (the Python `deltalake` package, what pandas / Polars /
DuckDB users and BI extracts go through) reads account_health and account_features
exactly as Spark reads them. (Delta Kernel, the JVM reader, is checked by the JUnit test
DeltaKernelReadTest.)"""
from __future__ import annotations

import datetime as dt
import logging
import os

import pytest
from deltalake import DeltaTable
from lake_rows import AS_OF, delta_rows, normalized

TABLES = ("account_health", "account_features")


@pytest.fixture(scope="module")
def spark(spark_env, spark_jar):
    """pyspark with Delta from the packaged jar: the reference reader."""
    keys = ("SPARK_HOME", "SPARK_CONF_DIR", "SPARK_LOCAL_IP")
    saved = {k: os.environ.get(k) for k in keys}
    os.environ.update({k: spark_env[k] for k in keys})
    from pyspark.sql import SparkSession
    session = (SparkSession.builder.master("local[1]").appName("healthscore-reader-test")
               .config("spark.jars", str(spark_jar))
               .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
               .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
               .config("spark.sql.session.timeZone", "UTC")
               .config("spark.ui.enabled", "false")
               .getOrCreate())
    yield session
    session.stop()
    logging.getLogger("py4j").setLevel(logging.WARNING)  # no INFO line into pytest's closed streams at exit
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


def spark_rows(spark, path) -> list[dict]:
    """Rows as Spark reads them. Timestamps become UTC microseconds inside Spark (pyspark
    would hand them over as naive local times), then datetimes again for the comparison."""
    from pyspark.sql import functions as F
    df = spark.read.format("delta").load(str(path))
    ts_cols = [f.name for f in df.schema.fields if f.dataType.typeName() == "timestamp"]
    df = df.select(*[F.unix_micros(c).alias(c) if c in ts_cols else F.col(c) for c in df.columns])
    epoch = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
    rows = []
    for r in df.collect():
        d = r.asDict(recursive=True)
        for c in ts_cols:
            d[c] = None if d[c] is None else epoch + dt.timedelta(microseconds=d[c])
        rows.append({k: normalized(v) for k, v in d.items()})
    return sorted(rows, key=lambda r: (r["account_id"], r["as_of_date"]))


@pytest.mark.parametrize("table", TABLES)
def test_delta_rs_reads_what_spark_reads(table, local_lake, spark):
    path = local_lake / table
    by_spark = spark_rows(spark, path)
    by_delta_rs = delta_rows(path)
    assert len(by_spark) > 0
    assert list(by_delta_rs[0]) == spark.read.format("delta").load(str(path)).columns  # same columns, same order
    assert by_delta_rs == by_spark


def test_delta_rs_table_metadata(local_lake):
    health = DeltaTable(str(local_lake / "account_health"))
    assert health.metadata().partition_columns == ["as_of_date"]
    assert health.metadata().configuration.get("delta.enableDeletionVectors") == "false"
    protocol = health.protocol()
    assert protocol.min_reader_version == 1  # no reader features (no deletion vectors, no column mapping)
    fields = {f.name: f.type.type for f in health.schema().fields}
    assert {k: fields[k] for k in ("account_id", "as_of_date", "health_score", "health_band", "churn_probability")} == {
        "account_id": "string", "as_of_date": "date", "health_score": "double", "health_band": "string",
        "churn_probability": "double"}


def test_delta_rs_partition_filter_reads_one_date(local_lake):
    table = DeltaTable(str(local_lake / "account_health"))
    one_day = table.to_pyarrow_table(filters=[("as_of_date", "=", dt.date.fromisoformat(AS_OF))])
    none = table.to_pyarrow_table(filters=[("as_of_date", "=", dt.date(2024, 6, 29))])
    assert one_day.num_rows == len(delta_rows(local_lake / "account_health")) and none.num_rows == 0
