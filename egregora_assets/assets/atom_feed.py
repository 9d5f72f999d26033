"""atom_feed: one Atom 1.0 feed per group, with the final privacy audit beside it."""


import hashlib
import os

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetDep,
    AssetExecutionContext,
    MaterializeResult,
    asset,
    asset_check,
)
from dagster_duckdb import DuckDBResource

from ..core.anonymized_messages.anonymize import find_pii
from ..core.anonymized_messages.pseudonyms import group_roster
from ..core.atom_feed import build_feed, feed_texts
from ..core.journal import (
    WAREHOUSE_DDL,
    ensure_schema,
    fingerprint,
    group_documents,
    group_hashes,
    run_slices,
)
from ..core.raw_exports.staging import staged_exports
from ..partitions import after_new_posts, all_days_of_group, groups
from ..resources import HomeResource
from .common import group_keys, result
from .posts import posts

CODE_VERSION = "feed-1"


def group_title(settings, home, group: str) -> str:
    """The configured title, else the chat's own name (unless it names someone), else the slug."""
    if settings.group(group).title:
        return settings.group(group).title
    names = [r.group_name for _, r in staged_exports(home, group) if r.group_name]
    if names and not group.startswith("group-"):  # an opaque slug means the name names someone
        return names[-1]
    return group.replace("-", " ").capitalize()


@asset(
    partitions_def=groups, code_version=CODE_VERSION, group_name="publish",
    deps=[AssetDep(posts, partition_mapping=all_days_of_group)],
    automation_condition=after_new_posts, kinds={"xml"},
)
def atom_feed(context: AssetExecutionContext, home: HomeResource, warehouse: DuckDBResource) -> MaterializeResult:
    """The group's posts as an Atom feed with stable entry ids; rewritten only when it changes."""
    settings = home.settings()

    def signature(group: str, _) -> str:
        return fingerprint(CODE_VERSION, group_hashes(conn, "posts", group), settings.site_url,
                           group_title(settings, home.home, group))

    def compute(group: str, _) -> tuple[str, dict]:
        docs = group_documents(conn, group)
        xml = build_feed(group=group, title=group_title(settings, home.home, group),
                         feed_id=f"tag:egregora.local,2026:{group}/feed", site_url=settings.site_url, docs=docs)
        path = home.home.feed(group)
        if not path.exists() or path.read_bytes() != xml:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.with_name(path.name + ".part").write_bytes(xml)
            os.replace(path.with_name(path.name + ".part"), path)
        return hashlib.sha256(xml).hexdigest()[:24], {"entries": len(docs), "feed_bytes": len(xml)}

    with warehouse.get_connection() as conn:
        ensure_schema(conn, WAREHOUSE_DDL)
        tally = run_slices(conn, "atom_feed", group_keys(context), signature, compute,
                           missing=lambda group, _: not home.home.feed(group).exists())
    return result(tally, feeds=[str(home.home.feed(g)) for g, _ in group_keys(context)])


@asset_check(asset=atom_feed, blocking=True)
def nothing_identifying_published(
    context: AssetCheckExecutionContext, home: HomeResource, staging: DuckDBResource,
    warehouse: DuckDBResource,
) -> AssetCheckResult:
    """The final audit before the site: no real name, phone or e-mail in any post or feed."""
    findings, checked = [], 0
    with staging.get_connection() as raw, warehouse.get_connection() as conn:
        ensure_schema(conn, WAREHOUSE_DDL)
        for (group,) in conn.execute('SELECT DISTINCT "group" FROM documents').fetchall():
            roster = group_roster(raw, home.home, group).roster
            fields = [(f"post:{d.id}", name, str(getattr(d, name))) for d in group_documents(conn, group)
                      for name in ("title", "summary", "content", "authors", "categories", "links")]
            feed = home.home.feed(group)
            if feed.exists():
                fields += [(f"feed:{group}", name, text) for name, text in feed_texts(feed.read_bytes())]
            checked += len(fields)
            findings += find_pii(fields, roster)
    return AssetCheckResult(passed=not findings, metadata={
        "fields_checked": checked, "findings": len(findings), "first_findings": "\n".join(findings[:20])})
