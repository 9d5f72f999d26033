"""The DuckDB tables of the chain: their Arrow schemas (from the record models), DDL and reads."""

from __future__ import annotations

import json
import types
import typing
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import duckdb
import pyarrow as pa
from pydantic import BaseModel

from .models import PARSED_SCHEMA, Comparison, Document, Enrichment, Message, Rating, Window

_ARROW = {
    str: pa.string(),
    int: pa.int32(),
    float: pa.float64(),
    bool: pa.bool_(),
    date: pa.date32(),
    datetime: pa.timestamp("us"),
}
_SQL = {
    pa.string(): "VARCHAR",
    pa.int32(): "INTEGER",
    pa.int64(): "BIGINT",
    pa.float64(): "DOUBLE",
    pa.bool_(): "BOOLEAN",
    pa.date32(): "DATE",
    pa.timestamp("s"): "TIMESTAMP",
    pa.timestamp("us"): "TIMESTAMP",
    pa.timestamp("us", tz="UTC"): "TIMESTAMPTZ",
    pa.list_(pa.string()): "VARCHAR[]",
}


def _arrow_type(annotation: Any) -> pa.DataType:
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):  # X | None
        return _arrow_type(next(a for a in args if a is not type(None)))
    if origin is typing.Literal:
        return pa.string()
    if origin is list:
        return pa.list_(_arrow_type(args[0]))
    return _ARROW[annotation]


def model_schema(model: type[BaseModel], **columns: pa.DataType) -> pa.Schema:
    """The Arrow schema of a record model; `columns` override fields or add new ones."""
    fields = {name: columns.get(name) or _arrow_type(f.annotation) for name, f in model.model_fields.items()}
    return pa.schema(list({**fields, **columns}.items()))


def _ddl(table: str, schema: pa.Schema) -> str:
    columns = ", ".join(f'"{f.name}" {_SQL[f.type]}' for f in schema)
    return f"CREATE TABLE IF NOT EXISTS {table} ({columns});"


RAW_MESSAGES = pa.schema([("group", pa.string()), ("date", pa.date32()), ("pos", pa.int64()), *PARSED_SCHEMA])
MESSAGES = model_schema(Message, timestamp=pa.timestamp("s"), date=pa.date32())
# A window is stored whole (as the JSON of its record), with what the packing needs beside it.
WINDOWS = pa.schema(
    [
        ("id", pa.string()),
        ("group", pa.string()),
        ("date", pa.date32()),
        ("idx", pa.int32()),
        ("bytes", pa.int32()),
        ("payload", pa.string()),
    ]
)
ENRICHMENTS = model_schema(Enrichment)
# Timestamps are timezone-aware; links travel as JSON.
DOCUMENTS = model_schema(
    Document, published=pa.timestamp("us", tz="UTC"), updated=pa.timestamp("us", tz="UTC"), links=pa.string()
)
# Rows of a per-group asset carry a NULL date: the journal's day of a group's partition.
COMPARISONS = model_schema(Comparison, date=pa.date32())
RATINGS = model_schema(Rating, date=pa.date32())

# Both databases keep a journal: per asset and partition, the signature of the inputs
# it was computed from and a hash of what it wrote. Unchanged inputs mean no work.
_JOURNAL = """CREATE TABLE IF NOT EXISTS journal (
    asset VARCHAR, "group" VARCHAR, date DATE, input_sig VARCHAR, output_hash VARCHAR,
    updated_at TIMESTAMP DEFAULT current_timestamp);"""
STAGING_DDL = "\n".join([_ddl("raw_messages", RAW_MESSAGES), _JOURNAL])
WAREHOUSE_DDL = "\n".join(
    [
        _ddl("messages", MESSAGES),
        _ddl("windows", WINDOWS),
        _ddl("enrichments", ENRICHMENTS),
        _ddl("documents", DOCUMENTS),
        _ddl("comparisons", COMPARISONS),
        _ddl("ratings", RATINGS),
        _JOURNAL,
    ]
)


def _records(conn: duckdb.DuckDBPyConnection, sql: str, args: Sequence[Any], model: Any) -> list[Any]:
    cursor = conn.execute(sql, list(args))
    names = [d[0] for d in cursor.description]
    return [model(**dict(zip(names, row))) for row in cursor.fetchall()]


