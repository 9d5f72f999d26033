"""embeddings: a semantic vector for each window, in LanceDB, replaced for the run's partitions at once."""

from datetime import date

from dagster import AssetExecutionContext, MaterializeResult

from ..core.journal import fingerprint, upstream_hash
from ..core.tables import day_windows
from ..partitions import daily_asset
from ..resources import Embedder, VectorStore, WarehouseResource
from .common import each_partition
from .windows import windows

CODE_VERSION = "embed-2"


@daily_asset(
    code_version=CODE_VERSION,
    deps=[windows],
    group_name="write",
    kinds={"lancedb"},
)
def embeddings(
    context: AssetExecutionContext,
    warehouse: WarehouseResource,
    vectors: VectorStore,
    embedder: Embedder,
) -> MaterializeResult:
    """Vectors of every window's pseudonymized text, for retrieval by the writer and `egregora ask`."""
    model = f"{embedder.provider}:{embedder.model}"
    waiting: dict = {}  # (group, day) -> its windows, embedded together when their batch commits

    def compute(db, group: str, day: date) -> tuple[str, dict]:
        waiting[(group, day)] = day_windows(db, group, day)
        return fingerprint(upstream_hash(db, "windows", group, day), model), {"vectors": len(waiting[(group, day)])}

    def write(keys: list) -> None:  # one encode and one LanceDB write for the whole batch
        vectors.replace_windows(keys, [w for key in keys for w in waiting.pop(key)], embedder)

    def reindex(tally) -> None:
        if tally.computed:  # the full-text index covers the whole table
            vectors.index_text()

    return each_partition(context, warehouse, compute, identity=model, before_commit=write, after=reindex, model=model)
