"""Fixtures of the cluster and reader tests: one local-mode nightly run of the shared
warehouse, the reference the cluster run is compared with and the lake the non-Spark
readers read."""
from __future__ import annotations

import pytest
from lake_rows import AS_OF


@pytest.fixture(scope="session")
def local_lake(submit, small_warehouse, tmp_path_factory, record_timing):
    """`nightly` for AS_OF through spark-submit in local mode (driver and tasks in one JVM)."""
    lake = tmp_path_factory.mktemp("local_lake") / "lake"
    took = submit("local[2]", "nightly", "--warehouse", str(small_warehouse), "--lake", str(lake), "--as-of", AS_OF,
                  log=lake.parent / "nightly-local.log")
    record_timing("spark-submit nightly, local[2]", took)
    return lake
