"""The export encoders on awkward values, read back with the standard library and pyarrow."""

import csv
import io
import json
import sqlite3
from datetime import UTC, date, datetime

import pyarrow as pa
import pyarrow.parquet as pq

from egregora_assets.core.sinks import csv_bytes, parquet_bytes, sqlite_bytes

AWKWARD = pa.table(
    {
        "id": ["a", "b"],
        "text": ['comma, "quote"\nnew line', None],
        "tags": pa.array([["x", "ção 🏖️"], []], pa.list_(pa.string())),
        "n": pa.array([1, None], pa.int32()),
        "score": [0.5, 2.0],
        "day": pa.array([date(2026, 9, 6), date(2026, 9, 7)], pa.date32()),
        "at": pa.array(
            [datetime(2026, 9, 6, 12, 0, tzinfo=UTC), datetime(2026, 9, 7, 23, 59, 59, tzinfo=UTC)],
            pa.timestamp("us", tz="UTC"),
        ),
    }
)


def test_parquet_round_trips_exactly():
    assert pq.read_table(io.BytesIO(parquet_bytes(AWKWARD))).equals(AWKWARD)


def test_csv_quotes_text_and_writes_lists_as_json_and_times_as_iso():
    rows = list(csv.DictReader(io.StringIO(csv_bytes(AWKWARD).decode("utf-8"), newline="")))
    assert rows[0]["text"] == 'comma, "quote"\nnew line' and rows[1]["text"] == ""
    assert [json.loads(r["tags"]) for r in rows] == [["x", "ção 🏖️"], []]
    assert datetime.fromisoformat(rows[1]["at"]) == datetime(2026, 9, 7, 23, 59, 59, tzinfo=UTC)
    assert [r["day"] for r in rows] == ["2026-09-06", "2026-09-07"] and rows[0]["n"] == "1"


def test_sqlite_holds_each_table_with_its_types(tmp_path):
    path = tmp_path / "x.sqlite"
    path.write_bytes(sqlite_bytes({"documents": AWKWARD, "empty": AWKWARD.slice(0, 0)}))
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM empty").fetchone() == (0,)
        rows = db.execute("SELECT id, text, tags, n, score, day, at FROM documents ORDER BY id").fetchall()
        kinds = db.execute("SELECT typeof(n), typeof(score), typeof(at) FROM documents WHERE id = 'a'").fetchone()
    assert rows[0] == (
        "a",
        'comma, "quote"\nnew line',
        '["x", "ção 🏖️"]',
        1,
        0.5,
        "2026-09-06",
        "2026-09-06T12:00:00+00:00",
    )
    assert rows[1][1] is None and rows[1][3] is None
    assert kinds == ("integer", "real", "text")
    assert sqlite_bytes({"documents": AWKWARD}) == sqlite_bytes({"documents": AWKWARD})  # same rows, same bytes
