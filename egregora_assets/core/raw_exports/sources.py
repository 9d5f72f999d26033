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
_MESSAGES_KEY = re.compile(rb'"messages"\s*:\s*([\[{])')
_CONTROL_TEXT = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
_BETWEEN = re.compile(r"[\s,]*")
_COLON = re.compile(r"\s*:\s*")
_WINDOW = 8 << 20  # bytes of the file decoded at a time
_LONGEST_ITEM = 32 << 20  # characters: an item still undecoded past this is broken, not cut


Ids = tuple[str | None, str | None, dict[str, int] | None]


class Rows:
    """The messages of a source, one tuple each in the order of PARSED_SCHEMA's columns, turned
    into Arrow columns every CHUNK rows (a million Python tuples would hold gigabytes)."""

    CHUNK = 65536

    def __init__(self) -> None:
        self.items: list[tuple] = []
        self.done: list[pa.Table] = []

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
        if len(self.items) >= self.CHUNK:
            self.done.append(self._chunk())

    def _chunk(self) -> pa.Table:
        columns = list(zip(*self.items)) if self.items else [()] * len(PARSED_SCHEMA)
        self.items = []
        try:
            numeric = bool(columns[0]) and isinstance(columns[0][0], int)
            stamps = pa.array(columns[0], pa.int64() if numeric else pa.string()).cast(pa.timestamp("s"))
        except (pa.ArrowInvalid, pa.ArrowTypeError, ValueError) as e:
            raise BadExport(f"a message's date cannot be read ({_one_line(e)})") from None
        texts = [pa.array(c, pa.string()) for c in columns[1:]]
        # Stray control characters (a form feed in a Telegram message) are no text.
        texts[1] = pc.replace_substring_regex(texts[1], _CONTROL_TEXT, "")
        return pa.table([stamps, *texts], schema=PARSED_SCHEMA)

    def table(self) -> pa.Table:
        """The rows as a PARSED_SCHEMA table, in time order (stable)."""
        table = pa.concat_tables([*self.done, self._chunk()]).combine_chunks()
        self.done = []
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
    """The document with its "messages" read one message at a time (a lazy iterator in their
    place) when they come last, as Telegram Desktop and DiscordChatExporter write their array and
    WhatsApp-Chat-Exporter its object (in its one chat): a million messages are never all decoded
    at once, nor the file's text made. None when it is not so."""
    found = _MESSAGES_KEY.search(data)
    if found is None:
        return None
    members = found[1] == b"{"
    for depth in (1, 2) if members else (1,):
        try:
            head = json.loads(data[: found.start()] + b'"messages": []' + b"}" * depth, strict=False)
        except (ValueError, RecursionError):
            continue
        if not isinstance(head, dict) or not head:
            return None
        holder = head if depth == 1 else list(head.values())[-1]  # the object "messages" is in
        if isinstance(holder, dict):
            holder["messages"] = _items(data, found.end(), depth if members else 0)
            return head
    return None  # "messages" is not where it is expected, or the head is broken: read it whole


def _items(data: bytes, pos: int, members: int = 0) -> Iterator[Any]:
    """The items of the JSON array whose first item starts at byte `pos` of `data`, decoded one
    at a time from a window of the text that moves along the file (the whole 200-MB text, four
    bytes a character once one emoji is in it, is never made). With `members`, the (key, value)
    pairs of an object instead, which must be followed by that many closing braces and nothing
    else (another chat after it: the whole file decides). A fault is a ValueError."""
    decoder = json.JSONDecoder(strict=False)  # strict=False: raw control characters in strings
    text, at, close = "", 0, "}" if members else "]"
    while True:
        at = _BETWEEN.match(text, at).end()  # type: ignore[union-attr]
        if at < len(text) and text[at] == close:
            if members and not re.fullmatch(rb"\s*(?:\}\s*){%d}" % members, text[at + 1 :].encode() + data[pos:]):
                raise ValueError("more follows the messages")
            return
        try:
            # An item that ends where the window does may be cut (a number): read on first.
            if at >= len(text) or pos < len(data) and len(text) - at < _WINDOW >> 4:
                raise ValueError("window")
            if members:
                key, end = decoder.raw_decode(text, at)
                colon = _COLON.match(text, end)
                if not isinstance(key, str) or colon is None:
                    raise ValueError("not an object member")
                value, end = decoder.raw_decode(text, colon.end())
                item: Any = (key, value)
            else:
                item, end = decoder.raw_decode(text, at)
        except ValueError:
            if pos >= len(data) or len(text) - at > _LONGEST_ITEM:
                raise ValueError("the messages array is not closed or cannot be read") from None
            upto = min(pos + _WINDOW, len(data))
            while upto < len(data) and data[upto] & 0xC0 == 0x80:  # never cut a UTF-8 character
                upto += 1
            text, at, pos = text[at:] + data[pos:upto].decode("utf-8"), 0, upto
            continue
        yield item
        at = end


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
