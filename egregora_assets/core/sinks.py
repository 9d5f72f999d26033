"""The analysis exports of a group: its posts as Parquet and CSV, its posts and messages as SQLite.

Each is one file a user opens in another tool (pandas, DuckDB, a spreadsheet, sqlite3),
built in memory and written whole; only pseudonymized warehouse tables go in."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Mapping
from datetime import date, datetime

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

PARQUET_FILE = "documents.parquet"
CSV_FILE = "documents.csv"


def sqlite_file(group: str) -> str:
    return f"{group}.sqlite"


def parquet_bytes(table: pa.Table) -> bytes:
    """`table` as a Parquet file: its types kept, lists as lists, times with their timezone."""
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    return sink.getvalue().to_pybytes()


def _plain(value: object) -> object:
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def flat(table: pa.Table) -> pa.Table:
    """`table` with lists as JSON arrays and dates and times as ISO 8601 text: what CSV and SQLite hold."""
    columns = []
    for field, column in zip(table.schema, table.columns):
        if pa.types.is_list(field.type) or pa.types.is_temporal(field.type):
            column = pa.array([_plain(v) for v in column.to_pylist()], pa.string())
        columns.append(column)
    return pa.table(columns, names=table.column_names)


def csv_bytes(table: pa.Table) -> bytes:
    """`table` as a CSV file with a header row (UTF-8, RFC 4180 quoting)."""
    sink = pa.BufferOutputStream()
    pa_csv.write_csv(flat(table), sink)
    return sink.getvalue().to_pybytes()


def _sqlite_type(kind: pa.DataType) -> str:
    if pa.types.is_integer(kind) or pa.types.is_boolean(kind):
        return "INTEGER"
    return "REAL" if pa.types.is_floating(kind) else "TEXT"


def sqlite_bytes(tables: Mapping[str, pa.Table]) -> bytes:
    """A SQLite database file holding each table under its name (lists as JSON, times as ISO text)."""
    with contextlib.closing(sqlite3.connect(":memory:")) as db:
        for name, table in tables.items():
            rows = flat(table)
            columns = ", ".join(f'"{f.name}" {_sqlite_type(f.type)}' for f in rows.schema)
            db.execute(f'CREATE TABLE "{name}" ({columns})')
            marks = ", ".join("?" for _ in rows.column_names)
            db.executemany(f'INSERT INTO "{name}" VALUES ({marks})', zip(*(c.to_pylist() for c in rows.columns)))
        db.commit()
        return db.serialize()
