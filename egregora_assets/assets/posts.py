"""posts: the writer's Atom entries for each day, in the one `documents` table."""

from datetime import date

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetExecutionContext,
    MaterializeResult,
    MetadataValue,
    asset_check,
)

from ..core.groups import group_timezone
from ..core.journal import fingerprint
from ..core.models import Post
from ..core.posts.digest import DIGEST_WRITER, Archive, write_digest
from ..core.posts.records import (
    PREVIEW_POSTS,
    citation_problems,
    hold_citations,
    preview,
    to_posts,
    unique_slugs,
)
from ..core.prompts import prompt_hash
from ..core.tables import (
    WAREHOUSE_TABLES,
    day_enrichments,
    day_windows,
    group_day_texts,
    group_posts,
    group_windows,
    groups_in,
    posts_table,
    posts_with_ids,
)
from ..core.threads import found_post, recent_posts, same_topic_post
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

CODE_VERSION = "posts-4"  # the writer's prompt in use is part of each partition's inputs (identity)


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
    client = llm.client() if llm.enabled else None
    writer = f"llm:{llm.model}" if client else DIGEST_WRITER
    identity = fingerprint(writer, prompt_hash(prompts.path, "writer") if client else embedder.model)
    written: list = []  # the first posts of the step, for the preview
    no_answer: dict[str, str] = {}  # window id -> why the model gave it no usable answer
    citations_fixed = [0]  # ids outside the window dropped, misquotes made plain text
    archives: dict[str, Archive] = {}  # group -> its days' texts, read once per step
    waiting: dict = {}  # (group, day) -> its posts, whose vectors are written when their batch commits
    posted: dict[str, dict] = {}  # group -> day -> its posts (stored, or written in this step), for threads
    continuing = [0]  # posts that continue an earlier one

    def compute(db, group: str, day: date) -> tuple[str, dict, dict]:
        zone = group_timezone(home.paths, group, settings.group(group).timezone, settings.timezone)
        found, extras = day_windows(db, group, day), day_enrichments(db, group, day)
        # The offline writer's tags favour what the group's other days share.
        if not client and group not in archives:
            archives[group] = Archive(group_day_texts(db, group))
            posted[group] = {}  # and its posts continue those of the last weeks on the same topic
            for old in group_posts(db, group):
                posted[group].setdefault(old.date, []).append(old)
        docs: list[Post] = []
        for window in found:
            mine = [e for e in extras if e.window_id == window.id]
            found_posts: list[Post] = []  # the earlier posts the LLM writer's retrieval found, best first
            if client:
                drafts, reason, hits = _llm_drafts(client, prompts, vectors, embedder, window, mine)
                if reason:
                    no_answer[window.id] = reason
                by_id = {d.id: d for d in posts_with_ids(db, hits)}
                found_posts = [by_id[i] for i in hits if i in by_id]
            else:
                drafts = write_digest(window, mine, background=archives[group].without(day), embed=embedder.embed)
            for doc in to_posts(drafts, window, timezone=zone, writer=writer):
                doc, fixes = hold_citations(doc, window)
                citations_fixed[0] += fixes
                docs.append(thread(doc, found_posts, docs))
        docs = unique_slugs(docs)  # two windows of a day may get one slug from a model
        if not client:
            posted[group][day] = docs
        waiting[(group, day)] = docs
        written.extend(docs[: PREVIEW_POSTS - len(written)])
        facts = {"posts": len(docs), "windows_without_answer": sum(w.id in no_answer for w in found)}
        return fingerprint([d.model_dump_json() for d in docs]), facts, {"documents": posts_table(docs)}

    def thread(doc: Post, found_posts: list[Post], same_day: list[Post]) -> Post:
        """`doc` with the earlier post it continues: one the LLM writer's retrieval found, or
        offline, a post of the last weeks on the same topic (stored, or written in this step)."""
        if client:
            earlier = found_post(doc, found_posts)
        else:
            known = [d for day, days in posted[doc.group].items() if day != doc.date for d in days] + same_day
            earlier = same_topic_post(doc, recent_posts(known, doc))
        continuing[0] += earlier is not None
        return doc.model_copy(update={"continues": earlier})

    def write(keys: list) -> None:  # the batch's post vectors in one encode and one LanceDB write
        vectors.replace_posts(keys, [d for key in keys for d in waiting.pop(key)], embedder)

    def report(tally) -> dict:
        if tally.computed:
            vectors.index_text()
        return {
            "writer": writer,
            "preview": MetadataValue.md(preview(written, tally.facts.get("posts", 0))),
            "windows_without_answer_reasons": MetadataValue.json(dict(list(no_answer.items())[:10])),
            "citations_fixed": citations_fixed[0],
            "posts_continuing_earlier": continuing[0],
            **llm_facts(client),
        }

    return each_partition(context, warehouse, compute, identity=identity, before_commit=write, after=report)


def _llm_drafts(client, prompts: PromptsResource, vectors: VectorStore, embedder: Embedder, window, enrichments):
    from ..core.embeddings import hybrid_search, search_terms
    from ..core.posts.llm_writer import write_posts_llm

    text = window_text(window)
    hits = hybrid_search(
        vectors.table(),
        embedder.embed([text])[0],
        search_terms(text[:2000]),
        group=window.group,
        k=5,
        before=window.date.isoformat(),
    )
    related = [f"{h['date']} {h['title']}: {h['text'][:800]}" for h in hits]
    drafts, reason = write_posts_llm(client, prompts.path, window, enrichments, related)
    return drafts, reason, [h["id"] for h in hits if h["kind"] == "post"]


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
