"""The tables of the chain: their Arrow schemas (from the record models), and their reads as ibis expressions."""

from __future__ import annotations

import json
import types
import typing
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

import ibis
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import BaseModel

from .models import (
    PARSED_SCHEMA,
    VOICE_FIELDS,
    AuthorProfile,
    Comparison,
    Enrichment,
    Message,
    Post,
    Rating,
    Transcript,
    Window,
)
from .text import PSEUDONYM, PSEUDONYM_BYTES, VOICE_BYTES
from .warehouse import Database

_ARROW = {
    str: pa.string(),
    int: pa.int32(),
    float: pa.float64(),
    bool: pa.bool_(),
    date: pa.date32(),
    datetime: pa.timestamp("us"),
}


def _arrow_type(annotation: Any) -> pa.DataType:
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):  # X | None
        return _arrow_type(next(a for a in args if a is not type(None)))
    if origin is typing.Literal:
        return pa.string()
    if origin is list:
        return pa.list_(_arrow_type(args[0]))
    return _ARROW[annotation]


def model_schema(model: type[BaseModel], **columns: pa.DataType) -> pa.Schema:
    """The Arrow schema of a record model; `columns` override fields or add new ones."""
    fields = {name: columns.get(name) or _arrow_type(f.annotation) for name, f in model.model_fields.items()}
    return pa.schema(list({**fields, **columns}.items()))


RAW_MESSAGES = pa.schema([("group", pa.string()), ("date", pa.date32()), ("pos", pa.int64()), *PARSED_SCHEMA])
# `pos`: the place in the day's export, which orders the messages of one minute (see anonymize).
MESSAGES = model_schema(
    Message, timestamp=pa.timestamp("s"), date=pa.date32(), pos=pa.int32(), reactions=pa.string()
)  # reactions as JSON
MESSAGES = pa.schema([f for f in MESSAGES if f.name not in VOICE_FIELDS])  # they live in `transcripts`
TRANSCRIPTS = model_schema(Transcript)
# A window is stored whole (as the JSON of its record), with what the packing needs beside it.
WINDOWS = pa.schema(
    [
        ("id", pa.string()),
        ("group", pa.string()),
        ("date", pa.date32()),
        ("idx", pa.int32()),
        ("bytes", pa.int32()),
        ("payload", pa.string()),
    ]
)
ENRICHMENTS = model_schema(Enrichment)
# Timestamps are timezone-aware; links travel as JSON.
DOCUMENTS = model_schema(
    Post, published=pa.timestamp("us", tz="UTC"), updated=pa.timestamp("us", tz="UTC"), links=pa.string()
)
# Rows of a per-group asset carry a NULL date: the journal's day of a group's partition.
COMPARISONS = model_schema(Comparison, date=pa.date32())
RATINGS = model_schema(Rating, date=pa.date32())
AUTHOR_PROFILES = model_schema(AuthorProfile, activity=pa.string(), date=pa.date32())  # activity as JSON

STAGING_TABLES = {"raw_messages": RAW_MESSAGES}
WAREHOUSE_TABLES = {
    "messages": MESSAGES,
    "transcripts": TRANSCRIPTS,
    "windows": WINDOWS,
    "enrichments": ENRICHMENTS,
    "documents": DOCUMENTS,
    "comparisons": COMPARISONS,
    "ratings": RATINGS,
    "author_profiles": AUTHOR_PROFILES,
}

# The asset that writes each table: an asset may read a table only if it writes it or declares
# that asset upstream (checked while its step runs, see warehouse.step).
WRITTEN_BY = {
    "raw_messages": "raw_exports",
    "messages": "anonymized_messages",
    "transcripts": "transcripts",
    "windows": "windows",
    "enrichments": "enrichments",
    "documents": "posts",
    "comparisons": "rankings",
    "ratings": "rankings",
    "author_profiles": "author_profiles",
}


def readable(asset: str, upstream: Iterable[str]) -> frozenset[str]:
    """The tables an asset may read: its own, its declared upstream assets', and the journal."""
    mine = {asset, *upstream}
    return frozenset({"journal", *(t for t, owner in WRITTEN_BY.items() if owner in mine)})


