"""The journal: per asset and partition, what its inputs were and what it wrote, so unchanged work is skipped."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import duckdb
import pyarrow as pa


def fingerprint(*parts: Any) -> str:
    """A short stable hash of JSON-able parts."""
    blob = json.dumps(parts, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()[:24]


def _day_clause(day: date | None) -> tuple[str, list[Any]]:
    return ("date IS NULL", []) if day is None else ("date = ?", [day])


def journal_entry(conn: duckdb.DuckDBPyConnection, asset: str, group: str, day: date | None) -> tuple[str, str] | None:
    """(input signature, output hash) recorded for one partition, if any."""
    clause, args = _day_clause(day)
    row = conn.execute(
        f'SELECT input_sig, output_hash FROM journal WHERE asset = ? AND "group" = ? AND {clause}',
        [asset, group, *args],
    ).fetchone()
    return (row[0], row[1]) if row else None


def table_hash(rows: pa.Table) -> str:
    """A hash of a slice's content, used as its data version."""
    digest = hashlib.sha256()
    for batch in rows.to_batches():
        for column in batch.columns:
            digest.update(repr(column.to_pylist()).encode())
    return digest.hexdigest()[:24]


@dataclass
class Tally:
    """What one materialization did across its partitions."""

    computed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # partition -> one-line reason
    versions: dict[str, str] = field(default_factory=dict)  # partition -> hash of its content
    facts: dict[str, Any] = field(default_factory=dict)

    def add(self, **counts: int) -> None:
        for key, value in counts.items():
            self.facts[key] = self.facts.get(key, 0) + value


Key = tuple[str, date | None]  # (group, day); day is None for the per-group assets
Rows = dict[str, pa.Table]  # table -> one partition's rows
FLUSH_SECONDS = 30.0  # computed partitions wait at most this long for their commit


@dataclass
class _Pending:
    """Computed partitions not yet committed: their rows and journal entries."""

    keys: list[Key] = field(default_factory=list)
    sigs: list[str] = field(default_factory=list)
    hashes: list[str] = field(default_factory=list)
    rows: dict[str, list[pa.Table]] = field(default_factory=dict)
    since: float = field(default_factory=time.monotonic)


def run_slices(
    conn: duckdb.DuckDBPyConnection,
    asset: str,
    keys: Iterable[Key],
    signature: Callable[[str, date | None], str],
    compute: Callable[[str, date | None], tuple],
    on_progress: Callable[[str], None] | None = None,
    missing: Callable[[str, date | None], bool] | None = None,
    before_commit: Callable[[list[Key]], None] | None = None,
) -> Tally:
    """Compute each partition whose input signature changed; skip the rest.

    `compute` returns (output hash, facts) or (output hash, facts, rows per table) and writes
    nothing itself: the rows and the journal entries of the computed partitions are written
    together, in one transaction per batch (a run, or FLUSH_SECONDS of work), so an
    interrupted run leaves no half-written slice, and a year is not 365 commits per asset.
    `before_commit(keys)` writes what lives outside the database (vectors) first.
    `missing` says when an output outside the database was deleted, to rebuild it anyway.
    A partition that raises is listed in `failed` and leaves nothing; the others go on.
    """
    tally, pending = Tally(), _Pending()
    recorded = journal_entries(conn, asset)
    for group, day in keys:
        label = f"{day}|{group}" if day else group
        sig = signature(group, day)
        entry = recorded.get((group, day))
        if entry and entry[0] == sig and not (missing and missing(group, day)):
            tally.skipped.append(label)
            tally.versions[label] = entry[1]
            continue
        try:
            output_hash, facts, *rows = compute(group, day)
        except Exception as error:  # one bad partition must not cost the others their work
            tally.failed[label] = f"{type(error).__name__}: {(str(error).splitlines() or [''])[0][:300]}"
            continue
        pending.keys.append((group, day))
        pending.sigs.append(sig)
        pending.hashes.append(output_hash)
        for table, slice_rows in (rows[0] if rows else {}).items():
            pending.rows.setdefault(table, []).append(slice_rows)
        tally.computed.append(label)
        tally.versions[label] = output_hash
        tally.add(**{k: v for k, v in facts.items() if isinstance(v, int)})
        if on_progress:
            on_progress(label)
        if time.monotonic() - pending.since > FLUSH_SECONDS:
            _commit(conn, asset, pending, before_commit)
            pending = _Pending()
    _commit(conn, asset, pending, before_commit)
    return tally


def _commit(
    conn: duckdb.DuckDBPyConnection, asset: str, pending: _Pending, before: Callable[[list[Key]], None] | None
) -> None:
    """Write the pending partitions' rows and journal entries in one transaction."""
    if not pending.keys:
        return
    if before:
        before(pending.keys)
    keys = pa.table(
        {
            "group": pa.array([g for g, _ in pending.keys], pa.string()),
            "date": pa.array([d for _, d in pending.keys], pa.date32()),
            "input_sig": pa.array(pending.sigs, pa.string()),
            "output_hash": pa.array(pending.hashes, pa.string()),
        }
    )
    same = '_keys."group" = t."group" AND _keys.date IS NOT DISTINCT FROM t.date'
    conn.register("_keys", keys)
    conn.begin()
    try:
        for table, parts in pending.rows.items():
            conn.execute(f"DELETE FROM {table} t WHERE EXISTS (SELECT 1 FROM _keys WHERE {same})")
            rows = pa.concat_tables(parts)
            if rows.num_rows:
                conn.register("_rows", rows)
                cols = ", ".join(f'"{c}"' for c in rows.column_names)
                conn.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _rows")
                conn.unregister("_rows")
        conn.execute(f"DELETE FROM journal t WHERE asset = ? AND EXISTS (SELECT 1 FROM _keys WHERE {same})", [asset])
        conn.execute(
            'INSERT INTO journal (asset, "group", date, input_sig, output_hash) '
            'SELECT ?, "group", date, input_sig, output_hash FROM _keys',
            [asset],
        )
        conn.commit()
    except BaseException:
        conn.rollback()
        raise
    finally:
        conn.unregister("_keys")


def journal_entries(conn: duckdb.DuckDBPyConnection, asset: str) -> dict[Key, tuple[str, str]]:
    """(input signature, output hash) of every recorded partition of an asset, in one query."""
    rows = conn.execute('SELECT "group", date, input_sig, output_hash FROM journal WHERE asset = ?', [asset])
    return {(g, d): (sig, h) for g, d, sig, h in rows.fetchall()}


def upstream_hash(conn: duckdb.DuckDBPyConnection, asset: str, group: str, day: date | None) -> str | None:
    entry = journal_entry(conn, asset, group, day)
    return entry[1] if entry else None


def computed_at(conn: duckdb.DuckDBPyConnection, groups: list[str]) -> list[tuple]:
    """(asset, group, day, when) of each journaled partition of these groups; none before any run."""
    if not conn.execute("SELECT 1 FROM duckdb_tables() WHERE table_name = 'journal'").fetchall():
        return []
    return conn.execute(
        'SELECT asset, "group", date, updated_at FROM journal WHERE list_contains(?, "group")', [groups]
    ).fetchall()


def group_hashes(conn: duckdb.DuckDBPyConnection, asset: str, group: str) -> list[tuple[str, str]]:
    """(date, output hash) of every partition of one group, for group-level signatures."""
    rows = conn.execute(
        'SELECT CAST(date AS VARCHAR), output_hash FROM journal WHERE asset = ? AND "group" = ? ORDER BY date',
        [asset, group],
    ).fetchall()
    return [(r[0], r[1]) for r in rows]
