"""One home's archive as the services read it: the warehouse read-only, the vectors' latest
committed version, the embedder and the LLM, wired once from the settings."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

from ..core import archive_reader as reader
from ..core.ask import answer_stream, citations, offline_passages
from ..core.home import Home, writing
from ..core.settings import Settings
from ..core.tables import groups_in
from ..core.text import visible
from ..core.vectors import TABLE
from ..core.warehouse import ReadOnlyWarehouse

GROUPS_SECONDS = 2.0
ASK_PASSAGES = 8  # what an answer is written from, as `egregora ask`
NO_LLM = "No LLM is configured: the most relevant passages, as `egregora ask` prints them."


class Archive:
    """The reads every tool and route makes, each on a short read-only connection."""

    def __init__(self, settings: Settings) -> None:
        from ..resources import build_resources

        resources = build_resources(settings, outside_dagster=True)
        self.home = Home(settings.home)
        self.warehouse = ReadOnlyWarehouse(resources["warehouse"].url, writing=lambda: writing(self.home))
        self.vectors_uri: str = resources["vectors"].uri
        self.embedder = resources["embedder"]
        self.llm = resources["llm"]
        self.prompts = resources["prompts"].path
        self._groups: tuple[float, list[str]] = (-GROUPS_SECONDS, [])
        self._table: Any = None

    def table(self) -> Any:
        """The vectors table, kept open (its indexes stay in memory) and moved to the latest
        version a writer committed at most a second after it did."""
        if self._table is None:
            import lancedb

            connection = lancedb.connect(self.vectors_uri, read_consistency_interval=timedelta(seconds=1))
            self._table = connection.open_table(TABLE)
        return self._table

    def read(self, fetch: Callable[[Any], Any]) -> Any:
        return self.warehouse.read(fetch)

    def candidates(self, question: str, k: int, filters: reader.Filters) -> list[dict]:
        """What the vectors table finds, outside the warehouse's lock; once more on a fresh table
        if a writer removed the version being read."""
        vector = self.embedder.embed([question])[0]
        try:
            return reader.candidates(self.table(), vector, question, k, filters)
        except (OSError, RuntimeError):  # the version read is gone (a write cleans up old ones)
            self._table = None
            return reader.candidates(self.table(), vector, question, k, filters)

    def groups(self) -> list[str]:
        """The archive's groups, read again at most every GROUPS_SECONDS (a write may add one)."""
        now = time.monotonic()
        if now - self._groups[0] > GROUPS_SECONDS:
            self._groups = (now, self.read(lambda db: groups_in(db, "messages")))
        return self._groups[1]

    def search(self, query: str, **filters: Any) -> reader.SearchPage:
        request = reader.search_request(query, self.groups(), **filters)
        found = self.candidates(query, request.wanted, request.filters)
        return self.read(lambda db: reader.search_page(db, request, found))

    def get_post(self, post_id: str) -> reader.PostRecord:
        return self.read(lambda db: reader.get_post(db, post_id))

    def get_thread(self, post_id: str) -> reader.Thread:
        return self.read(lambda db: reader.get_thread(db, post_id))

    def get_messages(self, group: str, day: str | None = None, around: str | None = None) -> reader.Messages:
        return self.read(lambda db: reader.get_messages(db, group, day, around))

    def list_groups(self) -> list[reader.GroupSummary]:
        return self.read(reader.list_groups)

    def group_stats(self, group: str) -> reader.GroupStats:
        return self.read(lambda db: reader.group_stats(db, group))

    def post_at(self, group: str, day: str, slug: str) -> reader.PostRecord:
        return self.read(lambda db: reader.get_post(db, reader.post_at(db, group, day, slug).id))

    def author(self, group: str, author: str) -> reader.AuthorRecord:
        return self.read(lambda db: reader.author_record(db, group, author))

    def feed(self, group: str) -> str:
        """The group's Atom feed as published, its invisible controls shown."""
        reader.known_group(self.groups(), group)
        path = self.home.feed(group)
        if not path.is_file():
            raise reader.BadRequest(f"{group} has no feed yet", 404)
        return visible(path.read_text(encoding="utf-8"))

    def ask(self, question: str, group: str | None = None) -> Iterator[tuple[str, dict]]:
        """An answer as events: ("chunk", {text}) as the model writes, then ("passages", ...) with
        the passages it cites (post and message ids) and the citations it made up, then ("done",
        token counts). Without an LLM, one ("passages", ...) event holds the passages themselves."""
        if not question.strip():
            raise reader.BadRequest("the question is empty")
        filters = reader.Filters(group=reader.known_group(self.groups(), group))
        found = self.candidates(question, ASK_PASSAGES, filters)
        hits = self.read(lambda db: reader.passages(db, question, found, ASK_PASSAGES))
        given = [{**h.model_dump(exclude={"passage"}), "text": h.passage.text} for h in hits]
        if not self.llm.enabled:
            shown = offline_passages(given)
            passages = [{**_cited(hit), "text": text} for hit, text in shown]
            yield "passages", {"answer": None, "note": NO_LLM, "passages": passages}
            yield "done", {"input_tokens": 0, "output_tokens": 0, "cache_hits": 0, "llm_requests": 0}
            return
        client = self.llm.client()
        parts = []
        for chunk in answer_stream(client, self.prompts, question, given):
            parts.append(chunk)
            yield "chunk", {"text": visible(chunk)}
        check = citations("".join(parts), given)
        cited = [{"n": n, **_cited(given[n - 1])} for n in check["cited"]]
        yield "passages", {"cited": cited, "invalid_citations": check["invalid"], **_quotes(check)}
        stats = client.stats
        yield (
            "done",
            {
                "input_tokens": stats.input_tokens,
                "output_tokens": stats.output_tokens,
                "cache_hits": stats.cache_hits,
                "llm_requests": stats.requests,
            },
        )


def _cited(hit: dict) -> dict:
    """What an answer's reader needs of a passage: where it is, and the ids of its post and messages."""
    keys = ("id", "kind", "group", "date", "title", "url", "post_id", "message_ids")
    return {k: hit[k] for k in keys}


def _quotes(check: dict) -> dict:
    return {"unsupported_quotes": check["unsupported_quotes"]}