def _of_days(t: Any, group: str, days: Sequence[date]) -> Any:
    """The rows of a group on these days."""
    return t.filter((t.group == group) & (t.date == days[0] if len(days) == 1 else t.date.isin(list(days))))


def _split_days(rows: pa.Table, days: Sequence[date]) -> dict[date, pa.Table]:
    """Each day's rows (in their order), without the `date` column."""
    column = rows["date"]
    return {d: rows.filter(pc.equal(column, pa.scalar(d, pa.date32()))).drop_columns(["date"]) for d in days}


def _group_by_day(rows: list[dict[str, Any]], make: Any) -> dict[date, list[Any]]:
    found: dict[date, list[Any]] = {}
    for row in rows:
        found.setdefault(row["date"], []).append(make(row))
    return found


# --- staging (real names: private) ---------------------------------------------------------


def day_raw_messages(db: Database, group: str, day: date) -> pa.Table:
    """One day's parsed lines of a group, in export order (PARSED_SCHEMA)."""

    def fetch(days: list[date]) -> dict[date, pa.Table]:
        t = _of_days(db.table("raw_messages"), group, days)
        rows = db.arrow(t.order_by([t.date, t.pos]).select("date", *PARSED_SCHEMA.names))
        return {d: part.cast(PARSED_SCHEMA) for d, part in _split_days(rows, days).items()}

    return db.per_day("raw_messages", group, day, fetch, PARSED_SCHEMA.empty_table())


def authors(db: Database, group: str) -> list[str]:
    """Everyone who ever wrote in the group (real names)."""
    t = db.table("raw_messages")
    expr = t.filter((t.group == group) & t.author.notnull()).select("author").distinct().order_by("author")
    return [r["author"] for r in db.rows(expr)]


def author_ids(db: Database, group: str) -> dict[str, str]:
    """Each author's id in the sources that give one (real name -> id, as "user123456789")."""
    t = db.table("raw_messages")
    expr = t.filter((t.group == group) & t.author.notnull() & t.author_id.notnull()).select("author", "author_id")
    return {r["author"]: r["author_id"] for r in db.rows(expr.distinct().order_by(["author", "author_id"]))}


def naming_lines(db: Database, group: str) -> pa.Table:
    """Every line of a group's history that may name someone who never writes: its notices,
    contact cards and mentions (PARSED_SCHEMA, distinct, in no order)."""
    t = db.table("raw_messages")
    names = t.author.isnull() | (t.kind == "contact") | t.attachment.lower().endswith(".vcf") | t.message.contains("@")
    expr = t.filter((t.group == group) & names.fill_null(False)).select(*PARSED_SCHEMA.names[1:]).distinct()
    return db.arrow(expr)


def command_lines(db: Database, group: str) -> pa.Table:
    """Every line of a group's history that may be an `/egregora` command, in order."""
    t = db.table("raw_messages")
    expr = t.filter((t.group == group) & t.message.lower().contains("/egregora")).order_by([t.date, t.pos])
    return db.arrow(expr.select(*PARSED_SCHEMA.names)).cast(PARSED_SCHEMA)


# --- warehouse (pseudonymous) --------------------------------------------------------------


def groups_in(db: Database, table: str) -> list[str]:
    """The groups with rows in `table` (none while it does not exist)."""
    if not db.has_table(table):
        return []
    t = db.table(table)
    return [r["group"] for r in db.rows(t.select("group").distinct().order_by("group"))]


def group_messages(db: Database, group: str, days: Sequence[date] | None = None) -> list[tuple[str, str, str, str]]:
    """(id, author, text, attachment) of every stored message of a group (or of these days of
    it), for the privacy audit."""
    t = db.table("messages")
    mine = (t.group == group) & t.date.isin(list(days)) if days is not None else t.group == group
    rows = db.rows(t.filter(mine).select("id", "author", "text", "attachment"))
    return [(r["id"], r["author"], r["text"], r["attachment"]) for r in rows]


def group_day_texts(db: Database, group: str) -> dict[date, str]:
    """The text said on each day of a group (pseudonymized), one string per day."""
    t = db.table("messages")
    expr = t.filter((t.group == group) & t.kind.isin(["text", "edited"]) & t.text.notnull())
    rows = db.rows(expr.order_by([t.date, t.timestamp, t.pos, t.id]).select("date", "text"))
    texts = {day: "\n".join(found) for day, found in _group_by_day(rows, lambda r: r["text"]).items()}
    return {day: text for day, text in texts.items() if text}


