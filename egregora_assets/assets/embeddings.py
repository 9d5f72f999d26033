"""embeddings: a semantic vector for each window, in LanceDB, replaced per partition."""


from datetime import date

from dagster import AssetExecutionContext, MaterializeResult, asset
from dagster_duckdb import DuckDBResource

from ..core.journal import (
    WAREHOUSE_DDL,
    day_windows,
    ensure_schema,
    fingerprint,
    run_slices,
    upstream_hash,
)
from ..core.windows import window_text
from ..partitions import day_by_group, single_run
from ..resources import Embedder, HomeResource, VectorStore
from .common import day_keys, progress, result
from .enrichments import enrichments

CODE_VERSION = "embed-1"


@asset(
    partitions_def=day_by_group, backfill_policy=single_run, code_version=CODE_VERSION,
    deps=[enrichments], group_name="write", kinds={"lancedb"},
)
def embeddings(
    context: AssetExecutionContext, home: HomeResource, warehouse: DuckDBResource,
    vectors: VectorStore, embedder: Embedder,
) -> MaterializeResult:
    """Vectors of every window's pseudonymized text, for retrieval by the writer and `egregora ask`."""
    keys = day_keys(context)
    model = f"{embedder.provider}:{embedder.model}"

    def signature(group: str, day: date) -> str:
        return fingerprint(CODE_VERSION, upstream_hash(conn, "windows", group, day), model)

    def compute(group: str, day: date) -> tuple[str, dict]:
        found = day_windows(conn, group, day)
        texts = [window_text(w) for w in found]
        rows = [
            {"id": w.id, "group": group, "date": day.isoformat(), "kind": "window",
             "title": f"{day} #{w.index + 1}", "text": text, "url": "", "vector": vector}
            for w, text, vector in zip(found, texts, embedder.embed(texts))
        ]
        vectors.replace(group, day.isoformat(), "window", rows)
        return fingerprint(upstream_hash(conn, "windows", group, day), model), {"vectors": len(rows)}

    with warehouse.get_connection() as conn:
        ensure_schema(conn, WAREHOUSE_DDL)
        tally = run_slices(conn, "embeddings", keys, signature, compute, progress(context, len(keys)))
    if tally.computed:
        vectors.index_text()
    return result(tally, model=model)
