"""Threads: which earlier post a new one continues, and the reverse, for the feed and the site."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from datetime import timedelta

from .models import Post, Window, post_order
from .text import fold

THREAD_DAYS = 28  # the offline writer looks this far back for the same topic


def replied_post(
    doc: Post, window: Window, earlier: Iterable[Post], window_of: Callable[[Post], Window | None]
) -> str | None:
    """The id of the earlier post whose conversation `doc`'s messages answer by reply links (the
    source's, where it records them), the newest such; or None. An earlier post's conversation
    is its window's messages (`window_of`), else the messages it cites."""
    answered = {r.id for m in window.messages if (r := window.replied(m)) is not None and r not in window.messages}
    if not answered:
        return None
    for other in sorted(earlier, key=post_order, reverse=True):
        if other.id == doc.id or other.published >= doc.published:
            continue
        theirs = window_of(other)
        said = {m.id for m in theirs.messages} if theirs else set(other.message_ids)
        if answered & said:
            return other.id
    return None


def found_post(doc: Post, found: Iterable[Post]) -> str | None:
    """The id of the earlier post `doc` continues among those the LLM writer's retrieval found
    (best first): the first that shares a tag with it, or None."""
    for other in found:
        if other.id != doc.id and other.published < doc.published and set(doc.categories) & set(other.categories):
            return other.id
    return None


def same_topic_post(doc: Post, recent: Sequence[Post]) -> str | None:
    """The id of the earlier post `doc` continues among `recent` (the last weeks' posts, newest
    first): the first that speaks of the same topic, or None.

    A topic is a post's own: the offline digest tags a post with its own name or noun first,
    then with words the whole archive shares ("semana", "trilha"), which say nothing of one
    conversation. Two posts speak of it when it is among their tags or in their titles, and it
    counts only when at most a third of the recent posts (two at least) speak of it: a group's
    everyday topic is no thread."""
    pool = [e for e in recent if e.id != doc.id and e.published < doc.published]
    own = {p.categories[0] for p in [doc, *pool] if p.categories}
    # Each topic `doc` speaks of -> the recent posts that speak of it too, if few enough do.
    speakers = {t: {e.id for e in pool if _says(e, t)} for t in sorted(own) if _says(doc, t)}
    rare = [ids for ids in speakers.values() if len(ids) <= max(2, len(pool) // 3)]
    return next((other.id for other in pool if any(other.id in ids for ids in rare)), None)


def _says(doc: Post, tag: str) -> bool:
    """Whether a post speaks of `tag`: among its tags, or in its title as whole words."""
    return tag in doc.categories or re.search(rf"\b{re.escape(fold(tag))}\b", fold(doc.title)) is not None


def recent_posts(docs: Iterable[Post], doc: Post, days: int = THREAD_DAYS) -> list[Post]:
    """The posts of the `days` before `doc` (and earlier ones of its day), newest first."""
    since = doc.published - timedelta(days=days)
    found = [d for d in docs if since <= d.published < doc.published and d.id != doc.id]
    return sorted(found, key=post_order, reverse=True)


def continued_in(docs: Sequence[Post]) -> dict[str, list[Post]]:
    """Post id -> the later posts that continue it, oldest first (only posts that are there)."""
    ids = {d.id for d in docs}
    later: dict[str, list[Post]] = {}
    for doc in sorted(docs, key=post_order):
        if doc.continues is not None and doc.continues in ids:
            later.setdefault(doc.continues, []).append(doc)
    return later