_MESSAGE = ("id", "group", "timestamp", "author", "text", "kind", "attachment", "ref", "reply_to", "reactions")


def day_messages(db: Database, group: str, day: date) -> list[Message]:
    """A day's messages, in order."""
    return [m for m, _ in day_messages_sized(db, group, day)]


def day_messages_sized(db: Database, group: str, day: date) -> list[tuple[Message, int]]:
    """A day's messages in order, each with the running total of rendered bytes through it.

    The sizes are those of core.windows.message_bytes ("HH:MM author: text [attachment]" and
    a newline, every name measured alike), summed over the day by a window function in the database."""

    def fetch(days: list[date]) -> dict[date, list[tuple[Message, int]]]:
        t = _with_transcripts(db, _of_days(db.table("messages"), group, days), lambda v: _of_days(v, group, days))
        has_attachment = t.attachment.notnull() & (t.attachment != "")
        size = (
            db.byte_length(t.text.re_replace(PSEUDONYM, "x" * PSEUDONYM_BYTES))
            + has_attachment.ifelse(db.byte_length(t.attachment) + 3, 0)
            + t.transcript.notnull().ifelse(
                db.byte_length(t.transcript.re_replace(PSEUDONYM, "x" * PSEUDONYM_BYTES)) + VOICE_BYTES, 0
            )
            + (PSEUDONYM_BYTES + 9)  # the author, "HH:MM ", ": " and the newline
        )
        order = [t.timestamp, t.pos, t.id]
        through = size.sum().over(group_by=t.date, order_by=order, rows=(None, 0))
        expr = t.mutate(through=through).order_by([t.date, *order]).select("date", "through", *_MESSAGE, *VOICE_FIELDS)
        return _group_by_day(
            db.rows(expr), lambda r: (Message(**{k: r[k] for k in (*_MESSAGE, *VOICE_FIELDS)}), int(r["through"]))
        )

    return db.per_day("messages_sized", group, day, fetch, [])


def _with_transcripts(db: Database, t: Any, mine: Any) -> Any:
    """The messages `t` with their voice notes' transcripts (null where none was heard), from the
    rows of `transcripts` that `mine(table)` keeps."""
    if not db.has_table("transcripts"):  # a warehouse no run of this version has written yet
        return t.mutate(transcript=ibis.null(str), voice_seconds=ibis.null(float))
    v = mine(db.table("transcripts"))
    v = v.filter(v.status == "ok").select(message_id="message_id", transcript="text", voice_seconds="seconds")
    return t.left_join(v, t.id == v.message_id).select(*t.columns, "transcript", "voice_seconds")


def group_voice_seconds(db: Database, group: str) -> dict[str, float]:
    """Seconds of voice notes heard, per author of the group."""
    if not db.has_table("transcripts"):
        return {}
    t, v = db.table("messages"), db.table("transcripts")
    v = v.filter((v.group == group) & (v.status == "ok"))
    joined = t.filter(t.group == group).inner_join(v, t.id == v.message_id)
    rows = db.rows(joined.group_by("author").aggregate(seconds=joined.seconds.sum()))
    return {r["author"]: float(r["seconds"]) for r in rows if r["author"]}


def group_transcripts(db: Database, group: str) -> dict[tuple[str, str], Transcript]:
    """The group's stored transcripts that were heard, by (audio hash, engine): what need not be heard again."""
    t = db.table("transcripts")
    rows = db.rows(
        t.filter((t.group == group) & (t.audio_hash != "") & (t.engine != "none")).select(*TRANSCRIPTS.names)
    )
    return {(r["audio_hash"], r["engine"]): Transcript(**r) for r in rows}


def group_transcript_texts(db: Database, group: str, days: Sequence[date]) -> list[tuple[str, str]]:
    """(message id, text) of the stored transcripts of these days of a group, for the privacy audit."""
    t = db.table("transcripts")
    rows = db.rows(
        t.filter((t.group == group) & t.date.isin(list(days)) & t.text.notnull()).select("message_id", "text")
    )
    return [(r["message_id"], r["text"]) for r in rows]


