"""Turning a writer's drafts into Atom entries (the `documents` table's records)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TypeVar
from zoneinfo import ZoneInfo

from ..models import Document, Link, PostDraft, Window
from ..text import slugify

ENTRY_AUTHORITY = "egregora.local,2026"
MAX_TAG_CHARS = 40  # a tag is a word or two; the site writes a file per category, named after it
Slugged = TypeVar("Slugged", PostDraft, Document)
PREVIEW_POSTS = 10  # a run's metadata is repeated on each of its partitions: a preview stays short


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
                title=draft.title.strip(),
                slug=draft.slug,
                published=moment,
                updated=moment,
                authors=authors,
                summary=draft.summary.strip(),
                content=draft.body,
                categories=[t.strip().lower() for t in draft.tags if 0 < len(t.strip()) <= MAX_TAG_CHARS][:8],
                links=_links(draft.body),
                message_ids=[i for i in draft.message_ids if i in by_id],
                writer=writer,
            )
        )
    return docs


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
            slug = f"{base}-{n}"
        used.add(slug)
        unique.append(item if slug == base else item.model_copy(update={"slug": slug}))
    return unique


def preview(docs: Sequence[Document], total: int) -> str:
    """Markdown for the Dagster UI: the first posts' titles, days and opening lines."""
    parts = [f"**{d.title}** · {d.date}\n\n> {opening(d.content)}" for d in docs[:PREVIEW_POSTS]]
    if total > len(parts):
        parts.append(f"_… and {total - len(parts)} more_")
    return "\n\n".join(parts) or "_no new posts_"


def opening(markdown: str, chars: int = 200) -> str:
    """The first words of a post's text as plain text: no headings, list marks, emphasis or images."""
    lines = (_MARKS.sub("", line.strip()) for line in markdown.splitlines())
    text = " ".join(line for line in lines if line and not line.startswith("![")).replace("**", "")
    return text if len(text) <= chars else text[:chars].rsplit(" ", 1)[0] + "…"


_MARKS = re.compile(r"^(?:#+|>|[-*+]|\d+\.)\s+")


def _links(body: str) -> list[Link]:
    from ..enrichments.enrich import find_urls

    return [Link(href=url) for url in find_urls(body)][:20]


def post_text(doc: Document) -> str:
    """What gets embedded for a post."""
    return f"{doc.title}\n{doc.summary}\n{doc.content}"
