"""The one partition loop every asset of the chain runs, and the metadata it reports."""

import time
from collections.abc import Callable
from datetime import date
from typing import Any

from dagster import (
    AssetExecutionContext,
    DataVersion,
    Failure,
    MaterializeResult,
    MetadataValue,
)

from ..core.journal import Key, Tally, input_signature, run_slices
from ..core.tables import WAREHOUSE_TABLES, readable
from ..core.warehouse import Database, days_by_group, step
from ..resources import WarehouseResource

Step = Callable[[Database, str, Any], Any]


def partition_keys(context: AssetExecutionContext) -> list[Key]:
    """(group, day) of every partition in this run, by group then date; (group, None) per group."""
    keys: list[Key] = []
    for key in context.partition_keys:  # a single-run backfill brings many
        day, sep, group = key.partition("|")
        keys.append((group, date.fromisoformat(day)) if sep else (key, None))
    return sorted(keys, key=lambda k: (k[0], k[1] or date.min))


def each_partition(
    context: AssetExecutionContext,
    warehouse: WarehouseResource,
    compute: Step,
    *,
    identity: Any = None,
    upstream_db: Database | None = None,
    tables: dict = WAREHOUSE_TABLES,
    missing: Callable[[str, Any], bool] | None = None,
    after: Callable[[Tally], dict[str, Any] | None] | None = None,
    before_commit: Callable[[list[Key]], None] | None = None,
    workers: int = 1,
    **facts: Any,
) -> MaterializeResult:
    """Compute every partition of the run whose inputs changed, journaled in the `warehouse`; report it.

    A partition's inputs are what `signer` says (upstream hashes are read from `upstream_db` when
    they live elsewhere). `compute(db, group, day)` returns (output hash, counts, rows per table),
    written with the journal (see run_slices), and `before_commit(keys)` first writes what those
    partitions keep outside the database. `missing` says when an output outside the database was
    deleted, so it is rebuilt anyway; `after(tally)` runs once the loop is done and returns more
    metadata. While the step runs, reading a table of an asset it does not declare fails. A
    `compute` may return a `Deferred` whose slow part runs on up to `workers` threads."""
    keys, (name, code, upstream) = partition_keys(context), declared_inputs(context)
    with (
        warehouse.get_connection(on_wait=context.log.info) as db,
        step(name, readable(name, upstream), days_by_group(keys)),
    ):
        db.create(tables)
        signature = signer(upstream_db or db, upstream, code, identity)
        progress = _progress(context, len(keys))
        tally = run_slices(
            db, name, keys, signature, lambda g, d: compute(db, g, d), progress, missing, before_commit, workers
        )
        extra = (after(tally) if after else None) or {}
    return result(tally, **facts, **extra)


def declared_inputs(context: AssetExecutionContext) -> tuple[str, str | None, list[str]]:
    """The asset's name, its code version and the names of the upstream assets it declares."""
    key = context.assets_def.key
    upstream = sorted(k.to_user_string() for k in context.assets_def.asset_deps[key])
    return key.to_user_string(), context.assets_def.code_versions_by_key.get(key), upstream


def signer(db: Database, upstream: list[str], code: str | None, identity: Any) -> Callable[[str, Any], str]:
    """A partition's input signature: the asset's code version, its declared upstream assets'
    journal hashes for the same day (all of the group's, for a per-group asset; read from `db`),
    and `identity` (a value, or a function of group and day: the model, the prompt, a setting)."""

    def signature(group: str, day: Any) -> str:
        own = identity(group, day) if callable(identity) else identity
        return input_signature(db, upstream, code, own, group, day)

    return signature


PROGRESS_SECONDS = 2.0  # every log line is an event in the run's storage: a few per step, not one per day


def _progress(context: AssetExecutionContext, total: int) -> Callable[[str], None]:
    """A logger of finished partitions, so long backfills show how far they are."""
    done, last = [0], [time.monotonic()]

    def log(label: str) -> None:
        done[0] += 1
        if done[0] == total or time.monotonic() - last[0] >= PROGRESS_SECONDS:
            last[0] = time.monotonic()
            context.log.info(f"{done[0]}/{total} partitions computed (last: {label})")

    return log


def result(tally: Tally, **extra: Any) -> MaterializeResult:
    """Run facts as metadata: how many partitions were computed and skipped, counts, anything extra.

    Per-partition metadata is no way out: Dagster 1.13 checks each
    `add_asset_metadata(partition_key=...)` against the whole range (88 CPU-s for 6 x 365).

    Partitions that failed were rolled back while the others were kept; the step then fails
    naming them, and a re-run resumes with only those. Partitions the LLM budget did not reach are
    counted in `partitions_left` (the step succeeds: what is done is kept, the next run goes on)."""
    if tally.failed:
        first = next(iter(tally.failed.items()))
        raise Failure(
            description=f"{len(tally.failed)} partition(s) failed, {len(tally.computed)} written; "
            f"first: {first[0]}: {first[1]}",
            metadata={"failed": MetadataValue.json(tally.failed), "computed": MetadataValue.json(tally.computed)},
        )
    # A single run over N partitions records this metadata on each of its N materializations:
    # counts and capped previews only, never a list that grows with N.
    metadata: dict[str, Any] = {
        "partitions_computed": len(tally.computed),
        "partitions_skipped": len(tally.skipped),
        **({"partitions_left": len(tally.left), "budget_reached": tally.budget} if tally.left else {}),
        **tally.facts,
        **extra,
    }
    # One partition: its content hash is its data version (unchanged content, same version).
    single = next(iter(tally.versions.values())) if len(tally.versions) == 1 else None
    return MaterializeResult(metadata=metadata, data_version=DataVersion(single) if single else None)


def llm_facts(client: Any) -> dict[str, Any]:
    """An LLM client's request and token counts, for the step's metadata (never its key)."""
    if client is None:
        return {"llm_requests": 0, "llm_cache_hits": 0}
    stats = client.stats
    facts = {
        "llm_requests": stats.requests,
        "llm_cache_hits": stats.cache_hits,
        "llm_input_tokens": stats.input_tokens,
        "llm_output_tokens": stats.output_tokens,
    }
    if stats.cost is not None:
        facts["llm_cost_estimate"] = round(stats.cost, 6)
    if client.mode != client.configured_mode:  # the server refused the configured one
        facts["structured_output_mode"] = client.mode
    return facts
