"""Turning a writer's drafts into Atom entries (the `documents` table's records)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TypeVar
from zoneinfo import ZoneInfo

from ..models import Document, Link, PostDraft, Window
from ..sanitize import plain_line
from ..text import slugify

ENTRY_AUTHORITY = "egregora.local,2026"
MAX_TAG_CHARS = 40  # a tag is a word or two; the site writes a file per category, named after it
MAX_TITLE_CHARS = 120
MAX_SUMMARY_CHARS = 2000
_TAG_JUNK = re.compile(r"[<>&\"'`#/\\{}\[\]|*_~^$%]")
Slugged = TypeVar("Slugged", PostDraft, Document)


def entry_id(group: str, window: Window, n: int) -> str:
    """A stable Atom id (RFC 4151 tag URI): the same window gives the same entry."""
    return f"tag:{ENTRY_AUTHORITY}:{group}/{window.date}/{window.id}/{n}"


def to_documents(drafts: Sequence[PostDraft], window: Window, *, timezone: str, writer: str) -> list[Document]:
    """Atom entries for a window's drafts, dated when the conversation ended (so re-runs match)."""
    zone = ZoneInfo(timezone)
    moment = window.end.replace(tzinfo=zone) if window.end.tzinfo is None else window.end
    by_id = {m.id: m for m in window.messages}
    docs = []
    for n, draft in enumerate(drafts):
        drawn = [by_id[i] for i in draft.message_ids if i in by_id] or window.messages
        authors = sorted({m.author for m in drawn if m.author})
        docs.append(
            Document(
                id=entry_id(window.group, window, n),
                group=window.group,
                date=window.date,
                window_id=window.id,
                title=plain_line(draft.title, MAX_TITLE_CHARS) or f"{window.date}",
                slug=draft.slug,
                published=moment,
                updated=moment,
                authors=authors,
                summary=draft.summary.strip()[:MAX_SUMMARY_CHARS],
                content=draft.body,
                categories=tags(draft.tags),
                links=_links(draft.body),
                message_ids=[i for i in draft.message_ids if i in by_id],
                writer=writer,
            )
        )
    return docs


def tags(said: Sequence[str]) -> list[str]:
    """A writer's tags as the site can index them: one plain lowercase line each, without
    markup or path characters, short (the blog writes a file per tag), no repeats."""
    found = (_TAG_JUNK.sub("", plain_line(t, 4 * MAX_TAG_CHARS)).strip().lower() for t in said)
    return list(dict.fromkeys(t for t in found if 0 < len(t) <= MAX_TAG_CHARS))[:8]


def unique_slugs(items: Sequence[Slugged]) -> list[Slugged]:
    """The posts with slugs that repeat (once made URL-safe) suffixed -2, -3...

    Split halves of a window, or two windows of a day, may get the same slug from a model,
    and two posts of a day cannot share a URL."""
    used: set[str] = set()
    unique = []
    for item in items:
        base = slugify(item.slug, fallback="post")
        slug, n = base, 1
        while slug in used:
            n += 1
            # The suffix must survive the site's own slugify, which cuts at 80 characters.
            slug = f"{base[: 79 - len(str(n))].rstrip('-')}-{n}"
        used.add(slug)
        unique.append(item if slug == base else item.model_copy(update={"slug": slug}))
    return unique


def _links(body: str) -> list[Link]:
    from ..enrichments.enrich import find_urls

    return [Link(href=url) for url in find_urls(body)][:20]


def post_text(doc: Document) -> str:
    """What gets embedded for a post."""
    return f"{doc.title}\n{doc.summary}\n{doc.content}"
