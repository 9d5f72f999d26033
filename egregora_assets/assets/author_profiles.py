"""author_profiles: each group's pseudonyms with their activity, topics and portrait, for the author pages."""

from dagster import (
    AssetExecutionContext,
    MaterializeResult,
    MetadataValue,
    asset,
)

from ..core.anonymized_messages.audit import Fields, Scope
from ..core.author_profiles import build_profiles, profiles_preview, write_portrait
from ..core.home import Home
from ..core.journal import fingerprint, in_turn
from ..core.prompts import prompt_hash
from ..core.tables import author_messages, group_profiles, groups_in, profiles_table
from ..core.warehouse import Database
from ..partitions import after_new_posts, groups
from ..resources import LLMResource, PromptsResource, WarehouseResource
from .anonymized_messages import anonymized_messages, privacy_check
from .common import each_partition, llm_facts

CODE_VERSION = "authors-3"  # the portrait prompt in use is part of each group's inputs (identity)


@asset(
    partitions_def=groups,
    code_version=CODE_VERSION,
    group_name="publish",
    # A group's profiles read every day of its messages (the default mapping, as for the feed).
    deps=[anonymized_messages],
    automation_condition=after_new_posts,
    kinds={"duckdb"},
    pool="llm",
)
def author_profiles(
    context: AssetExecutionContext,
    warehouse: WarehouseResource,
    llm: LLMResource,
    prompts: PromptsResource,
) -> MaterializeResult:
    """One profile per pseudonym: messages per day, favourite topics and, with an LLM, a portrait."""
    client = llm.client(context, "portrait") if llm.enabled else None
    identity = (
        fingerprint(f"llm:{llm.model_for('portrait')}", prompt_hash(prompts.path, "portrait")) if client else None
    )
    shown: list = []  # the first profiles of the step, for the preview

    def compute(db, group: str, _) -> tuple[str, dict, dict]:
        previous = {p.author: p for p in group_profiles(db, group)}
        found, written = build_profiles(
            group,
            author_messages(db, group),
            previous=previous,
            identity=identity,
            portraitist=(lambda author, said: write_portrait(client, prompts.path, author, said)) if client else None,
            each=client.map if client else in_turn,
        )
        shown.extend(found[: 5 - len(shown)])
        redone = sum(p.topics_input != getattr(previous.get(p.author), "topics_input", None) for p in found)
        facts = {"authors": len(found), "topics_read": redone, "portraits_written": written}
        return fingerprint([p.model_dump_json() for p in found]), facts, {"author_profiles": profiles_table(found)}

    return each_partition(
        context,
        warehouse,
        compute,
        identity=identity,
        after=lambda tally: {"preview": MetadataValue.md(profiles_preview(shown)), **llm_facts(client)},
    )


def profile_scopes(db: Database, home: Home) -> list[Scope]:
    """Each group's author profiles, a part per pseudonym (few rows: read whole, hashed here)."""

    def scope(group: str) -> Scope:
        found = {p.author: p for p in group_profiles(db, group)}

        def read(authors: list[str]) -> Fields:
            return [(f"author:{a}", n, str(getattr(found[a], n) or "")) for a in authors for n in FIELDS]

        return Scope(group, {a: fingerprint(p.model_dump_json()) for a, p in found.items()}, read)

    return [scope(g) for g in groups_in(db, "author_profiles")]


FIELDS = ("author", "topics", "portrait")


profiles_name_no_one = privacy_check(
    author_profiles,
    "profiles_name_no_one",
    "No real name, phone or e-mail in any author profile (a portrait is a model's words).",
    profile_scopes,
)
