#!/usr/bin/env python3
"""Copies a generated warehouse and adds bad rows and boundary cases, for the agreement check.

    bench/damage_world.py --world DIR --out DIR --as-of YYYY-MM-DD

Every row rule of docs/tables.md#bad-rows-quarantine is broken at least once (several
rules at once on some rows, so first-rule-wins is exercised), duplicate ids are kept by
earliest time and by content on a tie, and events sit on the window edges of T (the last
instant of T, the first of T - 29, T - 30). nps_responses is rewritten with a DOUBLE score
(the contract widens numbers), so a fractional score can be stored. One extra Parquet file per
damaged table; the generated files stay as they are.
"""
import argparse
import datetime as dt
import glob
import os
import shutil

import pyarrow as pa
import pyarrow.parquet as pq

UTC = dt.timezone.utc
FUTURE = dt.datetime(2099, 1, 1, tzinfo=UTC)


def schema_of(table_dir, **retyped):
    s = pq.read_schema(sorted(glob.glob(os.path.join(table_dir, "*.parquet")))[0])
    fields = [pa.field(f.name, retyped.get(f.name, f.type), nullable=True) for f in s]
    return pa.schema(fields)


def add(world, table, rows, **retyped):
    d = os.path.join(world, table)
    pq.write_table(pa.Table.from_pylist(rows, schema=schema_of(d, **retyped)), os.path.join(d, "part-99999-bad.parquet"))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--world", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--as-of", required=True, type=dt.date.fromisoformat)
    a = p.parse_args()
    shutil.copytree(a.world, a.out)
    w, t = a.out, a.as_of
    day = lambda n: t - dt.timedelta(days=n)
    at = lambda n, h=12, m=0, s=0, us=0: dt.datetime.combine(day(n), dt.time(h, m, s, us), tzinfo=UTC)
    acc = "acc-000003"  # an account of the generated world
    add(w, "accounts", [
        dict(account_id="acc-000004", account_name="Later copy", segment="enterprise", region="NA", industry="x",
             created_date=dt.date(2024, 6, 1)),  # duplicate_id, the later one
        dict(account_id="acc-900001", account_name="No date", segment="smb", region="NA", industry="x",
             created_date=None),  # not_null
        dict(account_id="acc-900002", account_name="Future", segment="smb", region="NA", industry="x",
             created_date=FUTURE.date()),  # future_time
        dict(account_id="acc-900003", account_name="Twin b", segment="smb", region="EMEA", industry="b",
             created_date=day(200)),
        dict(account_id="acc-900003", account_name="Twin a", segment="smb", region="EMEA", industry="a",
             created_date=day(200)),  # duplicate on a tie of time: the smaller content is kept ('Twin a')
    ])
    add(w, "contracts", [
        dict(contract_id="bad-c1", account_id=acc, start_date=None, end_date=day(-30), arr=10.0, seats=1),
        dict(contract_id="bad-c2", account_id=acc, start_date=day(10), end_date=day(-30), arr=-5.0, seats=1),
        dict(contract_id="bad-c3", account_id="acc-999999", start_date=day(10), end_date=day(-30), arr=5.0, seats=1),
        dict(contract_id="bad-c4", account_id="acc-900003", start_date=day(10), end_date=day(-30), arr=500.0, seats=3),
        dict(contract_id="bad-c4", account_id="acc-900003", start_date=day(11), end_date=day(-30), arr=700.0,
             seats=None),  # the earlier, kept: the account's only running contract has no seats
    ])
    add(w, "churn_events", [
        dict(account_id="acc-999999", churn_date=day(5), reason="unknown"),
        dict(account_id=acc, churn_date=FUTURE.date(), reason="future"),
    ])
    add(w, "usage_events", [
        dict(account_id=acc, user_id=None, event_time=at(1), feature="x", duration_sec=10.0),  # not_null
        dict(account_id=None, user_id="u", event_time=at(1), feature=None, duration_sec=-1.0),  # not_null account_id first
        dict(account_id=acc, user_id="u", event_time=at(1), feature="x", duration_sec=-3.0),  # negative
        dict(account_id=acc, user_id="u", event_time=FUTURE, feature="x", duration_sec=3.0),  # future_time
        dict(account_id="acc-999999", user_id="u", event_time=at(1), feature="x", duration_sec=3.0),  # unknown_account
        dict(account_id="acc-900002", user_id="u", event_time=at(1), feature="x", duration_sec=3.0),  # rejected account
        dict(account_id=acc, user_id="edge-last", event_time=at(0, 23, 59, 59, 999999), feature="edge", duration_sec=60.0),
        dict(account_id=acc, user_id="edge-6", event_time=at(6, 0, 0, 0), feature="edge", duration_sec=60.0),
        dict(account_id=acc, user_id="edge-7", event_time=at(7, 23, 59, 59), feature="edge", duration_sec=60.0),
        dict(account_id=acc, user_id="edge-29", event_time=at(29, 0, 0, 0), feature="edge29", duration_sec=None),
        dict(account_id=acc, user_id="edge-30", event_time=at(30, 23, 59, 59), feature="edge30", duration_sec=60.0),
        dict(account_id=acc, user_id="edge-after", event_time=at(-1, 0, 0, 0), feature="after", duration_sec=60.0),
        dict(account_id="acc-900003", user_id="twin", event_time=at(3), feature="edge", duration_sec=30.0),
    ])
    add(w, "support_tickets", [
        dict(ticket_id="bad-t1", account_id=acc, created_at=at(3), resolved_at=at(2), priority="P1", sla_breached=True,
             csat=9),  # out_of_range
        dict(ticket_id="bad-t2", account_id=acc, created_at=at(3), resolved_at=FUTURE, priority="p2", csat=4),  # future
        dict(ticket_id="bad-t3", account_id=acc, created_at=at(5), resolved_at=at(-2), priority="P1", sla_breached=True,
             csat=1),  # resolved after T: open at T
        dict(ticket_id="bad-t3", account_id=acc, created_at=at(6), resolved_at=None, priority="p4"),  # duplicate_id
        dict(ticket_id=None, account_id=acc, created_at=at(3), priority="p4"),  # not_null
    ])
    add(w, "invoices", [
        dict(invoice_id="bad-i1", account_id=acc, issued_date=day(40), due_date=day(10), amount=-1.0, paid_date=None),
        dict(invoice_id="bad-i2", account_id=acc, issued_date=day(40), due_date=day(10), amount=100.0,
             paid_date=day(-3)),  # paid after T: unpaid and overdue at T
        dict(invoice_id="bad-i2", account_id=acc, issued_date=day(41), due_date=day(11), amount=100.0,
             paid_date=day(20)),  # duplicate_id: the earlier one (this) is kept
        dict(invoice_id="bad-i3", account_id=acc, issued_date=FUTURE.date(), due_date=FUTURE.date(), amount=1.0),
        dict(invoice_id="bad-i4", account_id="acc-999999", issued_date=day(40), due_date=day(10), amount=1.0),
    ])
    add(w, "engagements", [
        dict(engagement_id="bad-e1", account_id=acc, occurred_at=at(2), type="QBR", contact_role="executive"),
        dict(engagement_id="bad-e1", account_id=acc, occurred_at=at(2), type="call", contact_role="admin"),  # tie
        dict(engagement_id="bad-e2", account_id=acc, occurred_at=at(365, 0, 0, 0), type="reference"),  # outside 365
        dict(engagement_id="bad-e3", account_id=acc, occurred_at=at(364, 0, 0, 0), type="case_study"),  # inside
        dict(engagement_id="bad-e4", account_id="acc-999999", occurred_at=at(2), type="call"),
    ])
    nps = os.path.join(w, "nps_responses")
    old = pq.read_table(os.path.join(a.world, "nps_responses")).cast(schema_of(nps, score=pa.float64()))
    bad = pa.Table.from_pylist([
        dict(account_id=acc, responded_at=at(1), score=11.0),  # out_of_range
        dict(account_id=acc, responded_at=at(1), score=7.5),  # not_integer
        dict(account_id=acc, responded_at=at(0, 23, 59, 59), score=None),  # the latest answer, no score: nps_last null
        dict(account_id="acc-900003", responded_at=at(4), score=9.0),
    ], schema=old.schema)
    for f in glob.glob(os.path.join(nps, "*.parquet")):
        os.remove(f)
    pq.write_table(pa.concat_tables([old, bad]), os.path.join(nps, "part-00000-widened.parquet"))
    add(w, "csm_assessments", [
        dict(account_id=acc, assessed_at=at(1), score=0),  # out_of_range
        dict(account_id=acc, assessed_at=FUTURE, score=3),  # future_time
    ])
    add(w, "health_overrides", [
        dict(account_id=acc, override_band="purple", override_score=None, reason="r", author="a", created_at=at(1)),
        dict(account_id=acc, override_band=None, override_score=None, reason="r", author="a", created_at=at(1)),
        dict(account_id=acc, override_band="red", override_score=150.0, reason="r", author="a", created_at=at(1)),
        dict(account_id=acc, override_band="red", reason="r", author="a", created_at=at(1), expires_at=at(2)),
        dict(account_id=acc, override_band="red", reason=None, author="a", created_at=at(1), expires_at=at(2)),
    ])
    print(f"damage_world: {w}")


if __name__ == "__main__":
    main()
