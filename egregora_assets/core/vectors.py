"""The LanceDB `vectors` table: a row and a vector per window and per post, its filters and its indexes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

from .models import Post, Window
from .text import sql_string
from .urls import post_path

if TYPE_CHECKING:  # lancedb costs ~1 CPU-s to import: only when vectors are read or written
    from lancedb.table import Table

TABLE = "vectors"
FIELDS = ("id", "group", "date", "kind", "title", "text", "url")  # a row's columns, beside its vector
VECTOR_INDEX = "vector_idx"
# Past this many rows an ANN index is faster than a full scan at a recall@10 above 0.95; below
# it a scan is exact and cheap (benchmarks/retrieval.py, figures in benchmarks/RESULTS.md).
ANN_MIN_ROWS = 20_000


ROW_SCHEMA = pa.schema([(name, pa.string()) for name in FIELDS])


def vector_schema(dimensions: int) -> pa.Schema:
    return ROW_SCHEMA.append(pa.field("vector", pa.list_(pa.float32(), dimensions)))


def open_table(uri: str, dimensions: int) -> Table:
    """The vectors table of the LanceDB database at `uri` (a folder or an object-store URI), created
    if new, and emptied if it holds vectors of another width: another model's vectors mean nothing
    beside this one's, and the embeddings asset embeds again when the model changes."""
    import lancedb

    db, schema = lancedb.connect(uri), vector_schema(dimensions)
    try:
        table = db.open_table(TABLE)
    except ValueError:  # LanceDB's answer for a table not created yet
        return db.create_table(TABLE, schema=schema, exist_ok=True)
    if table.schema.field("vector").type.list_size != dimensions:
        table = db.create_table(TABLE, schema=schema, mode="overwrite")
    return table


def vector_row(item: Window | Post, text: str) -> dict[str, str]:
    """The row stored beside the vector of `text`, what is embedded of a window or a post."""
    if isinstance(item, Post):
        kind, title, url = "post", item.title, post_path(item)
    else:
        kind, title, url = "window", f"{item.date} #{item.index + 1}", ""
    return {
        "id": item.id,
        "group": item.group,
        "date": item.date.isoformat(),
        "kind": kind,
        "title": title,
        "text": text,
        "url": url,
    }


def where(
    *,
    kind: str | None = None,
    group: str | None = None,
    before: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> str:
    """The SQL filter of the rows of a kind, of a group, dated before a day, or from `since`
    through `until` ("" for every row; `group` is an SQL keyword, hence the backticks; ISO dates
    sort as strings)."""
    tests = (("kind =", kind), ("`group` =", group), ("date <", before), ("date >=", since), ("date <=", until))
    return " AND ".join(f"{test} {sql_string(value)}" for test, value in tests if value is not None)


def days_filter(kind: str, days: Sequence[tuple[str, date]]) -> str | None:
    """The SQL filter of the `kind` rows of these (group, day) partitions; None for no partition."""
    by_group: dict[str, list[str]] = {}
    for group, day in days:
        by_group.setdefault(group, []).append(sql_string(day.isoformat()))
    if not by_group:
        return None
    either = " OR ".join(f"({where(group=g)} AND date IN ({', '.join(d)}))" for g, d in by_group.items())
    return f"{where(kind=kind)} AND ({either})"


def arrow_rows(rows: Sequence[dict[str, str]], vectors: Any) -> pa.Table:
    """The rows with `vectors[i]` (a matrix's rows) beside rows[i], as an Arrow table of the vectors schema."""
    matrix = np.asarray(vectors, dtype=np.float32)
    vector = pa.FixedSizeListArray.from_arrays(pa.array(matrix.ravel()), matrix.shape[1])
    return pa.Table.from_pylist(list(rows), schema=ROW_SCHEMA).append_column("vector", vector)


def replace_days(
    table: Table, kind: str, days: Sequence[tuple[str, date]], rows: Sequence[dict[str, str]], vectors: Any
) -> None:
    """Replace the `kind` rows of these (group, day) partitions: one delete, one append.

    A re-run never duplicates them, and a run adds one fragment to the table however many
    days it wrote (a write per day gave a year 730 fragments). `vectors[i]` is rows[i]'s."""
    found = days_filter(kind, days)
    if found is None:
        return
    table.delete(found)
    if rows:
        table.add(arrow_rows(rows, vectors))


def post_vectors(table: Table, group: str) -> dict[str, np.ndarray]:
    """The vector of each post of a group, by post id."""
    query = table.search().where(where(kind="post", group=group), prefilter=True)
    rows = query.select(["id", "vector"]).limit(None).to_arrow()
    return dict(zip(rows["id"].to_pylist(), rows["vector"].to_numpy(zero_copy_only=False)))


def index_text(table: Table) -> None:
    """(Re)build the native LanceDB full-text index on `text` that hybrid search relies on."""
    from lancedb.index import FTS

    # lancedb 0.40: the first argument of create_index is the column when `config` is given.
    table.create_index("text", config=FTS(), replace=True)


def vector_index():
    """The ANN index of the vectors: IVF_HNSW_SQ, by l2 (the distance hybrid search ranks by)."""
    from lancedb.index import HnswSq

    return HnswSq(distance_type="l2")


def index_vectors(table: Table, min_rows: int = ANN_MIN_ROWS) -> str | None:
    """Create the ANN index once the table holds `min_rows`, then fold new rows into it.

    Rows added after the index are still found (LanceDB scans them beside it) until they
    pass a tenth of the table; then `optimize` adds them to the index. Returns what it did."""
    stats = table.index_stats(VECTOR_INDEX) if any(i.name == VECTOR_INDEX for i in table.list_indices()) else None
    if stats is None:
        if table.count_rows() < min_rows:
            return None
        table.create_index("vector", config=vector_index(), name=VECTOR_INDEX)
        return "created"
    if stats.num_unindexed_rows * 10 > stats.num_indexed_rows:
        table.optimize()
        return "optimized"
    return None


def refresh_indexes(table: Table, min_rows: int = ANN_MIN_ROWS) -> str | None:
    """Refresh the indexes hybrid search uses: full text always, and vectors once the table holds
    `min_rows`. Returns what it did to the vector index."""
    if table.count_rows():
        index_text(table)
    return index_vectors(table, min_rows)
