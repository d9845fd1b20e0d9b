"""Lake tables as plain, comparable Python rows (helpers of the cluster and reader tests)."""
from __future__ import annotations

import datetime as dt
import math

from deltalake import DeltaTable

AS_OF = "2024-06-30"
VOLATILE = ("run_id", "computed_at")  # differ between any two runs by design


def normalized(value):
    """A value in one comparable form: NaN equal to NaN, maps as dicts, structs as dicts."""
    if isinstance(value, float) and math.isnan(value):
        return "NaN"
    if isinstance(value, dict):
        return {k: normalized(v) for k, v in value.items()}
    if isinstance(value, list):
        if value and all(isinstance(x, tuple) and len(x) == 2 for x in value):  # arrow map
            return {k: normalized(v) for k, v in value}
        return [normalized(x) for x in value]
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.timezone.utc) if value.tzinfo else value
    return value


def delta_rows(path, drop=()) -> list[dict]:
    """Every row of a Delta table read by delta-rs, sorted by account and date."""
    rows = DeltaTable(str(path)).to_pyarrow_table().to_pylist()
    rows = [{k: normalized(v) for k, v in r.items() if k not in drop} for r in rows]
    return sorted(rows, key=lambda r: (r["account_id"], r["as_of_date"]))
