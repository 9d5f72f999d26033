"""rankings: each group's posts ordered by Elo ratings from pairwise comparisons."""

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from ..core.journal import fingerprint
from ..core.prompts import prompt_hash
from ..core.rankings import HEURISTIC, candidates, compare, elo_ratings, judge_heuristic, judge_llm, ranking_markdown
from ..core.tables import (
    COMPARISONS,
    RATINGS,
    group_comparisons,
    group_posts,
    group_ratings,
    per_group_rows,
    post_windows,
)
from ..partitions import after_new, groups
from ..resources import Embedder, LLMResource, PromptsResource, VectorStore, WarehouseResource
from .common import each_partition, llm_facts
from .posts import posts
from .windows import windows

CODE_VERSION = "rankings-3"  # the judge's prompt in use is part of each group's inputs (judge)


@asset(
    partitions_def=groups,
    code_version=CODE_VERSION,
    group_name="publish",
    deps=[posts, windows],
    automation_condition=after_new("windows"),
    kinds={"duckdb"},
    pool="llm",
)
def rankings(
    context: AssetExecutionContext,
    warehouse: WarehouseResource,
    vectors: VectorStore,
    embedder: Embedder,
    llm: LLMResource,
    prompts: PromptsResource,
) -> MaterializeResult:
    """The group's posts by Elo rating: compared in pairs by an LLM judge, or offline by engagement and novelty."""
    client = llm.client() if llm.enabled else None
    judge = f"llm:{llm.model}+{prompt_hash(prompts.path, 'judge')[:8]}" if client else HEURISTIC

    def decide(a, b):
        return judge_llm(client, prompts.path, a, b) if client else judge_heuristic(a, b)

    def compute(db, group: str, _) -> tuple[str, dict, dict]:
        docs = group_posts(db, group)
        found = candidates(docs, post_windows(db, group), None if client else vectors.post_vectors(group))
        comparisons, judged, unanswered = compare(
            group, found, group_comparisons(db, group), judge=judge, decide=decide
        )
        ratings = elo_ratings(group, judge, [c.id for c in found], comparisons, {c.id: c.key for c in found})
        facts = {
            "posts": len(docs),
            "comparisons": len(comparisons),
            "comparisons_judged": judged,
            "comparisons_without_answer": unanswered,
        }
        rows = {"comparisons": per_group_rows(comparisons, COMPARISONS), "ratings": per_group_rows(ratings, RATINGS)}
        return fingerprint([r.model_dump() for r in ratings]), facts, rows

    def report(_) -> dict:
        with warehouse.get_connection() as db:  # the order, also of groups this run left unchanged
            tops = [
                f"**{g}**\n\n{ranking_markdown(group_posts(db, g), group_ratings(db, g))}"
                for g in context.partition_keys
            ]
        return {"judge": judge, "top": MetadataValue.md("\n\n".join(tops)), **llm_facts(client)}

    # Offline, the judge reads the posts' windows and vectors (made by the embedding model).
    identity = (judge, None if client else embedder.model)
    return each_partition(context, warehouse, compute, identity=identity, after=report)
