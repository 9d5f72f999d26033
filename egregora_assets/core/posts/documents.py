"""Turning a writer's drafts into Atom entries (the `documents` table's records)."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from ..models import Document, Link, PostDraft, Window

ENTRY_AUTHORITY = "egregora.local,2026"

def entry_id(group: str, window: Window, n: int) -> str:
    """A stable Atom id (RFC 4151 tag URI): the same window gives the same entry."""
    return f"tag:{ENTRY_AUTHORITY}:{group}/{window.date}/{window.id}/{n}"


def to_documents(
    drafts: Sequence[PostDraft], window: Window, *, timezone: str, writer: str
) -> list[Document]:
    """Atom entries for a window's drafts, dated when the conversation ended (so re-runs match)."""
    zone = ZoneInfo(timezone)
    moment = window.end.replace(tzinfo=zone) if window.end.tzinfo is None else window.end
    by_id = {m.id: m for m in window.messages}
    docs = []
    for n, draft in enumerate(drafts):
        drawn = [by_id[i] for i in draft.message_ids if i in by_id] or window.messages
        authors = sorted({m.author for m in drawn if m.author})
        docs.append(Document(
            id=entry_id(window.group, window, n), group=window.group, date=window.date,
            window_id=window.id, title=draft.title.strip(), slug=draft.slug, published=moment,
            updated=moment, authors=authors, summary=draft.summary.strip(), content=draft.body,
            categories=[t.strip().lower() for t in draft.tags if t.strip()][:8],
            links=_links(draft.body), message_ids=[i for i in draft.message_ids if i in by_id],
            writer=writer,
        ))
    return docs


def _links(body: str) -> list[Link]:
    from ..enrichments.enrich import find_urls

    return [Link(href=url) for url in find_urls(body)][:20]


def post_text(doc: Document) -> str:
    """What gets embedded for a post."""
    return f"{doc.title}\n{doc.summary}\n{doc.content}"
