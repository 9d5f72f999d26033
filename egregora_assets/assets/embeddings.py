"""embeddings: a semantic vector for each window, in LanceDB, replaced per partition."""

from datetime import date

from dagster import AssetExecutionContext, MaterializeResult
from dagster_duckdb import DuckDBResource

from ..core.journal import fingerprint, upstream_hash
from ..core.tables import day_windows
from ..core.windows import window_text
from ..partitions import daily_asset
from ..resources import Embedder, VectorStore
from .common import each_partition
from .windows import windows

CODE_VERSION = "embed-1"


@daily_asset(
    code_version=CODE_VERSION,
    deps=[windows],
    group_name="write",
    kinds={"lancedb"},
)
def embeddings(
    context: AssetExecutionContext,
    warehouse: DuckDBResource,
    vectors: VectorStore,
    embedder: Embedder,
) -> MaterializeResult:
    """Vectors of every window's pseudonymized text, for retrieval by the writer and `egregora ask`."""
    model = f"{embedder.provider}:{embedder.model}"

    def signature(conn, group: str, day: date) -> str:
        return fingerprint(CODE_VERSION, upstream_hash(conn, "windows", group, day), model)

    def compute(conn, group: str, day: date) -> tuple[str, dict]:
        found = day_windows(conn, group, day)
        texts = [window_text(w) for w in found]
        vectors.replace(
            group,
            day.isoformat(),
            "window",
            [
                {
                    "id": w.id,
                    "group": group,
                    "date": day.isoformat(),
                    "kind": "window",
                    "title": f"{day} #{w.index + 1}",
                    "text": text,
                    "url": "",
                    "vector": vector,
                }
                for w, text, vector in zip(found, texts, embedder.embed(texts))
            ],
        )
        return fingerprint(upstream_hash(conn, "windows", group, day), model), {"vectors": len(found)}

    def reindex(tally) -> None:
        if tally.computed:  # the full-text index covers the whole table
            vectors.index_text()

    return each_partition(context, warehouse, signature, compute, after=reindex, model=model)
