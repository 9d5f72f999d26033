"""posts: the writer's Atom entries for each day, in the one `documents` table."""


from datetime import date

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset
from dagster_duckdb import DuckDBResource

from ..core.journal import (
    WAREHOUSE_DDL,
    day_enrichments,
    day_windows,
    ensure_schema,
    fingerprint,
    replace_slice,
    run_slices,
    upstream_hash,
)
from ..core.posts.digest import DIGEST_WRITER, write_digest
from ..core.posts.documents import documents_table, post_text, to_documents, unique_slugs
from ..core.prompts import prompt_hash
from ..core.raw_exports.staging import group_timezone
from ..core.windows import window_text
from ..partitions import day_by_group, single_run
from ..resources import (
    PROMPTS,
    Embedder,
    HomeResource,
    LLMResource,
    PromptsResource,
    VectorStore,
)
from .common import day_keys, llm_facts, progress, result
from .embeddings import embeddings

# The prompt is part of the code: editing it makes the asset (and its LLM calls) new.
CODE_VERSION = "posts-1+" + fingerprint(prompt_hash(PROMPTS, "writer"))[:8]


@asset(
    partitions_def=day_by_group, backfill_policy=single_run, code_version=CODE_VERSION,
    deps=[embeddings], group_name="write", kinds={"duckdb"}, pool="llm",
)
def posts(
    context: AssetExecutionContext, home: HomeResource, warehouse: DuckDBResource,
    vectors: VectorStore, embedder: Embedder, llm: LLMResource, prompts: PromptsResource,
) -> MaterializeResult:
    """Blog posts written from each window: 0..N per window, quiet days give none."""
    settings, keys = home.settings(), day_keys(context)
    client = llm.client() if llm.enabled else None
    writer = f"llm:{llm.model}" if client else DIGEST_WRITER
    identity = fingerprint(writer, _prompt_hash(prompts) if client else None)
    previews: list[str] = []
    no_answer: dict[str, str] = {}  # window id -> why the model gave it no usable answer

    def signature(group: str, day: date) -> str:
        return fingerprint(CODE_VERSION, identity, upstream_hash(conn, "windows", group, day),
                           upstream_hash(conn, "enrichments", group, day))

    def compute(group: str, day: date) -> tuple[str, dict]:
        zone = group_timezone(home.home, group, settings.group(group).timezone, settings.timezone)
        found, extras = day_windows(conn, group, day), day_enrichments(conn, group, day)
        docs = []
        for window in found:
            mine = [e for e in extras if e.window_id == window.id]
            if client:
                drafts, reason = _llm_drafts(client, prompts, vectors, embedder, window, mine)
                if reason:
                    no_answer[window.id] = reason
            else:
                drafts = write_digest(window, mine, background=[window_text(w) for w in found if w is not window])
            docs += to_documents(drafts, window, timezone=zone, writer=writer)
        docs = unique_slugs(docs)  # two windows of a day may get one slug from a model
        replace_slice(conn, "documents", group, day, documents_table(docs))
        texts = [post_text(d) for d in docs]
        vectors.replace(group, day.isoformat(), "post", [
            {"id": d.id, "group": group, "date": day.isoformat(), "kind": "post", "title": d.title,
             "text": t, "url": _url(d), "vector": v} for d, t, v in zip(docs, texts, embedder.embed(texts))])
        previews.extend(f"- **{d.title}** ({d.date})" for d in docs)
        return fingerprint([d.model_dump_json() for d in docs]), {
            "posts": len(docs), "windows_without_answer": sum(w.id in no_answer for w in found)}

    with warehouse.get_connection() as conn:
        ensure_schema(conn, WAREHOUSE_DDL)
        tally = run_slices(conn, "posts", keys, signature, compute, progress(context, len(keys)))
    if tally.computed:
        vectors.index_text()
    return result(tally, writer=writer, preview=MetadataValue.md("\n".join(previews[:30]) or "_no new posts_"),
                  windows_without_answer_reasons=MetadataValue.json(no_answer), **llm_facts(client))


def _llm_drafts(client, prompts, vectors, embedder, window, enrichments):
    from ..core.embeddings import hybrid_search, search_terms
    from ..core.posts.llm_writer import write_posts_llm

    text = window_text(window)
    hits = hybrid_search(vectors.table(), embedder.embed([text])[0], search_terms(text[:2000]), group=window.group,
                         k=5, before=window.date.isoformat())
    related = [f"{h['date']} {h['title']}: {h['text'][:800]}" for h in hits]
    return write_posts_llm(client, prompts.path, window, enrichments, related)


def _prompt_hash(prompts: PromptsResource) -> str:
    from ..core.prompts import prompt_hash

    return prompt_hash(prompts.path, "writer")


def _url(doc) -> str:
    from ..core.mkdocs_site import post_path

    return post_path(doc)