def transcripts_table(found: Sequence[Transcript]) -> pa.Table:
    return pa.Table.from_pylist([t.model_dump() for t in found], schema=TRANSCRIPTS)


def messages_by_ref(db: Database, group: str, refs: Iterable[str]) -> dict[str, Message]:
    """The group's messages with these refs (those replied to), by ref."""
    wanted = sorted(set(refs))
    if not wanted:
        return {}
    t = db.table("messages")
    rows = db.rows(t.filter((t.group == group) & t.ref.isin(wanted)).select(*_MESSAGE))
    return {r["ref"]: Message(**r) for r in rows}


def cited_messages(db: Database, group: str, ids: Sequence[str]) -> dict[str, Message]:
    """The group's messages with these ids (those a post cites), by id."""
    if not ids:
        return {}
    wanted = list(dict.fromkeys(ids))
    t = db.table("messages")
    t = _with_transcripts(
        db,
        t.filter((t.group == group) & t.id.isin(wanted)),
        lambda v: v.filter((v.group == group) & v.message_id.isin(wanted)),
    )
    rows = db.rows(t.select(*_MESSAGE, *VOICE_FIELDS))
    return {r["id"]: Message(**r) for r in rows}


def windows_table(windows: Sequence[Window], message_bytes: Any) -> pa.Table:
    return pa.Table.from_pylist(
        [
            {
                "id": w.id,
                "group": w.group,
                "date": w.date,
                "idx": w.index,
                "bytes": sum(message_bytes(m) for m in w.messages),
                "payload": w.model_dump_json(),
            }
            for w in windows
        ],
        schema=WINDOWS,
    )


def _windows_of(db: Database, group: str, days: Sequence[date] | None) -> dict[date, list[Window]]:
    t = db.table("windows")
    t = t.filter(t.group == group) if days is None else _of_days(t, group, days)
    rows = db.rows(t.order_by([t.date, t.idx]).select("date", "payload"))
    return _group_by_day(rows, lambda r: Window.model_validate_json(r["payload"]))


def day_windows(db: Database, group: str, day: date) -> list[Window]:
    return db.per_day("windows", group, day, lambda days: _windows_of(db, group, days), [])


def window_message_ids(db: Database, ids: Sequence[str]) -> dict[str, list[str]]:
    """The ids of the messages each of these windows holds, by window id (read from the stored
    JSON without building the records: a search asks it for every window it shows)."""
    if not ids:
        return {}
    t = db.table("windows")
    rows = db.rows(t.filter(t.id.isin(list(ids))).select("id", "payload"))
    return {r["id"]: [m["id"] for m in json.loads(r["payload"])["messages"]] for r in rows}


def group_windows(db: Database, group: str) -> dict[date, list[Window]]:
    """Every window of a group by day, in one query (a year's days one by one took 365)."""
    return _windows_of(db, group, None)


def enrichments_table(found: Sequence[Enrichment]) -> pa.Table:
    return pa.Table.from_pylist([e.model_dump() for e in found], schema=ENRICHMENTS)


def day_enrichments(db: Database, group: str, day: date) -> list[Enrichment]:
    def fetch(days: list[date]) -> dict[date, list[Enrichment]]:
        t = _of_days(db.table("enrichments"), group, days)
        rows = db.rows(t.order_by([t.date, t.id]).select(*ENRICHMENTS.names))
        return _group_by_day(rows, lambda r: Enrichment(**r))

    return db.per_day("enrichments", group, day, fetch, [])


def posts_table(docs: Sequence[Post]) -> pa.Table:
    """Documents as rows of the `documents` table (links as JSON)."""
    rows = []
    for doc in docs:
        row = doc.model_dump(mode="python")
        row["links"] = json.dumps([link.model_dump() for link in doc.links])
        rows.append(row)
    return pa.Table.from_pylist(rows, schema=DOCUMENTS)


def group_posts(db: Database, group: str, days: Sequence[date] | None = None) -> list[Post]:
    """Every post of a group (or of these days of it), newest first."""
    t = db.table("documents")
    posts = t.filter((t.group == group) & (t.kind == "post"))
    if days is not None:
        posts = posts.filter(t.date.isin(list(days)))
    return _documents(db, posts.order_by([t.published.desc(), t.slug.desc()]))  # models.post_order


