"""posts: the writer's Atom entries for each day, in the one `documents` table."""

from collections.abc import Sequence

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetExecutionContext,
    MaterializeResult,
    MetadataValue,
    asset_check,
)

from ..core.embeddings import hybrid_search, search_terms
from ..core.groups import group_timezone
from ..core.journal import Key, Tally, fingerprint
from ..core.models import Window
from ..core.posts.digest import DIGEST_WRITER
from ..core.posts.records import citation_problems
from ..core.posts.writer import PostWriter, Search
from ..core.prompts import prompt_hash
from ..core.tables import WAREHOUSE_TABLES, group_posts, group_windows, groups_in
from ..core.windows import window_text
from ..partitions import daily_asset
from ..resources import (
    ChainSettings,
    Embedder,
    HomeResource,
    LLMResource,
    PromptsResource,
    VectorStore,
    WarehouseResource,
)
from .anonymized_messages import anonymized_messages
from .common import each_partition, llm_facts
from .embeddings import embeddings
from .enrichments import enrichments
from .windows import windows

CODE_VERSION = "posts-5"  # the writer's prompt in use is part of each partition's inputs (identity)


@daily_asset(
    code_version=CODE_VERSION,
    # Offline, the writer also reads the group's other days (what they share makes the tags).
    deps=[windows, enrichments, embeddings, anonymized_messages],
    group_name="write",
    kinds={"duckdb"},
    pool="llm",
)
def posts(
    context: AssetExecutionContext,
    home: HomeResource,
    settings: ChainSettings,
    warehouse: WarehouseResource,
    vectors: VectorStore,
    embedder: Embedder,
    llm: LLMResource,
    prompts: PromptsResource,
) -> MaterializeResult:
    """Blog posts written from each window: 0..N per window, quiet days give none."""
    client = llm.client(context, "writer") if llm.enabled else None
    name = f"llm:{llm.model_for('writer')}" if client else DIGEST_WRITER
    # With an LLM, the writer's prompt and the reader's (a window too long for the model is read in parts).
    read_write = [prompt_hash(prompts.path, p) for p in ("reader", "writer")]
    identity = fingerprint(name, read_write if client else embedder.model)

    def zone(group: str) -> str:
        return group_timezone(home.paths, group, settings.group(group).timezone, settings.timezone)

    writer = PostWriter(name, zone, embedder.embed, prompts.path, _search(vectors, embedder), client=client)

    def embed_posts(keys: list) -> None:  # the batch's post vectors in one encode and one LanceDB write
        vectors.replace_posts(keys, writer.take(keys), embedder)

    def report(tally: Tally) -> dict:
        if tally.computed:
            vectors.index_text()
        shown, facts = writer.report(tally.facts.get("posts", 0))
        return {"writer": name, "preview": MetadataValue.md(shown), **facts, **llm_facts(client)}

    return each_partition(
        context,
        warehouse,
        writer.write,
        identity=identity,
        before_commit=embed_posts,
        after=report,
        workers=client.concurrency if client else 1,
    )


def _search(vectors: VectorStore, embedder: Embedder) -> Search:
    """The LLM writer's search: the posts and windows of the group's earlier days nearest a window."""

    def search(window: Window, hidden: Sequence[Key]) -> list[dict]:
        text = window_text(window)
        return hybrid_search(
            vectors.table(),
            embedder.embed([text])[0],
            search_terms(text[:2000]),
            group=window.group,
            k=5,
            before=window.date.isoformat(),
            hide_posts=[(g, d) for g, d in hidden if g == window.group and d is not None],
        )

    return search


@asset_check(asset=posts, blocking=True)
def citations_hold(context: AssetCheckExecutionContext, warehouse: WarehouseResource) -> AssetCheckResult:
    """Every post cites messages of its own window, and every quote is in a message it cites."""
    problems: list[str] = []
    with warehouse.get_connection() as db:
        db.create(WAREHOUSE_TABLES)
        for group in groups_in(db, "documents"):
            held = {w.id: w for day in group_windows(db, group).values() for w in day}
            for doc in group_posts(db, group):
                problems += citation_problems(doc, held.get(doc.window_id))
    return AssetCheckResult(
        passed=not problems, metadata={"problems": len(problems), "first_problems": "\n".join(problems[:20])}
    )
