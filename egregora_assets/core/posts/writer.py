"""The posts of a run: each day's written from its windows and threaded, and what the run reports."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from ..journal import Deferred, Key, fingerprint
from ..models import Enrichment, Post, PostDraft, Window
from ..tables import day_enrichments, day_windows, group_day_texts, group_posts, posts_table, posts_with_ids
from ..threads import found_post, recent_posts, replied_post, same_topic_post
from ..warehouse import Database
from .digest import Archive, Embed, write_digest
from .records import PREVIEW_POSTS, hold_citations, preview, to_posts, unique_slugs

if TYPE_CHECKING:
    from ..llm import LLM

# A window, and the (group, day) partitions whose posts it must not see -> the texts of the
# archive nearest it, best first.
Search = Callable[[Window, Sequence[Key]], list[dict[str, Any]]]
Drafts = tuple[list[PostDraft], str | None, list[str]]  # a window's drafts, why it got none, posts its search found


@dataclass
class PostWriter:
    """Writes the posts of a run's days, one (group, day) at a time, and keeps what the run reports.

    With an LLM `client`, a window's posts are the model's answer, given what `search` finds, and
    a post continues an earlier one it found. Without, they are the offline digest's, whose tags
    favour what the group's other days share, and a post continues one of the last weeks on the
    same topic (stored, or written in this run)."""

    name: str  # the writer, as each post records it
    zone: Callable[[str], str]  # a group's timezone
    embed: Embed | None  # texts -> vectors, to pick the messages the offline digest quotes
    prompts: Path  # the folder of the prompt templates
    search: Search
    client: LLM | None = None
    # What the run reports: its first posts (for the preview), why windows got no usable answer
    # (by window id), citations fixed (ids outside the window dropped, misquotes made plain text)
    # and posts that continue an earlier one.
    written: list[Post] = field(default_factory=list, init=False)
    no_answer: dict[str, str] = field(default_factory=dict, init=False)
    citations_fixed: int = field(default=0, init=False)
    continuing: int = field(default=0, init=False)
    # Offline, each group's days' texts and its posts by day (stored, or written in this run),
    # read once per run; and each day's posts until their vectors are written with their batch.
    _archives: dict[str, Archive] = field(default_factory=dict, init=False)
    _posted: dict[str, dict[date, list[Post]]] = field(default_factory=dict, init=False)
    _waiting: dict[Key, list[Post]] = field(default_factory=dict, init=False)
    # The days this step has begun to rewrite. The LLM writer's search never sees their posts,
    # so what a day's writer reads does not depend on which days were written (or committed)
    # first: a day sees the posts of earlier days stored before the step began, and of no day
    # this step rewrites. Days can then be written in parallel, with the same result.
    _rewriting: set[Key] = field(default_factory=set, init=False)
    # What the search cannot see, threading can: the posts this step wrote, by group, in the
    # days' order (which `_finish` follows, whatever the order the model answered in).
    _written_here: dict[str, list[Post]] = field(default_factory=dict, init=False)

    def write(self, db: Database, group: str, day: date) -> tuple[str, dict[str, int], dict[str, pa.Table]] | Deferred:
        """A day's posts: their hash, their counts and their rows; with an LLM, deferred (see
        `Deferred`): the model writes each window on a worker thread, and the rest follows in the
        days' order."""
        found, extras = day_windows(db, group, day), day_enrichments(db, group, day)
        mine = {w.id: [e for e in extras if e.window_id == w.id] for w in found}
        if self.client is None:
            if group not in self._archives:
                self._read_group(db, group)
            background = self._archives[group].without(day)
            drafts: list[Drafts] = [
                (write_digest(w, mine[w.id], background=background, embed=self.embed), None, []) for w in found
            ]
            return self._finish(db, group, day, found, drafts)
        self._rewriting.add((group, day))
        hidden = sorted(self._rewriting)  # this step's days so far: their stored posts are being replaced
        return Deferred(
            [partial(self._llm_drafts, w, mine[w.id], hidden) for w in found],
            lambda drafts: self._finish(db, group, day, found, drafts),
        )

    def _finish(
        self, db: Database, group: str, day: date, found: list[Window], drafts: list[Drafts]
    ) -> tuple[str, dict[str, int], dict[str, pa.Table]]:
        """The day's posts from each window's drafts, threaded; the run's report updated."""
        zone = self.zone(group)
        docs: list[Post] = []
        windows: dict[date, dict[str, Window]] = {day: {w.id: w for w in found}}

        def window_of(post: Post) -> Window | None:
            """The window a post was written from (an earlier day's read once, for reply threads)."""
            if post.date not in windows:
                windows[post.date] = {w.id: w for w in day_windows(db, group, post.date)}
            return windows[post.date].get(post.window_id)

        for window, (written, reason, hit_ids) in zip(found, drafts):
            if reason:
                self.no_answer[window.id] = reason
            by_id = {d.id: d for d in posts_with_ids(db, hit_ids)} if hit_ids else {}
            earlier = [by_id[i] for i in hit_ids if i in by_id]
            for doc in to_posts(written, window, timezone=zone, writer=self.name):
                doc, fixes = hold_citations(doc, window)
                self.citations_fixed += fixes
                docs.append(self._thread(doc, earlier, docs, window, window_of))
        docs = unique_slugs(docs)  # two windows of a day may get one slug from a model
        if self.client is None:
            self._posted[group][day] = docs
        else:
            self._written_here.setdefault(group, []).extend(docs)
        self._waiting[(group, day)] = docs
        self.written.extend(docs[: PREVIEW_POSTS - len(self.written)])
        facts = {"posts": len(docs), "windows_without_answer": sum(w.id in self.no_answer for w in found)}
        return fingerprint([d.model_dump_json() for d in docs]), facts, {"documents": posts_table(docs)}

    def take(self, keys: Sequence[Key]) -> list[Post]:
        """The posts of these days, whose vectors are written when their batch commits; forgotten here."""
        return [d for key in keys for d in self._waiting.pop(key)]

    def report(self, total: int) -> tuple[str, dict[str, Any]]:
        """A Markdown preview of the run's first posts (of `total`), and its facts: why windows got
        no answer (the first 10), the citations fixed, the posts that continue an earlier one."""
        facts = {
            "windows_without_answer_reasons": dict(list(self.no_answer.items())[:10]),
            "citations_fixed": self.citations_fixed,
            "posts_continuing_earlier": self.continuing,
        }
        return preview(self.written, total), facts

    def _read_group(self, db: Database, group: str) -> None:
        """What the offline writer reads of a group once: its days' texts (the tags favour what they
        share) and its stored posts (new ones continue those of the last weeks on the same topic)."""
        self._archives[group] = Archive(group_day_texts(db, group))
        self._posted[group] = {}
        for old in group_posts(db, group):
            self._posted[group].setdefault(old.date, []).append(old)

    def _llm_drafts(self, window: Window, enrichments: list[Enrichment], hidden: list[Key]) -> Drafts:
        """A window's drafts by the LLM, why (part of) it got none, and the ids of the earlier posts
        its search found, best first. Reads no database: it runs on a worker thread."""
        from .llm_writer import write_posts_llm  # the LLM client's modules load only when one is used

        assert self.client is not None
        hits = self.search(window, hidden)
        related = [f"{h['date']} {h['title']}: {h['text'][:800]}" for h in hits]
        drafts, reason = write_posts_llm(self.client, self.prompts, window, enrichments, related)
        return drafts, reason, [h["id"] for h in hits if h["kind"] == "post"]

    def _thread(
        self,
        doc: Post,
        found: list[Post],
        same_day: list[Post],
        window: Window,
        window_of: Callable[[Post], Window | None],
    ) -> Post:
        """`doc` with the earlier post it continues: the one whose conversation its messages reply
        to, where the source records replies; else one the LLM writer's search found, else one
        this step wrote in the last weeks (newest first), sharing a tag; or offline, a post of the
        last weeks on the same topic (stored, or written in this run)."""
        if self.client is not None:
            here = recent_posts([*self._written_here.get(doc.group, []), *same_day], doc)
            earlier = replied_post(doc, window, [*found, *here], window_of) or found_post(doc, [*found, *here])
        else:
            known = [d for day, days in self._posted[doc.group].items() if day != doc.date for d in days] + same_day
            recent = recent_posts(known, doc)
            earlier = replied_post(doc, window, recent, window_of) or same_topic_post(doc, recent)
        self.continuing += earlier is not None
        return doc.model_copy(update={"continues": earlier})