def posts_with_ids(db: Database, ids: Sequence[str]) -> list[Post]:
    """The stored posts with these ids (those a search found), in no particular order."""
    t = db.table("documents")
    return _documents(db, t.filter(t.id.isin(list(ids)))) if ids else []


def _documents(db: Database, expr: Any) -> list[Post]:
    docs = []
    for record in db.rows(expr.select(*DOCUMENTS.names)):
        record["links"] = json.loads(record["links"] or "[]")
        docs.append(Post(**record))
    return docs


_TIME_ORDER = {"documents": ("published", "slug"), "messages": ("timestamp", "pos", "id")}


def group_rows(db: Database, table: str, group: str) -> pa.Table:
    """Every row of one group in `documents` or `messages`, in time order (for the analysis exports)."""
    t = db.table(table)
    return db.arrow(t.filter(t.group == group).order_by(list(_TIME_ORDER[table])))


def count_rows(db: Database, table: str, groups: Sequence[str], kind: str | None = None) -> int:
    """How many rows of `table` the groups have (of one `kind`, if given)."""
    t = db.table(table)
    t = t.filter(t.group.isin(list(groups)))
    if kind is not None:
        t = t.filter(t.kind == kind)
    return int(db.scalar(t.count()))


def count_authors(db: Database, groups: Sequence[str]) -> int:
    """How many distinct (pseudonymous) people wrote the groups' stored messages."""
    t = db.table("messages")
    return int(db.scalar(t.filter(t.group.isin(list(groups))).author.nunique()))


def per_group_rows(records: Sequence[BaseModel], schema: pa.Schema) -> pa.Table:
    """Records of a per-group asset as rows of its table (date NULL)."""
    return pa.Table.from_pylist([{**r.model_dump(), "date": None} for r in records], schema=schema)


def author_messages(db: Database, group: str) -> list[Message]:
    """Every message of a group that has an author (a pseudonym), in time order."""
    t = db.table("messages")
    expr = t.filter((t.group == group) & t.author.notnull()).order_by([t.timestamp, t.pos, t.id]).select(*_MESSAGE)
    return [Message(**r) for r in db.rows(expr)]


def profiles_table(profiles: Sequence[AuthorProfile]) -> pa.Table:
    """Author profiles as rows of the `author_profiles` table (activity as JSON, date NULL)."""
    rows = [{**p.model_dump(), "activity": json.dumps(p.activity, sort_keys=True), "date": None} for p in profiles]
    return pa.Table.from_pylist(rows, schema=AUTHOR_PROFILES)


def group_profiles(db: Database, group: str) -> list[AuthorProfile]:
    """Every stored author profile of a group, by pseudonym."""
    t = db.table("author_profiles")
    rows = db.rows(t.filter(t.group == group).order_by("author").select(*AuthorProfile.model_fields))
    return [AuthorProfile(**{**r, "activity": json.loads(r["activity"])}) for r in rows]


def post_windows(db: Database, group: str) -> dict[str, Window]:
    """The windows the group's posts were written from, by id."""
    w, d = db.table("windows"), db.table("documents")
    used = d.filter((d.group == group) & (d.kind == "post")).select("window_id")
    expr = w.filter((w.group == group) & w.id.isin(used.window_id)).select("payload")
    windows = [Window.model_validate_json(r["payload"]) for r in db.rows(expr)]
    return {x.id: x for x in windows}


def group_comparisons(db: Database, group: str) -> list[Comparison]:
    """Every stored comparison of a group's posts."""
    t = db.table("comparisons")
    expr = t.filter(t.group == group).order_by(["post_a", "post_b"]).select(*Comparison.model_fields)
    return [Comparison(**r) for r in db.rows(expr)]


def group_ratings(db: Database, group: str) -> list[Rating]:
    """The ratings of a group's posts, best first (none before the group was ranked)."""
    t = db.table("ratings")
    return [Rating(**r) for r in db.rows(t.filter(t.group == group).order_by("rank").select(*Rating.model_fields))]
