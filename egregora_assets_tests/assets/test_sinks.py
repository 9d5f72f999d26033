"""The analysis exports, opened with readers of their own (pyarrow.parquet, csv, sqlite3) and
compared with the warehouse; an unchanged re-run rewrites nothing."""

import csv
import json
import sqlite3
from datetime import date, datetime

import duckdb
import pyarrow.parquet as pq
import pytest

ASSET = "documents_parquet"  # the world is built up to the first export
SINKS = ("documents_parquet", "documents_csv", "archive_sqlite")


def stored(world, table: str) -> list[dict]:
    """The group's rows of a warehouse table, by id."""
    with duckdb.connect(str(world.home.warehouse), read_only=True) as conn:
        cursor = conn.execute(f'SELECT * FROM {table} WHERE "group" = ?', [world.group])
        names = [d[0] for d in cursor.description]
        return sorted((dict(zip(names, row)) for row in cursor.fetchall()), key=lambda r: r["id"])


def as_stored(row: dict, like: dict) -> dict:
    """A row read as text (CSV, SQLite) in the warehouse's types: lists from JSON, times from ISO 8601."""
    typed = {}
    for name, value in row.items():
        kind = like[name]
        if value in (None, "") and kind is None:
            typed[name] = None
        elif isinstance(kind, list):
            typed[name] = json.loads(value)
        elif isinstance(kind, datetime):
            typed[name] = datetime.fromisoformat(value)
        elif isinstance(kind, date):
            typed[name] = date.fromisoformat(value)
        elif isinstance(kind, int) and not isinstance(kind, bool):
            typed[name] = int(value)
        else:
            typed[name] = value
    return typed


def path(world, name: str):
    return (
        world.home.analysis
        / world.group
        / {
            "documents_parquet": "documents.parquet",
            "documents_csv": "documents.csv",
            "archive_sqlite": f"{world.group}.sqlite",
        }[name]
    )


@pytest.fixture(scope="module")
def written(world):
    """Each export's first materialization."""
    return {name: world.run(name) for name in SINKS}


def test_the_parquet_file_is_the_groups_documents(world, written):
    expected = stored(world, "documents")
    table = pq.read_table(path(world, "documents_parquet"))
    assert len(expected) >= 1 and table.num_rows == len(expected)
    assert sorted(table.to_pylist(), key=lambda r: r["id"]) == expected
    assert str(table.schema.field("categories").type) == "list<element: string>"  # lists stay lists
    assert table.schema.field("published").type.tz is not None
    meta = written["documents_parquet"].metadata
    assert meta["documents_rows"].value == len(expected)
    assert meta["files"].value == {
        str(path(world, "documents_parquet")): path(world, "documents_parquet").stat().st_size
    }


def test_the_csv_file_is_the_groups_documents(world, written):
    expected = stored(world, "documents")
    with path(world, "documents_csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == list(expected[0])  # every column, in the warehouse's order
    by_id = {e["id"]: e for e in expected}
    assert [as_stored(r, by_id[r["id"]]) for r in sorted(rows, key=lambda r: r["id"])] == expected
    assert written["documents_csv"].metadata["file_bytes"].value == path(world, "documents_csv").stat().st_size


def test_the_sqlite_file_holds_documents_and_messages(world, written):
    with sqlite3.connect(f"file:{path(world, 'archive_sqlite')}?mode=ro", uri=True) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert {t for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")} == {
            "documents",
            "messages",
        }
        for table in ("documents", "messages"):
            expected = stored(world, table)
            cursor = db.execute(f"SELECT * FROM {table} ORDER BY id")
            names = [d[0] for d in cursor.description]
            rows = [dict(zip(names, r)) for r in cursor.fetchall()]
            assert len(rows) == len(expected) >= 1, table
            assert [as_stored(r, e) for r, e in zip(rows, expected)] == expected, table
    meta = written["archive_sqlite"].metadata
    assert meta["messages_rows"].value == len(stored(world, "messages"))
    assert meta["documents_rows"].value == len(stored(world, "documents"))


def test_an_unchanged_rerun_rewrites_nothing_and_a_deleted_file_comes_back(world, written):
    before = {name: path(world, name).stat() for name in SINKS}
    for name in SINKS:
        again = world.run(name)
        assert again.metadata["partitions_computed"].value == 0, name
        after = path(world, name).stat()
        assert (after.st_ino, after.st_mtime_ns) == (before[name].st_ino, before[name].st_mtime_ns), name
    path(world, "documents_csv").unlink()
    assert world.run("documents_csv").metadata["partitions_computed"].value == 1
    assert path(world, "documents_csv").is_file()
