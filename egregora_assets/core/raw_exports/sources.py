"""Sources other than WhatsApp's .txt: which one a file is (read from its content), and the
messages table every adapter returns, with the reply links and reactions the .txt lacks."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ..models import PARSED_SCHEMA, BadExport
from .parse import ParsedChat

# The characters JSON forbids raw in strings, which Telegram Desktop writes unescaped at times.
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Telegram Desktop has written "\x0C"-style escapes, which JSON does not have.
_HEX_ESCAPE = re.compile(rb"(?<!\\)((?:\\\\)*)\\x([0-9A-Fa-f]{2})")
# ... and custom emoji ids unquoted: `"document_id": video_files/sticker (2).webm` (tdesktop#24961).
_BARE_VALUE = re.compile(rb'("document_id": )(?![-"\d\[{tfn])([^\n]*?)(,?\r?\n)')
# A handle typed as text ("@ana_souza"), not an e-mail: wrapped like a WhatsApp mention, so the
# privacy stage knows it is someone.
_HANDLE = re.compile(r"(?<![\w.@\u2068])@([A-Za-z][A-Za-z0-9_.]{2,31})(?![\w@])")
_MENTION = "@\u2068{}\u2069"
_MESSAGES_KEY = re.compile(rb'"messages"\s*:\s*\[')
_BETWEEN = re.compile(r"[\s,]*")
_CONTROL_TEXT = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"


Ids = tuple[str | None, str | None, dict[str, int] | None]


class Rows:
    """The messages of a source, one tuple each in the order of PARSED_SCHEMA's columns."""

    def __init__(self) -> None:
        self.items: list[tuple] = []

    def add(
        self,
        timestamp: str | int,
        author: str | None,
        message: str,
        kind: str = "text",
        attachment: str | None = None,
        author_id: str | None = None,
        ids: Ids | None = None,
    ) -> None:
        """One message: `timestamp` is the wall clock as ISO text or as seconds since 1970 (one
        kind for all of a source's rows); `ids`: its id in the source, the id it replies to, its
        reactions."""
        source_id, reply_to, reactions = ids or (None, None, None)
        when = timestamp[:19] if isinstance(timestamp, str) else timestamp
        reacted = json.dumps(reactions, ensure_ascii=False, sort_keys=True) if reactions else None
        self.items.append((when, author, message, kind, attachment, author_id, source_id, reply_to, reacted))

    def table(self) -> pa.Table:
        """The rows as a PARSED_SCHEMA table, in time order (stable)."""
        columns = list(zip(*self.items)) if self.items else [()] * len(PARSED_SCHEMA)
        try:
            numeric = bool(columns[0]) and isinstance(columns[0][0], int)
            stamps = pa.array(columns[0], pa.int64() if numeric else pa.string()).cast(pa.timestamp("s"))
        except (pa.ArrowInvalid, pa.ArrowTypeError, ValueError) as e:
            raise BadExport(f"a message's date cannot be read ({_one_line(e)})") from None
        texts = [pa.array(c, pa.string()) for c in columns[1:]]
        # Stray control characters (a form feed in a Telegram message) are no text.
        texts[1] = pc.replace_substring_regex(texts[1], _CONTROL_TEXT, "")
        table = pa.table([stamps, *texts], schema=PARSED_SCHEMA)
        return table.take(pc.sort_indices(table, [("timestamp", "ascending")]))


def chat_of(rows: Rows, source: str, evidence: str) -> ParsedChat:
    """A ParsedChat of a source's rows (`source` names it in `parse --summary`)."""
    return ParsedChat(rows.table(), source, True, evidence, None, header=source)


def load_json(data: bytes) -> Any:
    """The JSON document, after the repairs Telegram Desktop's exports need; else BadExport."""
    try:
        return json.loads(data, strict=False)  # strict=False: raw control characters in strings
    except RecursionError:
        raise BadExport("JSON nested too deeply") from None
    except (ValueError, UnicodeDecodeError) as first:
        repaired = _BARE_VALUE.sub(lambda m: m[1] + json.dumps(m[2].decode("utf-8", "replace")).encode() + m[3], data)
        repaired = _HEX_ESCAPE.sub(rb"\1\\u00\2", repaired)
        try:
            return json.loads(_CONTROL.sub(b"", repaired), strict=False)
        except (ValueError, UnicodeDecodeError, RecursionError):
            raise BadExport(f"not valid JSON ({_one_line(first)})") from None


