"""What every asset of the chain does the same way: read its partition keys, report its tally."""


from datetime import date
from typing import Any

from dagster import (
    AssetExecutionContext,
    DataVersion,
    Failure,
    MaterializeResult,
    MetadataValue,
)

from ..core.journal import Tally


def day_keys(context: AssetExecutionContext) -> list[tuple[str, date]]:
    """(group, day) of every partition in this run, in date order."""
    keys = []
    for key in context.partition_keys:  # a single-run backfill brings many
        day, group = key.split("|")
        keys.append((group, date.fromisoformat(day)))
    return sorted(keys, key=lambda k: (k[0], k[1]))


def group_keys(context: AssetExecutionContext) -> list[tuple[str, None]]:
    return [(group, None) for group in context.partition_keys]


def progress(context: AssetExecutionContext, total: int):
    """A logger of finished partitions, so long backfills show how far they are."""
    done, every = [0], max(1, total // 50)

    def log(label: str) -> None:
        done[0] += 1
        if done[0] == total or done[0] % every == 0:
            context.log.info(f"{done[0]}/{total} partitions computed (last: {label})")

    return log


def result(tally: Tally, **extra: Any) -> MaterializeResult:
    """Run facts as metadata: computed and skipped partitions, counts, anything extra.

    Partitions that failed were rolled back while the others were kept; the step then fails
    naming them, and a re-run resumes with only those."""
    if tally.failed:
        first = next(iter(tally.failed.items()))
        raise Failure(
            description=f"{len(tally.failed)} partition(s) failed, {len(tally.computed)} written; "
                        f"first: {first[0]}: {first[1]}",
            metadata={"failed": MetadataValue.json(tally.failed), "computed": MetadataValue.json(tally.computed)},
        )
    metadata: dict[str, Any] = {
        "partitions_computed": len(tally.computed),
        "partitions_skipped": len(tally.skipped),
        "computed": MetadataValue.json(tally.computed),
        # Each partition's data version: a hash of its content (unchanged content, same hash).
        "data_versions": MetadataValue.json(tally.versions),
        **tally.facts,
        **extra,
    }
    single = next(iter(tally.versions.values())) if len(tally.versions) == 1 else None
    return MaterializeResult(metadata=metadata, data_version=DataVersion(single) if single else None)


def llm_facts(client: Any) -> dict[str, Any]:
    """An LLM client's request and token counts, for the step's metadata (never its key)."""
    if client is None:
        return {"llm_requests": 0, "llm_cache_hits": 0}
    stats = client.stats
    facts = {
        "llm_requests": stats.requests, "llm_cache_hits": stats.cache_hits,
        "llm_input_tokens": stats.input_tokens, "llm_output_tokens": stats.output_tokens,
    }
    if stats.cost is not None:
        facts["llm_cost_estimate"] = round(stats.cost, 6)
    return facts
