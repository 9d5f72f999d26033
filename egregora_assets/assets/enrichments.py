"""enrichments: what is known about each link and media attachment of a day's windows."""

from datetime import date
from functools import partial

from dagster import AssetExecutionContext, MaterializeResult

from ..core.enrichments.describe import describe_enrichment, media_info_reader
from ..core.enrichments.enrich import offline_enrichments
from ..core.journal import Deferred, fingerprint
from ..core.models import Enrichment
from ..core.prompts import prompt_hash
from ..core.tables import day_windows, enrichments_table
from ..partitions import daily_asset
from ..resources import HomeResource, LLMResource, PromptsResource, WarehouseResource
from .common import each_partition, llm_facts
from .windows import windows

PROMPT_NAMES = ("enrich_url", "describe_media")
CODE_VERSION = "enrich-2"  # the prompts in use are part of each partition's inputs (describer)


@daily_asset(
    code_version=CODE_VERSION,
    deps=[windows],
    group_name="write",
    kinds={"duckdb"},
    pool="llm",
)
def enrichments(
    context: AssetExecutionContext,
    home: HomeResource,
    warehouse: WarehouseResource,
    llm: LLMResource,
    prompts: PromptsResource,
) -> MaterializeResult:
    """Domains, media types and image sizes of shared links and media; with an LLM, descriptions."""
    client = llm.client(context) if llm.enabled else None
    describer = (
        f"llm:{llm.model}:{fingerprint(*(prompt_hash(prompts.path, n) for n in PROMPT_NAMES))}" if client else "offline"
    )

    def compute(db, group: str, day: date) -> tuple[str, dict, dict] | Deferred:
        info = media_info_reader(home.paths, group)
        found = [e for w in day_windows(db, group, day) for e in offline_enrichments(w, media_info=info)]
        if client:  # each item's page and description are waited for on a worker thread
            return Deferred(
                [partial(describe_enrichment, client, prompts.path, home.paths, e, llm) for e in found], _rows
            )
        return _rows(found)

    return each_partition(
        context,
        warehouse,
        compute,
        identity=describer,
        after=lambda _: {"describer": describer, **llm_facts(client)},
        workers=client.concurrency if client else 1,
    )


def _rows(found: list[Enrichment]) -> tuple[str, dict, dict]:
    """A day's enrichments as (output hash, counts, rows)."""
    rows = enrichments_table(found)
    facts = {"links": sum(e.kind == "url" for e in found), "media": sum(e.kind == "media" for e in found)}
    return fingerprint(rows.to_pylist()), facts, {"enrichments": rows}