# --- staging (real names: private) ---------------------------------------------------------


def day_raw_messages(conn: duckdb.DuckDBPyConnection, group: str, day: date) -> pa.Table:
    """One day's parsed lines of a group, in export order (PARSED_SCHEMA)."""
    return (
        conn.execute(
            "SELECT timestamp, author, message, kind, attachment FROM raw_messages "
            'WHERE "group" = ? AND date = ? ORDER BY pos',
            [group, day],
        )
        .arrow()
        .read_all()
    )


def authors(conn: duckdb.DuckDBPyConnection, group: str) -> list[str]:
    """Everyone who ever wrote in the group (real names)."""
    return [
        r[0]
        for r in conn.execute(
            'SELECT DISTINCT author FROM raw_messages WHERE "group" = ? AND author IS NOT NULL ORDER BY 1', [group]
        ).fetchall()
    ]


def command_lines(conn: duckdb.DuckDBPyConnection, group: str) -> pa.Table:
    """Every line of a group's history that may be an `/egregora` command, in order."""
    return (
        conn.execute(
            "SELECT timestamp, author, message, kind, attachment FROM raw_messages "
            "WHERE \"group\" = ? AND lower(message) LIKE '%/egregora%' ORDER BY date, pos",
            [group],
        )
        .arrow()
        .read_all()
    )


# --- warehouse (pseudonymous) --------------------------------------------------------------


