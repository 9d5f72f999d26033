"""The journal: unchanged inputs skip, changed ones recompute, failures leave nothing half-written."""

from datetime import date

import duckdb
import pyarrow as pa
import pytest

from egregora_assets.core.journal import fingerprint, run_slices, upstream_hash
from egregora_assets.core.tables import WAREHOUSE_DDL

D1, D2 = date(2026, 9, 1), date(2026, 9, 2)


@pytest.fixture
def conn(tmp_path):
    with duckdb.connect(str(tmp_path / "w.duckdb")) as c:
        c.execute(WAREHOUSE_DDL)
        yield c


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
    assert conn.execute("SELECT count(*) FROM messages").fetchone()[0] == 4  # replaced, not appended
    assert upstream_hash(conn, "x", "g", D2) == fingerprint("changed")


def test_failed_partition_rolls_back_alone_and_is_retried(conn):
    broken = {D1}

    def compute(group, day):
        if day in broken:
            raise RuntimeError("boom\nsecond line")
        return "h", {"messages": 3}, {"messages": rows(group, day, 3)}

    tally = run_slices(conn, "x", [("g", D1), ("g", D2)], lambda g, d: "sig", compute)
    assert tally.failed == {f"{D1}|g": "RuntimeError: boom"} and tally.computed == [f"{D2}|g"]
    assert conn.execute("SELECT DISTINCT date FROM messages").fetchall() == [(D2,)]
    assert conn.execute("SELECT count(*) FROM journal").fetchone()[0] == 1
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
    assert conn.execute("SELECT count(*) FROM messages").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM journal").fetchone()[0] == 0
    written: list = []
    tally = run_slices(conn, "x", keys, lambda g, d: "sig", compute, before_commit=written.append)
    assert len(tally.computed) == 10 and [len(batch) for batch in written] == [10]
    assert conn.execute("SELECT count(*) FROM messages").fetchone()[0] == 10
