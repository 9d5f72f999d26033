"""The journal: per asset and partition, what its inputs were and what it wrote, so unchanged work is skipped."""

from __future__ import annotations

import hashlib
import json
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


def record_journal(
    conn: duckdb.DuckDBPyConnection,
    asset: str,
    group: str,
    day: date | None,
    input_sig: str,
    output_hash: str,
) -> None:
    clause, args = _day_clause(day)
    conn.execute(f'DELETE FROM journal WHERE asset = ? AND "group" = ? AND {clause}', [asset, group, *args])
    conn.execute(
        'INSERT INTO journal (asset, "group", date, input_sig, output_hash) VALUES (?, ?, ?, ?, ?)',
        [asset, group, day, input_sig, output_hash],
    )


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


def run_slices(
    conn: duckdb.DuckDBPyConnection,
    asset: str,
    keys: Iterable[tuple[str, date | None]],
    signature: Callable[[str, date | None], str],
    compute: Callable[[str, date | None], tuple[str, dict[str, Any]]],
    on_progress: Callable[[str], None] | None = None,
    missing: Callable[[str, date | None], bool] | None = None,
) -> Tally:
    """Compute each partition whose input signature changed; skip the rest.

    `compute` writes its slice and returns (output hash, facts); the write and the
    journal entry commit together, so an interrupted run leaves no half-written slice.
    `missing` says when an output outside the database was deleted, to rebuild it anyway.
    A partition that raises is rolled back and listed in `failed`; the others go on.
    """
    tally = Tally()
    for group, day in keys:
        label = f"{day}|{group}" if day else group
        sig = signature(group, day)
        entry = journal_entry(conn, asset, group, day)
        if entry and entry[0] == sig and not (missing and missing(group, day)):
            tally.skipped.append(label)
            tally.versions[label] = entry[1]
            continue
        conn.begin()
        try:
            output_hash, facts = compute(group, day)
            record_journal(conn, asset, group, day, sig, output_hash)
            conn.commit()
        except Exception as error:  # one bad partition must not cost the others their work
            conn.rollback()
            tally.failed[label] = f"{type(error).__name__}: {(str(error).splitlines() or [''])[0][:300]}"
            continue
        except BaseException:
            conn.rollback()
            raise
        tally.computed.append(label)
        tally.versions[label] = output_hash
        tally.add(**{k: v for k, v in facts.items() if isinstance(v, int)})
        if on_progress:
            on_progress(label)
    return tally


def upstream_hash(conn: duckdb.DuckDBPyConnection, asset: str, group: str, day: date | None) -> str | None:
    entry = journal_entry(conn, asset, group, day)
    return entry[1] if entry else None


def group_hashes(conn: duckdb.DuckDBPyConnection, asset: str, group: str) -> list[tuple[str, str]]:
    """(date, output hash) of every partition of one group, for group-level signatures."""
    rows = conn.execute(
        'SELECT CAST(date AS VARCHAR), output_hash FROM journal WHERE asset = ? AND "group" = ? ORDER BY date',
        [asset, group],
    ).fetchall()
    return [(r[0], r[1]) for r in rows]


def computed_at(conn: duckdb.DuckDBPyConnection, groups: list[str]) -> list[tuple]:
    """(asset, group, day, when) of each journaled partition of these groups; none before any run."""
    if not conn.execute("SELECT 1 FROM duckdb_tables() WHERE table_name = 'journal'").fetchall():
        return []
    return conn.execute(
        'SELECT asset, "group", date, updated_at FROM journal WHERE list_contains(?, "group")', [groups]
    ).fetchall()