def groups_in(conn: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [g for (g,) in conn.execute(f'SELECT DISTINCT "group" FROM {table} ORDER BY 1').fetchall()]


def group_messages(conn: duckdb.DuckDBPyConnection, group: str) -> list[tuple[str, str, str, str]]:
    """(id, author, text, attachment) of every stored message of a group, for the privacy audit."""
    return conn.execute('SELECT id, author, text, attachment FROM messages WHERE "group" = ?', [group]).fetchall()


def group_day_texts(conn: duckdb.DuckDBPyConnection, group: str) -> dict[date, str]:
    """The text said on each day of a group (pseudonymized), one string per day."""
    rows = conn.execute(
        "SELECT date, string_agg(text, chr(10) ORDER BY timestamp, id) FROM messages "
        "WHERE \"group\" = ? AND kind IN ('text', 'edited') GROUP BY date ORDER BY date",
        [group],
    ).fetchall()
    return {day: text for day, text in rows if text}


def day_messages(conn: duckdb.DuckDBPyConnection, group: str, day: date) -> list[Message]:
    return _records(
        conn,
        'SELECT id, "group", timestamp, author, text, kind, attachment FROM messages '
        'WHERE "group" = ? AND date = ? ORDER BY timestamp, id',
        [group, day],
        Message,
    )


def cited_messages(conn: duckdb.DuckDBPyConnection, group: str, ids: Sequence[str]) -> dict[str, Message]:
    """The group's messages with these ids (those a post cites), by id."""
    if not ids:
        return {}
    conn.register("_cited", pa.table({"id": list(dict.fromkeys(ids))}))
    found = _records(
        conn,
        'SELECT m.id, m."group", m.timestamp, m.author, m.text, m.kind, m.attachment FROM messages m '
        'JOIN _cited USING (id) WHERE m."group" = ?',
        [group],
        Message,
    )
    conn.unregister("_cited")
    return {m.id: m for m in found}


def windows_table(windows: Sequence[Window], message_bytes: Any) -> pa.Table:
    return pa.Table.from_pylist(
        [
            {
                "id": w.id,
                "group": w.group,
                "date": w.date,
                "idx": w.index,
                "bytes": sum(message_bytes(m) for m in w.messages),
                "payload": w.model_dump_json(),
            }
            for w in windows
        ],
        schema=WINDOWS,
    )


def day_windows(conn: duckdb.DuckDBPyConnection, group: str, day: date) -> list[Window]:
    rows = conn.execute('SELECT payload FROM windows WHERE "group" = ? AND date = ? ORDER BY idx', [group, day])
    return [Window.model_validate_json(r[0]) for r in rows.fetchall()]


def group_windows(conn: duckdb.DuckDBPyConnection, group: str) -> dict[date, list[Window]]:
    """Every window of a group by day, in one query (a year's days one by one took 365)."""
    rows = conn.execute('SELECT date, payload FROM windows WHERE "group" = ? ORDER BY date, idx', [group])
    found: dict[date, list[Window]] = {}
    for day, payload in rows.fetchall():
        found.setdefault(day, []).append(Window.model_validate_json(payload))
    return found


def enrichments_table(found: Sequence[Enrichment]) -> pa.Table:
    return pa.Table.from_pylist([e.model_dump() for e in found], schema=ENRICHMENTS)


def day_enrichments(conn: duckdb.DuckDBPyConnection, group: str, day: date) -> list[Enrichment]:
    cols = ", ".join(f'"{c}"' for c in ENRICHMENTS.names)
    return _records(
        conn, f'SELECT {cols} FROM enrichments WHERE "group" = ? AND date = ? ORDER BY id', [group, day], Enrichment
    )


def documents_table(docs: Sequence[Document]) -> pa.Table:
    """Documents as rows of the `documents` table (links as JSON)."""
    rows = []
    for doc in docs:
        row = doc.model_dump(mode="python")
        row["links"] = json.dumps([link.model_dump() for link in doc.links])
        rows.append(row)
    return pa.Table.from_pylist(rows, schema=DOCUMENTS)


def group_documents(conn: duckdb.DuckDBPyConnection, group: str) -> list[Document]:
    """Every post of a group, newest first."""
    cols = ", ".join(f'"{c}"' for c in DOCUMENTS.names)
    cursor = conn.execute(
        f"SELECT {cols} FROM documents WHERE \"group\" = ? AND kind = 'post' ORDER BY published DESC, id", [group]
    )
    docs = []
    for row in cursor.fetchall():
        record = dict(zip(DOCUMENTS.names, row))
        record["links"] = json.loads(record["links"] or "[]")
        docs.append(Document(**record))
    return docs


def count_rows(conn: duckdb.DuckDBPyConnection, table: str, groups: Sequence[str], where: str = "TRUE") -> int:
    marks = ", ".join("?" for _ in groups)
    (count,) = conn.execute(
        f'SELECT count(*) FROM {table} WHERE "group" IN ({marks}) AND {where}', list(groups)
    ).fetchall()[0]
    return count


def count_authors(conn: duckdb.DuckDBPyConnection, groups: Sequence[str]) -> int:
    """How many distinct (pseudonymous) people wrote the groups' stored messages."""
    marks = ", ".join("?" for _ in groups)
    sql = f'SELECT count(DISTINCT author) FROM messages WHERE "group" IN ({marks})'
    return conn.execute(sql, list(groups)).fetchall()[0][0]


def group_rows(records: Sequence[BaseModel], schema: pa.Schema) -> pa.Table:
    """Records of a per-group asset as rows of its table (date NULL)."""
    return pa.Table.from_pylist([{**r.model_dump(), "date": None} for r in records], schema=schema)


def post_windows(conn: duckdb.DuckDBPyConnection, group: str) -> dict[str, Window]:
    """The windows the group's posts were written from, by id."""
    rows = conn.execute(
        'SELECT payload FROM windows WHERE "group" = ? AND id IN '
        "(SELECT window_id FROM documents WHERE \"group\" = ? AND kind = 'post')",
        [group, group],
    )
    windows = [Window.model_validate_json(payload) for (payload,) in rows.fetchall()]
    return {w.id: w for w in windows}


def group_comparisons(conn: duckdb.DuckDBPyConnection, group: str) -> list[Comparison]:
    """Every stored comparison of a group's posts."""
    cols = ", ".join(f'"{c}"' for c in Comparison.model_fields)
    sql = f'SELECT {cols} FROM comparisons WHERE "group" = ? ORDER BY post_a, post_b'
    return _records(conn, sql, [group], Comparison)


def group_ratings(conn: duckdb.DuckDBPyConnection, group: str) -> list[Rating]:
    """The ratings of a group's posts, best first (none before the group was ranked)."""
    cols = ", ".join(f'"{c}"' for c in Rating.model_fields)
    return _records(conn, f'SELECT {cols} FROM ratings WHERE "group" = ? ORDER BY rank', [group], Rating)
