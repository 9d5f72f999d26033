"""The posts of a run: each day's written from its windows and threaded, and what the run reports."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from ..journal import Key, fingerprint
from ..models import Enrichment, Post, PostDraft, Window
from ..tables import day_enrichments, day_windows, group_day_texts, group_posts, posts_table, posts_with_ids
from ..threads import found_post, recent_posts, same_topic_post
from ..warehouse import Database
from .digest import Archive, Embed, write_digest
from .records import PREVIEW_POSTS, hold_citations, preview, to_posts, unique_slugs

if TYPE_CHECKING:
    from ..llm import LLM

Search = Callable[[Window], list[dict[str, Any]]]  # a window -> the texts of the archive nearest it, best first


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

    def write(self, db: Database, group: str, day: date) -> tuple[str, dict[str, int], dict[str, pa.Table]]:
        """A day's posts: their hash, their counts and their rows."""
        zone = self.zone(group)
        found, extras = day_windows(db, group, day), day_enrichments(db, group, day)
        if self.client is None and group not in self._archives:
            self._read_group(db, group)
        docs: list[Post] = []
        for window in found:
            drafts, earlier = self._drafts(db, group, day, window, [e for e in extras if e.window_id == window.id])
            for doc in to_posts(drafts, window, timezone=zone, writer=self.name):
                doc, fixes = hold_citations(doc, window)
                self.citations_fixed += fixes
                docs.append(self._thread(doc, earlier, docs))
        docs = unique_slugs(docs)  # two windows of a day may get one slug from a model
        if self.client is None:
            self._posted[group][day] = docs
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

    def _drafts(
        self, db: Database, group: str, day: date, window: Window, enrichments: list[Enrichment]
    ) -> tuple[list[PostDraft], list[Post]]:
        """A window's drafts, and the earlier posts the LLM writer's search found, best first."""
        if self.client is None:
            background = self._archives[group].without(day)
            return write_digest(window, enrichments, background=background, embed=self.embed), []
        from .llm_writer import write_posts_llm  # the LLM client's modules load only when one is used

        hits = self.search(window)
        related = [f"{h['date']} {h['title']}: {h['text'][:800]}" for h in hits]
        drafts, reason = write_posts_llm(self.client, self.prompts, window, enrichments, related)
        if reason:
            self.no_answer[window.id] = reason
        ids = [h["id"] for h in hits if h["kind"] == "post"]
        by_id = {d.id: d for d in posts_with_ids(db, ids)}
        return drafts, [by_id[i] for i in ids if i in by_id]

    def _thread(self, doc: Post, found: list[Post], same_day: list[Post]) -> Post:
        """`doc` with the earlier post it continues: one the LLM writer's search found, or offline,
        a post of the last weeks on the same topic (stored, or written in this run)."""
        if self.client is not None:
            earlier = found_post(doc, found)
        else:
            known = [d for day, days in self._posted[doc.group].items() if day != doc.date for d in days] + same_day
            earlier = same_topic_post(doc, recent_posts(known, doc))
        self.continuing += earlier is not None
        return doc.model_copy(update={"continues": earlier})
