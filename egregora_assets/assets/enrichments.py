"""enrichments: what is known about each link and media attachment of a day's windows."""


from datetime import date

import pyarrow as pa
from dagster import AssetExecutionContext, MaterializeResult, asset
from dagster_duckdb import DuckDBResource

from ..core.enrichments.describe import describe_enrichments, media_info_reader
from ..core.enrichments.enrich import offline_enrichments
from ..core.journal import (
    WAREHOUSE_DDL,
    day_windows,
    ensure_schema,
    fingerprint,
    replace_slice,
    run_slices,
    upstream_hash,
)
from ..core.models import Enrichment
from ..core.prompts import prompt_hash
from ..partitions import day_by_group, single_run
from ..resources import PROMPTS, HomeResource, LLMResource, PromptsResource
from .common import day_keys, llm_facts, progress, result
from .windows import windows

# The prompt is part of the code: editing it makes the asset (and its LLM calls) new.
CODE_VERSION = "enrich-1+" + fingerprint(
    prompt_hash(PROMPTS, "enrich_url"), prompt_hash(PROMPTS, "describe_media"))[:8]


@asset(
    partitions_def=day_by_group, backfill_policy=single_run, code_version=CODE_VERSION,
    deps=[windows], group_name="write", kinds={"duckdb"}, pool="llm",
)
def enrichments(
    context: AssetExecutionContext, home: HomeResource, warehouse: DuckDBResource,
    llm: LLMResource, prompts: PromptsResource,
) -> MaterializeResult:
    """Domains, media types and image sizes of shared links and media; with an LLM, descriptions."""
    keys = day_keys(context)
    client = llm.client() if llm.enabled else None
    describer = f"llm:{llm.model}:{prompts_hash(prompts)}" if client else "offline"

    def signature(group: str, day: date) -> str:
        return fingerprint(CODE_VERSION, upstream_hash(conn, "windows", group, day), describer)

    def compute(group: str, day: date) -> tuple[str, dict]:
        info = media_info_reader(home.home, group)
        found = [e for w in day_windows(conn, group, day) for e in offline_enrichments(w, media_info=info)]
        if client:
            found = describe_enrichments(client, prompts.path, home.home, found, llm)
        rows = pa.Table.from_pylist([e.model_dump() for e in found], schema=_SCHEMA)
        replace_slice(conn, "enrichments", group, day, rows)
        return fingerprint(rows.to_pylist()), {"links": sum(e.kind == "url" for e in found),
                                               "media": sum(e.kind == "media" for e in found)}

    with warehouse.get_connection() as conn:
        ensure_schema(conn, WAREHOUSE_DDL)
        tally = run_slices(conn, "enrichments", keys, signature, compute, progress(context, len(keys)))
    return result(tally, describer=describer, **llm_facts(client))


def prompts_hash(prompts: PromptsResource) -> str:
    from ..core.prompts import prompt_hash

    return fingerprint(prompt_hash(prompts.path, "enrich_url"), prompt_hash(prompts.path, "describe_media"))


_SCHEMA = pa.schema([(name, _t) for name, _t in [
    ("id", pa.string()), ("group", pa.string()), ("date", pa.date32()), ("window_id", pa.string()),
    ("message_id", pa.string()), ("kind", pa.string()), ("ref", pa.string()), ("domain", pa.string()),
    ("media_type", pa.string()), ("width", pa.int32()), ("height", pa.int32()), ("title", pa.string()),
    ("description", pa.string()), ("status", pa.string()),
]])
assert set(_SCHEMA.names) == set(Enrichment.model_fields)
