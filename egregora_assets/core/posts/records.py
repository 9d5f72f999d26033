"""Turning a writer's drafts into posts: the Atom entries the `documents` table stores."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import TypeVar
from zoneinfo import ZoneInfo

from ..models import ENTRY_AUTHORITY, MAX_SUMMARY_CHARS, MAX_TITLE_CHARS, Link, Post, PostDraft, Window
from ..quotes import strip_marks
from ..sanitize import plain_line
from ..text import fold, slugify
from ..urls import find_urls

MAX_TAG_CHARS = 40  # a tag is a word or two; the site writes a file per category, named after it
_TAG_JUNK = re.compile(r"[<>&\"'`#/\\{}\[\]|*_~^$%]")
Slugged = TypeVar("Slugged", PostDraft, Post)
PREVIEW_POSTS = 10  # a run's metadata is repeated on each of its partitions: a preview stays short


def entry_id(group: str, window: Window, n: int) -> str:
    """A stable Atom id (RFC 4151 tag URI): the same window gives the same entry."""
    return f"tag:{ENTRY_AUTHORITY}:{group}/{window.date}/{window.id}/{n}"


def to_posts(drafts: Sequence[PostDraft], window: Window, *, timezone: str, writer: str) -> list[Post]:
    """Atom entries for a window's drafts, dated when the conversation ended (so re-runs match)."""
    zone = ZoneInfo(timezone)
    moment = window.end.replace(tzinfo=zone) if window.end.tzinfo is None else window.end
    by_id = {m.id: m for m in window.messages}
    docs = []
    for n, draft in enumerate(drafts):
        drawn = [by_id[i] for i in draft.message_ids if i in by_id] or window.messages
        authors = sorted({m.author for m in drawn if m.author})
        docs.append(
            Post(
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
                message_ids=list(dict.fromkeys(draft.message_ids)),  # see hold_citations
                writer=writer,
            )
        )
    return docs


_QUOTE = re.compile(r"^>\s?(?:\*\*[^*\n]+\*\*\s*(?:\(\d\d:\d\d\))?\s*:\s*)?(.+)$", re.MULTILINE)


def _comparable(text: str) -> str:
    """Text as a quote and its message can both be compared: no Markdown escapes or autolink
    brackets, entities decoded, case, accents and spacing folded."""
    text = html.unescape(re.sub(r"\\([\\`*_\[\]])", r"\1", strip_marks(text)))
    text = re.sub(r"https?://", "", re.sub(r"<(https?://[^>\s]+)>", r"\1", text))  # autolinks gain a scheme
    return " ".join(fold(text).split())


def hold_citations(doc: Post, window: Window) -> tuple[Post, int]:
    """`doc` made true to its window, and how many fixes that took: ids the window does not
    hold are dropped, and a quote found in none of the messages it cites stops being a quote
    (the writer's words stay, the false attribution goes)."""
    held = {m.id: m for m in window.messages}
    ids = [i for i in doc.message_ids if i in held]
    cited = [_comparable(held[i].text) for i in ids]
    fixes = len(doc.message_ids) - len(ids)

    def unquote(match: re.Match[str]) -> str:
        nonlocal fixes
        quote = _comparable(match.group(1)).removesuffix("…").strip()
        if quote and not any(quote in text for text in cited):
            fixes += 1
            return match.group(1)
        return match.group(0)

    content = _QUOTE.sub(unquote, doc.content)
    return doc.model_copy(update={"content": content, "message_ids": ids}), fixes


def citation_problems(doc: Post, window: Window | None) -> list[str]:
    """Why `doc` misquotes its window: ids it cites that the window does not hold, and quotes
    (Markdown blockquotes) found in none of the messages it cites. Names ids, never text."""
    if window is None:
        return [f"{doc.id}: its window {doc.window_id} is gone"]
    held = {m.id: m for m in window.messages}
    problems = [f"{doc.id}: cites {i}, not in its window" for i in doc.message_ids if i not in held]
    cited = [_comparable(held[i].text) for i in doc.message_ids if i in held]
    for n, match in enumerate(_QUOTE.finditer(doc.content), start=1):
        quote = _comparable(match.group(1)).removesuffix("…").strip()
        # A quote cut short ends with an ellipsis; what is left must be said word for word.
        if quote and not any(quote in text for text in cited):
            problems.append(f"{doc.id}: quote {n} is in none of the messages it cites")
    return problems


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


def preview(docs: Sequence[Post], total: int) -> str:
    """Markdown for the Dagster UI: the first posts' titles, days and opening lines."""
    parts = [f"**{d.title}** · {d.date}\n\n> {opening(d.content)}" for d in docs[:PREVIEW_POSTS]]
    if total > len(parts):
        parts.append(f"_… and {total - len(parts)} more_")
    return "\n\n".join(parts) or "_no new posts_"


def opening(markdown: str, chars: int = 200) -> str:
    """The first words of a post's text as plain text: no headings, list marks, emphasis or images."""
    lines = (_MARKS.sub("", line.strip()) for line in strip_marks(markdown).splitlines())
    text = " ".join(line for line in lines if line and not line.startswith("![")).replace("**", "")
    return text if len(text) <= chars else text[:chars].rsplit(" ", 1)[0] + "…"


_MARKS = re.compile(r"^(?:#+|>|[-*+]|\d+\.)\s+")


def _links(body: str) -> list[Link]:
    return [Link(href=url) for url in find_urls(body)][:20]


def post_text(doc: Post) -> str:
    """What gets embedded for a post."""
    return f"{doc.title}\n{doc.summary}\n{strip_marks(doc.content)}"
