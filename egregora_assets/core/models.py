"""The vocabulary of Egregora: the records that flow along the asset chain, and the rules every stage
reads them by (a window's halves, the order of posts)."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Literal

import pyarrow as pa
from pydantic import BaseModel, ConfigDict, Field, field_validator


class BadExport(ValueError):
    """An input the user gave us cannot be read; the message is one line naming the problem."""


class BudgetSpent(Exception):
    """The run's LLM budget is spent, so a call was not sent. Not a failure: the partition is left
    for the next run (see journal.run_slices), which finds the answers already received cached."""


MessageKind = Literal["text", "system", "media", "deleted", "edited", "poll", "location", "contact", "command"]

# Parsed (not yet anonymized) messages travel as Arrow tables because exports hold
# millions of rows; this is the column layout of `core.parse` output.
PARSED_SCHEMA = pa.schema(
    [
        ("timestamp", pa.timestamp("s")),  # local wall-clock time of the exporting phone
        ("author", pa.string()),  # null for system lines
        ("message", pa.string()),
        ("kind", pa.string()),
        ("attachment", pa.string()),  # zip member name or file name, when any
        # What sources other than WhatsApp's .txt carry (null from a .txt): the author's id in the
        # source (private: it keys one person's pseudonym), the message's own id there, the id of
        # the message it replies to, and its reactions as JSON ({"👍": 2}, no reactor names).
        ("author_id", pa.string()),
        ("source_id", pa.string()),
        ("reply_to", pa.string()),
        ("reactions", pa.string()),
    ]
)


class Message(BaseModel):
    """One anonymized chat message: authors are pseudonyms, PII is replaced in the text."""

    model_config = ConfigDict(frozen=True)

    id: str
    group: str
    timestamp: datetime
    author: str | None
    text: str
    kind: MessageKind = "text"
    attachment: str | None = None
    ref: str | None = None  # a keyed hash of the message's id in its source, when it has one
    reply_to: str | None = None  # the `ref` of the message it replies to
    reactions: dict[str, int] = Field(default_factory=dict)  # emoji -> count

    @property
    def reactions_text(self) -> str:
        """The reactions as people read them: "👍 3, ❤ 1", most first."""
        return ", ".join(f"{e} {n}" for e, n in sorted(self.reactions.items(), key=lambda r: (-r[1], r[0])))

    @field_validator("reactions", mode="before")
    @classmethod
    def _reactions_json(cls, value: object) -> object:
        """The warehouse stores reactions as JSON text."""
        if value is None:
            return {}
        return json.loads(value) if isinstance(value, str) else value

    # A voice note's words (redacted), from the transcripts asset; not columns of the messages table.
    transcript: str | None = None
    voice_seconds: float | None = None


VOICE_FIELDS = ("transcript", "voice_seconds")


CONTEXT_MESSAGES = 3  # earlier messages carried along so replies keep their meaning


class Window(BaseModel):
    """A run of consecutive messages of one day that fits the writer's token budget."""

    model_config = ConfigDict(frozen=True)

    id: str
    group: str
    date: date
    index: int
    messages: list[Message]
    context: list[Message] = Field(default_factory=list)  # earlier messages, for reply context

    def replied(self, message: Message) -> Message | None:
        """The message `message` replies to, when the window or its context holds it."""
        if message.reply_to is None:
            return None
        return next((m for m in [*self.context, *self.messages] if m.ref == message.reply_to), None)

    @property
    def start(self) -> datetime:
        return self.messages[0].timestamp

    @property
    def end(self) -> datetime:
        return self.messages[-1].timestamp


def split_window(window: Window) -> list[Window]:
    """The window in two halves, ids suffixed `.1` and `.2` (for a model whose context is smaller)."""
    if len(window.messages) < 2:
        return [window]
    middle = len(window.messages) // 2
    halves = (window.messages[:middle], window.messages[middle:])
    contexts = (window.context, (window.context + halves[0])[-CONTEXT_MESSAGES:])
    return [
        window.model_copy(update={"id": f"{window.id}.{i}", "messages": half, "context": ctx})
        for i, (half, ctx) in enumerate(zip(halves, contexts), start=1)
    ]


class Enrichment(BaseModel):
    """What is known about one link or media attachment of a window."""

    model_config = ConfigDict(frozen=True)

    id: str
    group: str
    date: date
    window_id: str
    message_id: str
    kind: Literal["url", "media"]
    ref: str  # the URL (query scrubbed) or the media's published name
    domain: str | None = None
    media_type: str | None = None
    width: int | None = None
    height: int | None = None
    title: str | None = None
    description: str | None = None
    status: str = "ok"  # "ok", or why nothing more is known


