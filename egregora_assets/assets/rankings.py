"""rankings: each group's posts ordered by Elo ratings from pairwise comparisons."""

from functools import partial

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from ..core.journal import Tally, in_turn
from ..core.prompts import prompt_hash
from ..core.rankings import (
    HEURISTIC,
    JUDGE_BUDGET,
    judge_heuristic,
    judge_llm,
    per_post,
    rank_group,
    rankings_markdown,
)
from ..partitions import after_new, groups
from ..resources import Embedder, LLMResource, PromptsResource, VectorStore, WarehouseResource
from .common import each_partition, llm_facts
from .posts import posts
from .windows import windows

CODE_VERSION = "rankings-4"  # the judge's prompt in use is part of each group's inputs (judge)


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
    client = llm.client(context, "judge") if llm.enabled else None
    judge = f"llm:{llm.model_for('judge')}+{prompt_hash(prompts.path, 'judge')[:8]}" if client else HEURISTIC
    # The LLM judge judges a few pairs per new post, in parallel, seeded by the offline heuristic;
    # the offline judge is free, and plays every post's rings.
    budget, each = (JUDGE_BUDGET, client.map) if client else (None, in_turn)
    decide = partial(judge_llm, client, prompts.path) if client else judge_heuristic

    def report(tally: Tally) -> dict:
        with warehouse.get_connection() as db:  # the order, also of groups this run left unchanged
            top = rankings_markdown(db, context.partition_keys)
        return {"judge": judge, "top": MetadataValue.md(top), **per_post(tally.facts), **llm_facts(client)}

    return each_partition(
        context,
        warehouse,
        lambda db, group, _: rank_group(
            db, group, judge=judge, decide=decide, post_vectors=vectors.post_vectors, budget=budget, each=each
        ),
        # The heuristic (the offline judge, and the LLM judge's seed) reads the posts' windows and
        # vectors (made by the embedding model).
        identity=(judge, embedder.model),
        after=report,
    )
