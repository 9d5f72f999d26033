"""The journal: unchanged inputs skip, changed ones recompute, failures leave nothing half-written.

Every test runs on both warehouse engines (DuckDB and a real PostgreSQL)."""

import threading
import time
from datetime import date
from functools import partial

import pyarrow as pa
import pytest

from egregora_assets.core.journal import Deferred, fingerprint, run_slices, upstream_hash

D1, D2 = date(2026, 9, 1), date(2026, 9, 2)


@pytest.fixture
def conn(warehouse):
    return warehouse


def count(db, table: str) -> int:
    return int(db.scalar(db.table(table).count()))


def rows(group, day, n):
    return pa.table(
        {"id": [f"{day}-{i}" for i in range(n)], "group": [group] * n, "date": [day] * n, "text": ["hi"] * n}
    )


def test_run_slices_skips_unchanged_and_recomputes_changed(conn):
    inputs = {("g", D1): "a", ("g", D2): "b"}
    calls = []

    def compute(group, day):
        calls.append(day)
        return fingerprint(inputs[(group, day)]), {"messages": 2}, {"messages": rows(group, day, 2)}

    keys = list(inputs)
    first = run_slices(conn, "x", keys, lambda g, d: inputs[(g, d)], compute)
    assert (len(first.computed), len(first.skipped), first.facts["messages"]) == (2, 0, 4)
    second = run_slices(conn, "x", keys, lambda g, d: inputs[(g, d)], compute)
    assert (len(second.computed), len(second.skipped)) == (0, 2)
    inputs[("g", D2)] = "changed"
    third = run_slices(conn, "x", keys, lambda g, d: inputs[(g, d)], compute)
    assert third.computed == [f"{D2}|g"] and calls == [D1, D2, D2]
    assert count(conn, "messages") == 4  # replaced, not appended
    assert upstream_hash(conn, "x", "g", D2) == fingerprint("changed")


def test_failed_partition_rolls_back_alone_and_is_retried(conn):
    broken = {D1}

    def compute(group, day):
        if day in broken:
            raise RuntimeError("boom\nsecond line")
        return "h", {"messages": 3}, {"messages": rows(group, day, 3)}

    tally = run_slices(conn, "x", [("g", D1), ("g", D2)], lambda g, d: "sig", compute)
    assert tally.failed == {f"{D1}|g": "RuntimeError: boom"} and tally.computed == [f"{D2}|g"]
    assert [r["date"] for r in conn.rows(conn.table("messages").select("date").distinct())] == [D2]
    assert count(conn, "journal") == 1
    broken.clear()
    again = run_slices(conn, "x", [("g", D1), ("g", D2)], lambda g, d: "sig", compute)
    assert again.computed == [f"{D1}|g"] and again.skipped == [f"{D2}|g"]


def test_group_level_partitions_use_null_dates(conn):
    tally = run_slices(conn, "feed", [("g", None)], lambda g, d: "s", lambda g, d: ("h", {}))
    assert tally.computed == ["g"]
    assert upstream_hash(conn, "feed", "g", None) == "h"


def test_a_run_commits_its_partitions_once_and_all_or_nothing(conn):
    keys = [("g", date(2026, 9, d)) for d in range(1, 11)]

    def compute(group, day):
        return "h", {}, {"messages": rows(group, day, 1)}

    def crash(_keys):  # the vectors' write fails (or the process dies) before the commit
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_slices(conn, "x", keys, lambda g, d: "sig", compute, before_commit=crash)
    assert count(conn, "messages") == 0
    assert count(conn, "journal") == 0
    written: list = []
    tally = run_slices(conn, "x", keys, lambda g, d: "sig", compute, before_commit=written.append)
    assert len(tally.computed) == 10 and [len(batch) for batch in written] == [10]
    assert count(conn, "messages") == 10


@pytest.mark.parametrize("warehouse_url", ["duckdb"], indirect=True)
def test_deferred_jobs_run_on_threads_and_partitions_finish_in_the_order_of_the_keys(conn):
    days = [date(2026, 9, d) for d in range(1, 13)]
    finished, threads = [], set()

    def job(day, n):
        threads.add(threading.current_thread().name)
        time.sleep(0.01 * ((day.day * 7 + n) % 5))  # jobs end in another order than they began
        if day.day == 5 and n == 1:
            raise RuntimeError("no answer")
        return n

    def compute(group, day):
        def finish(results):
            finished.append(day)
            return fingerprint(results), {"jobs": len(results)}, {"messages": rows(group, day, len(results))}

        return Deferred([partial(job, day, n) for n in range(day.day % 3 + 1)], finish)

    tally = run_slices(conn, "x", [("g", d) for d in days], lambda g, d: "sig", compute, workers=4)
    assert finished == [d for d in days if d.day != 5] and len(threads) > 1
    assert tally.computed == [f"{d}|g" for d in days if d.day != 5]
    assert tally.failed == {f"{days[4]}|g": "RuntimeError: no answer"}
    assert count(conn, "messages") == sum(d.day % 3 + 1 for d in days if d.day != 5)