def _streamed(data: bytes) -> dict | None:
    """The document with its top-level "messages" array read one message at a time (a lazy
    iterator in its place), when the array comes last, as Telegram Desktop and DiscordChatExporter
    write it: a million messages are never all decoded at once. None when it is not so."""
    found = _MESSAGES_KEY.search(data)
    if found is None:
        return None
    try:
        head = json.loads(data[: found.start()] + b'"messages": []}', strict=False)
    except (ValueError, RecursionError):
        return None  # "messages" is not a top-level key, or the head is broken: read it whole
    if not isinstance(head, dict):
        return None
    text = data.decode("utf-8")
    start = len(data[: found.end()].decode("utf-8"))
    head["messages"] = _items(text, start)
    return head


def _items(text: str, pos: int) -> Iterator[Any]:
    """The items of the JSON array whose first item starts at `pos` of `text`."""
    decoder = json.JSONDecoder(strict=False)
    while True:
        pos = _BETWEEN.match(text, pos).end()  # type: ignore[union-attr]
        if pos >= len(text):
            raise ValueError("the messages array is not closed")
        if text[pos] == "]":
            return
        item, pos = decoder.raw_decode(text, pos)
        yield item


def sniff(head: bytes) -> str:
    """What a file's first bytes say it is: "zip", "json", "html", "xml" or "text"."""
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:200].lower()
    if start[:1] in (b"{", b"["):
        return "json"
    if start.startswith((b"<!doctype html", b"<html")):
        return "html"
    if start.startswith((b"<?xml", b"<rss", b"<feed", b"<rdf")):
        return "xml"
    return "text"


def read_source(data: bytes, kind: str) -> tuple[ParsedChat, str | None]:
    """A JSON, HTML or XML file's messages and the group's name, by what its content is."""
    if kind == "html":
        raise BadExport(_why_html(data))
    if kind == "xml":
        from .feeds import read_feed

        return read_feed(data)
    streamed = _streamed(data)
    if streamed is not None and any(test(streamed) for test, _ in _json_readers()):
        try:
            return _read_json(streamed)
        except (ValueError, RecursionError) as e:  # an item the stream cannot decode: the whole file decides
            if isinstance(e, BadExport):
                raise
    return _read_json(load_json(data))


def _read_json(document: Any) -> tuple[ParsedChat, str | None]:
    for test, read in _json_readers():
        if test(document):
            return read(document)
    raise BadExport(
        "JSON, but no format Egregora reads: expected Telegram Desktop's result.json, "
        "DiscordChatExporter's JSON or WhatsApp-Chat-Exporter's result.json"
    )


def _json_readers() -> Iterable[tuple[Callable[[Any], bool], Callable[[Any], tuple[ParsedChat, str | None]]]]:
    from . import discord, telegram, whatsapp_db

    return [
        (discord.is_discord, discord.read_discord),
        (telegram.is_telegram, telegram.read_telegram),
        (whatsapp_db.is_whatsapp_db, whatsapp_db.read_whatsapp_db),
    ]


def _why_html(data: bytes) -> str:
    head = data[:20000].decode("utf-8", "replace")
    if "Telegram" in head or 'class="page_wrap"' in head or "history" in head and "tgme" in head:
        return (
            "this is Telegram Desktop's HTML export: export the chat again with Format "
            "'Machine-readable JSON' (Settings > Advanced > Export Telegram data, or the chat's "
            "menu > Export chat history) and give its result.json"
        )
    if "DiscordChatExporter" in head or "chatlog__" in head:
        return "this is DiscordChatExporter's HTML export: export the channel again as JSON (--format Json)"
    return "an HTML page, not a chat export Egregora reads"


def with_handles(text: str) -> str:
    """The text with each typed @handle marked as a mention (so it is pseudonymized)."""
    return _HANDLE.sub(lambda m: _MENTION.format(m[1]), text) if "@" in text else text


def mention(name: str) -> str:
    """A name written as WhatsApp writes a mention: the privacy stage replaces it whole."""
    return _MENTION.format(" ".join(name.replace("\u2069", "").split()))


def text_of(value: Any) -> str:
    """A field that should be a string, as one (numbers and nulls happen)."""
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__
