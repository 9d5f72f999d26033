"""The journal: per asset and partition, what its inputs were and what it wrote, so unchanged work is skipped."""

from __future__ import annotations

import functools
import hashlib
import json
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pyarrow as pa

from .models import BudgetSpent
from .warehouse import Database


def fingerprint(*parts: Any) -> str:
    """A short stable hash of JSON-able parts."""
    blob = json.dumps(parts, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()[:24]


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
    left: list[str] = field(default_factory=list)  # partitions the run's LLM budget did not reach
    budget: str = ""  # which budget was reached, when one was
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
    """Computed partitions not yet committed: their rows and journal entries.

    They are written together, in one transaction per batch (a run, or FLUSH_SECONDS of work),
    so an interrupted run leaves no half-written slice, and a year is not 365 commits per asset."""

    keys: list[Key] = field(default_factory=list)
    sigs: list[str] = field(default_factory=list)
    hashes: list[str] = field(default_factory=list)
    rows: dict[str, list[pa.Table]] = field(default_factory=dict)
    since: float = field(default_factory=time.monotonic)

    def add(self, key: Key, sig: str, output_hash: str, rows: Rows) -> None:
        self.keys.append(key)
        self.sigs.append(sig)
        self.hashes.append(output_hash)
        for table, slice_rows in rows.items():
            self.rows.setdefault(table, []).append(slice_rows)


@dataclass(frozen=True)
class Deferred:
    """What `compute` may return for a partition whose slow part waits on a server: each of its
    `jobs` (LLM calls, no database) runs on a worker thread, and `finish(their results, in
    order)` gives the partition's (output hash, facts, rows), on the step's own thread and in
    the order of the keys."""

    jobs: list[Callable[[], Any]]
    finish: Callable[[list], tuple]


Each = Callable[[Callable[[Any], Any], list], list]  # (call, items) -> call of each item, in the items' order


def in_turn(call: Callable[[Any], Any], items: list) -> list:
    """`call` of each item, one after the other (an LLM client's `map` is the parallel `Each`)."""
    return [call(item) for item in items]


def run_slices(
    db: Database,
    asset: str,
    keys: Iterable[Key],
    signature: Callable[[str, date | None], str],
    compute: Callable[[str, date | None], tuple | Deferred],
    on_progress: Callable[[str], None] | None = None,
    missing: Callable[[str, date | None], bool] | None = None,
    before_commit: Callable[[list[Key]], None] | None = None,
    workers: int = 1,
) -> Tally:
    """Compute each partition whose input signature changed; skip the rest.

    `compute` returns (output hash, facts) or (output hash, facts, rows per table), or a
    `Deferred`, and writes nothing itself: the rows and the journal entries of the computed
    partitions are committed together in batches (see `_Pending`), so an interrupted run leaves
    no half-written slice. `before_commit(keys)` writes what lives outside the database (vectors)
    first. `missing` says when an output outside the database was deleted, to rebuild it anyway.
    A partition that raises is listed in `failed` and leaves nothing; the others go on. One whose
    LLM budget ran out (BudgetSpent) is listed in `left`, for the next run.

    With `workers` > 1, up to 2 x `workers` partitions are started ahead, their jobs shared by
    `workers` threads; every partition is still finished, counted and committed in the order of
    `keys`, so what is written never depends on which work ends first."""
    tally, pending = Tally(), _Pending()
    recorded = journal_entries(db, asset)
    started: deque[tuple[Key, str, str, Callable[[], tuple]]] = deque()
    with _threads(workers, asset) as pool:
        for group, day in keys:
            label = f"{day}|{group}" if day else group
            sig = signature(group, day)
            entry = recorded.get((group, day))
            if entry and entry[0] == sig and not (missing and missing(group, day)):
                tally.skipped.append(label)
                tally.versions[label] = entry[1]
                continue
            started.append(((group, day), label, sig, _start(compute, group, day, pool)))
            while len(started) > (2 * workers if pool else 0):
                pending = _settle(db, asset, started.popleft(), tally, pending, on_progress, before_commit)
        while started:
            pending = _settle(db, asset, started.popleft(), tally, pending, on_progress, before_commit)
    _commit(db, asset, pending, before_commit)
    return tally


@contextmanager
def _threads(count: int, name: str) -> Iterator[Executor | None]:
    """A pool of `count` threads (none for one); when the step fails or is stopped, the jobs not
    yet begun are dropped rather than waited for."""
    if count < 2:
        yield None
        return
    pool = ThreadPoolExecutor(count, thread_name_prefix=name)
    try:
        yield pool
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()


def _start(
    compute: Callable[[str, date | None], tuple | Deferred], group: str, day: date | None, pool: Executor | None
) -> Callable[[], tuple]:
    """The partition's result to come: computed now, or its deferred work started on `pool`."""
    try:
        out = compute(group, day)
    except Exception as error:  # raised again when the partition's turn comes
        return functools.partial(_raise, error)
    if not isinstance(out, Deferred):
        return lambda: out
    if pool is None:
        return lambda: out.finish([job() for job in out.jobs])
    futures = [pool.submit(job) for job in out.jobs]
    return lambda: out.finish([future.result() for future in futures])


def _raise(error: Exception) -> tuple:
    raise error


def _settle(
    db: Database,
    asset: str,
    started: tuple[Key, str, str, Callable[[], tuple]],
    tally: Tally,
    pending: _Pending,
    on_progress: Callable[[str], None] | None,
    before_commit: Callable[[list[Key]], None] | None,
) -> _Pending:
    """A started partition's result added to the batch (committed when due), or its failure tallied."""
    key, label, sig, result = started
    if (computed := _compute_one(result, label, tally)) is None:
        return pending
    pending.add(key, sig, *computed)
    if on_progress:
        on_progress(label)
    return _commit_if_due(db, asset, pending, before_commit)


def _compute_one(result: Callable[[], tuple], label: str, tally: Tally) -> tuple[str, Rows] | None:
    """One partition's output hash and rows, counted in the tally; None when it raised (listed in `failed`)."""
    try:
        output_hash, facts, *rows = result()
    except BudgetSpent as spent:  # not done, not failed: the next run does it
        tally.left.append(label)
        tally.budget = str(spent)
        return None
    except Exception as error:  # one bad partition must not cost the others their work
        tally.failed[label] = f"{type(error).__name__}: {(str(error).splitlines() or [''])[0][:300]}"
        return None
    tally.computed.append(label)
    tally.versions[label] = output_hash
    tally.add(**{k: v for k, v in facts.items() if isinstance(v, int)})
    return output_hash, rows[0] if rows else {}


def _commit_if_due(db: Database, asset: str, pending: _Pending, before: Callable[[list[Key]], None] | None) -> _Pending:
    """The pending partitions, or a new empty batch once they waited FLUSH_SECONDS and were committed."""
    if time.monotonic() - pending.since <= FLUSH_SECONDS:
        return pending
    _commit(db, asset, pending, before)
    return _Pending()


def _commit(db: Database, asset: str, pending: _Pending, before: Callable[[list[Key]], None] | None) -> None:
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
    db.replace(asset, keys, {table: pa.concat_tables(parts) for table, parts in pending.rows.items()})


def journal_entries(db: Database, asset: str) -> dict[Key, tuple[str, str]]:
    """(input signature, output hash) of every recorded partition of an asset, in one query."""
    t = db.table("journal")
    rows = db.rows(t.filter(t.asset == asset).select("group", "date", "input_sig", "output_hash"))
    return {(r["group"], r["date"]): (r["input_sig"], r["output_hash"]) for r in rows}


def input_signature(db: Database, upstream: list[str], code: str | None, identity: Any, group: str, day) -> str:
    """What a partition's output depends on: the code, an identity value (model, prompt, setting)
    and each upstream asset's output hashes for the same day, or for all of the group's days."""
    hashes = [upstream_hash(db, a, group, day) if day else group_hashes(db, a, group) for a in upstream]
    return fingerprint(code, identity, hashes)


def upstream_hash(db: Database, asset: str, group: str, day: date | None) -> str | None:
    """The output hash an upstream asset recorded for a partition (its journal read once per step)."""
    entry = db.memo(("journal", asset), lambda: journal_entries(db, asset)).get((group, day))
    return entry[1] if entry else None


def computed_at(db: Database, groups: list[str]) -> list[tuple]:
    """(asset, group, day, when) of each journaled partition of these groups; none before any run."""
    if not db.has_table("journal"):
        return []
    t = db.table("journal")
    rows = db.rows(t.filter(t.group.isin(groups)).select("asset", "group", "date", "updated_at"))
    return [(r["asset"], r["group"], r["date"], r["updated_at"]) for r in rows]


def group_hashes(db: Database, asset: str, group: str) -> list[tuple[str | None, str]]:
    """(date, output hash) of every partition of one group, for group-level signatures."""
    t = db.table("journal")
    rows = db.rows(t.filter((t.asset == asset) & (t.group == group)).order_by(t.date).select("date", "output_hash"))
    return [(r["date"].isoformat() if r["date"] else None, r["output_hash"]) for r in rows]
