"""atom_feed: one Atom 1.0 feed per group, with the final privacy audit beside it."""

import hashlib
from datetime import date

from dagster import (
    AssetExecutionContext,
    MaterializeResult,
    asset,
)

from ..core.anonymized_messages.audit import Fields, Scope
from ..core.atom_feed import feed_texts, write_feed
from ..core.groups import group_title
from ..core.home import Home
from ..core.quotes import strip_marks
from ..core.rankings import top_posts
from ..core.tables import group_posts, group_ratings, groups_in
from ..core.warehouse import Database
from ..partitions import after_new_posts, groups
from ..resources import ChainSettings, HomeResource, WarehouseResource
from .anonymized_messages import journal_parts, privacy_check
from .common import each_partition
from .posts import posts
from .rankings import rankings

CODE_VERSION = "feed-4"


@asset(
    partitions_def=groups,
    code_version=CODE_VERSION,
    group_name="publish",
    # `groups` is the group dimension of the posts' day x group partitions, so Dagster maps a
    # group's feed to every day of that group (its default mapping, not a beta class at import).
    deps=[posts, rankings],
    automation_condition=after_new_posts,
    kinds={"xml"},
)
def atom_feed(
    context: AssetExecutionContext,
    home: HomeResource,
    settings: ChainSettings,
    warehouse: WarehouseResource,
) -> MaterializeResult:
    """The group's posts as an Atom feed with stable entry ids; rewritten only when it changes."""

    def title(group: str) -> str:
        return group_title(home.paths, group, settings.group(group).title)

    def identity(group: str, _) -> tuple:
        return settings.site_url, title(group), settings.feed_top_of(group)

    def compute(db, group: str, _) -> tuple[str, dict]:
        docs, top = group_posts(db, group), settings.feed_top_of(group)
        if top:
            docs = top_posts(docs, group_ratings(db, group), top)
        xml = write_feed(home.paths, group, title=title(group), site_url=settings.site_url, docs=docs)
        return hashlib.sha256(xml).hexdigest()[:24], {"entries": len(docs), "feed_bytes": len(xml)}

    return each_partition(
        context,
        warehouse,
        compute,
        identity=identity,
        missing=lambda group, _: not home.paths.feed(group).exists(),
        feeds=[str(home.paths.feed(g)) for g in context.partition_keys],
    )


def published_scopes(db: Database, home: Home) -> list[Scope]:
    """Each group's posts, a part per day, and its feed as written, one part."""
    # Source marks are message ids (keyed hashes, hex), which only look like numbers.
    names = ("title", "summary", "content", "authors", "categories", "links")

    def scope(group: str) -> Scope:
        feed = home.feed(group)

        def read(parts: list[str]) -> Fields:
            days = [date.fromisoformat(p) for p in parts if p != "feed"]
            posts = group_posts(db, group, days) if days else []
            fields = [(f"post:{d.id}", n, strip_marks(str(getattr(d, n)))) for d in posts for n in names]
            if "feed" in parts and feed.exists():
                fields += [(f"feed:{group}", name, text) for name, text in feed_texts(feed.read_bytes())]
            return fields

        written = hashlib.sha256(feed.read_bytes()).hexdigest() if feed.exists() else None
        return Scope(group, {**journal_parts(db, "posts", group), "feed": written}, read)

    return [scope(g) for g in groups_in(db, "documents")]


nothing_identifying_published = privacy_check(
    atom_feed,
    "nothing_identifying_published",
    "The final audit before the site: no real name, phone or e-mail in any post or feed.",
    published_scopes,
)