class Transcript(BaseModel):
    """What was said in one voice note or audio attachment (redacted), or why nothing is known."""

    model_config = ConfigDict(frozen=True)

    message_id: str
    group: str
    date: date
    audio_hash: str  # sha256 of the file; "" when the export lacks it
    engine: str  # "remote:<model>", "local:<kind>:<model>", or "none"
    status: str  # "ok", or why there is no transcript
    text: str | None = None
    seconds: float | None = None
    language: str | None = None


class Link(BaseModel):
    """An Atom link (RFC 4287 section 4.2.7)."""

    model_config = ConfigDict(frozen=True)

    href: str
    rel: str = "related"
    title: str | None = None


class PostDraft(BaseModel):
    """What a writer returns for one post; also the LLM writer's response model."""

    title: str = Field(description="A short, specific headline")
    slug: str = Field(description="lowercase-words-joined-by-hyphens")
    summary: str = Field(description="One or two sentences")
    tags: list[str] = Field(default_factory=list, description="Up to five lowercase topic tags")
    body: str = Field(description="The post in Markdown")
    message_ids: list[str] = Field(default_factory=list, description="Ids of the messages drawn on")


class PostPlan(BaseModel):
    """The LLM writer's answer for one window: zero or more posts."""

    posts: list[PostDraft] = Field(default_factory=list, description="The posts; empty when the messages are trivial")


class Note(BaseModel):
    """What a reader noted of one part of a window too long for the model: the writer's input."""

    text: str = Field(description="One or two sentences: who said, decided or shared what")
    message_ids: list[str] = Field(default_factory=list, description="Ids of the messages it draws on")


class Notes(BaseModel):
    """The reader's answer for one part of a window."""

    notes: list[Note] = Field(default_factory=list, description="The notes; empty when the part is trivial")


ENTRY_AUTHORITY = "egregora.local,2026"  # of the tag: URIs that identify entries and feeds (RFC 4151)
MAX_TITLE_CHARS = 120
MAX_SUMMARY_CHARS = 2000


class Post(BaseModel):
    """An Atom entry (RFC 4287): the one record kind stored in the `documents` table."""

    id: str  # a stable tag: URI
    group: str
    kind: Literal["post"] = "post"
    date: date
    window_id: str
    title: str
    slug: str
    published: datetime  # timezone-aware
    updated: datetime
    authors: list[str]  # pseudonyms
    summary: str
    content: str  # Markdown
    categories: list[str] = Field(default_factory=list)
    links: list[Link] = Field(default_factory=list)
    message_ids: list[str] = Field(default_factory=list)
    writer: str  # "offline-digest" or "llm:<model>"
    continues: str | None = None  # the id of the earlier post this one continues (RFC 4685 in-reply-to)


def post_order(doc: Post) -> tuple[datetime, str]:
    """A post's place among a group's posts, the same in every home: when its conversation ended,
    then its slug (unique in a day). Never its id, a keyed hash that each home orders its own way."""
    return doc.published, doc.slug


class Verdict(BaseModel):
    """The LLM judge's answer for one pair of posts shown as A and B."""

    winner: Literal["A", "B"] = Field(description="The post more worth re-reading: A or B")
    reason: str = Field("", description="One short sentence saying why")


class Comparison(BaseModel):
    """One judged pair of a group's posts, valid while both read the same to the same judge."""

    model_config = ConfigDict(frozen=True)

    group: str
    post_a: str  # the two post ids, post_a < post_b
    post_b: str
    hash_a: str  # a hash of what the judge read of each post
    hash_b: str
    judge: str  # "heuristic-1", or "llm:<model>+<prompt hash>"
    winner: Literal["a", "b", "even"]
    reason: str = ""


class Rating(BaseModel):
    """A post's place in its group's ranking: its Elo rating from the stored comparisons."""

    model_config = ConfigDict(frozen=True)

    group: str
    post_id: str
    rank: int  # 1 is the best
    rating: float
    wins: int
    losses: int
    draws: int
    judge: str


class AuthorProfile(BaseModel):
    """What a group's site says about one pseudonym: when they wrote, what about, and a portrait."""

    group: str
    author: str  # the pseudonym
    messages: int
    activity: dict[str, int]  # ISO day -> messages written that day
    topics: list[str] = Field(default_factory=list)  # most said first
    portrait: str | None = None  # written by the LLM from their own messages only; none offline
    portrait_input: str | None = None  # a fingerprint of what the portrait was written from
    topics_input: str | None = None  # a fingerprint of what the topics were read from
