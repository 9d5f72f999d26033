"""The WhatsApp chat parser: the text of an export in, a table of messages out.

It works on UTF-8 bytes, splits the whole text with one compiled header pattern, decodes
each distinct date and time string once, and classifies messages with Arrow's vectorized
regexes, so a million messages parse in about two seconds.
"""

from __future__ import annotations

import gc
import json
import re
from array import array
from collections import Counter
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import accumulate, chain

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..languages import likely_language, spoken
from ..models import PARSED_SCHEMA, BadExport
from ..notices import is_notice, notices, read_notice
from ..text import INVISIBLE
from .dates import CJK_MARKS, SPACE, Locale, timestamps
from .kinds import (
    ATTACHED_ANDROID,
    ATTACHED_FILE,
    ATTACHED_IOS,
    ATTACHED_NUMBERED,
    CONTACT,
    DELETED,
    EDITED,
    GROUP_NAMED,
    LOCATION,
    MEDIA_OMITTED,
    POLL,
    SPECIAL,
    SYSTEM,
    SYSTEM_PY,
    WRITTEN_KIND,
)
from .localize import header_notes, localize

# --- header patterns (bytes) -------------------------------------------------------------
_MARKS = rb"(?:\xe2\x80[\x8e\x8f])*"  # U+200E / U+200F that phones put before lines
_CJK = b"|".join(w for pair in CJK_MARKS for w in pair)
_AMPM = rb"(?:" + SPACE + rb"?[AaPp]\.?" + SPACE + rb"?[Mm]\.?|" + SPACE + rb"?(?:" + _CJK + rb"))"
# Phones in those languages may write the word before the time: it is moved after it.
_CJK_BEFORE = re.compile(
    rb"(^|\n)("
    + _MARKS
    + rb"\[?\d{1,4}[./-] ?\d{1,2}[./-] ?\d{1,4}\.?,?"
    + SPACE
    + rb"?)("
    + _CJK
    + rb")"
    + SPACE
    + rb"?(\d{1,2}[:.]\d{2}(?:[:.]\d{2})?)"
)
_TIME = rb"\d{1,2}[:.]\d{2}(?:[:.]\d{2})?" + _AMPM + rb"?"
_DASH = rb" (?:-|\xe2\x80\x93) "  # Android's " - ", sometimes an en dash
# Lazy: the author ends at the first ": " of the line (or a ":" that ends it, or is followed
# only by punctuation, as in "Ana:."); the rare other splits are revisited.
_PUNCT_TO_EOL = rb"(?=[!-/:-@\[-`{-~]+(?:\n|\Z))"
_AUTHOR = rb"(?:([^\n]*?):(?: |(?=\n)|\Z|" + _PUNCT_TO_EOL + rb"))?"
_WHEN = (  # the date's three parts in any order, then an optional word ("klo", "kl.", "à")
    rb"(?P<date>\d{1,4}([./-]) ?\d{1,2}\2 ?\d{1,4}\.?)"
    rb"(?P<at>,?" + SPACE + rb"(?:(?:[A-Za-z]{1,5}\.?|\xc3\xa0)" + SPACE + rb")?)"
    rb"(?P<time>" + _TIME + rb")"
)
# What follows the time: Android's " - " (after an optional dot), an old ": ", or a bare
# space (Serbian/Croatian/Hungarian phones); iOS's "] " ("] - " in some old exports). Tried in that order.
_DETECT = {
    "android": re.compile(rb"(?:^|\n)" + _MARKS + _WHEN + rb"(?P<tail>\.?" + _DASH + rb"|: |" + SPACE + rb")"),
    "ios": re.compile(rb"(?:^|\n)" + _MARKS + rb"\[" + _WHEN + rb"(?P<tail>\](?: -)?" + SPACE + rb")"),
}
_SAMPLE_HEADERS = 200  # the file's header shape is the most common among its first headers
_MAX_AUTHOR = 200  # bytes; WhatsApp names are far shorter
_MAX_SYSTEM_LINE = 2000  # system lines are short: a 50 MB line is not searched whole
_LRM = "\u200e".encode()  # iOS marks system lines with it: classify handles those
_ISOLATES = re.compile(rb"\xe2\x81[\xa8\xa9]")
# A mention's isolates ("@\u2068Ana Souza\u2069", or the isolate first) are the only mark of where
# its name ends, which the privacy stage needs: they are kept, as "@\u2068NAME\u2069".
_MENTION_OR_ISOLATE = re.compile(
    rb"(?:@\xe2\x81\xa8|\xe2\x81\xa8@)((?:(?!\xe2\x81[\xa8\xa9])[^\n]){1,300}?)\xe2\x81\xa9|\xe2\x81[\xa8\xa9]"
)


@dataclass(frozen=True)
class ParsedChat:
    """The messages of one chat file (PARSED_SCHEMA) and how its header format was read."""

    messages: pa.Table
    format: str  # "android" or "ios"
    day_first: bool
    day_first_evidence: str
    first_unparsed_line: str | None
    header: str = ""  # the header's shape, e.g. "[DD/MM/YYYY, HH:MM:SS] NAME: TEXT"
    clock: str = ""  # "24-hour" or "12-hour (AM/PM)"
    invalid_utf8: int = 0  # byte sequences that were not UTF-8, replaced with U+FFFD
    invalid_utf8_at: str | None = None  # the timestamp of the first message holding one
    localized: tuple[str, ...] = ()  # how headers were read otherwise: other digits, calendars...

    @property
    def replacement_note(self) -> str | None:
        """One line saying what was replaced, when anything was."""
        if not self.invalid_utf8:
            return None
        return (
            f"{self.invalid_utf8} invalid UTF-8 sequence(s) replaced with U+FFFD, the first in "
            f"the message of {self.invalid_utf8_at}"
        )


def parse_chat(
    text: str | bytes | Iterable[bytes],
    *,
    day_first: bool | None = None,
    locale_hint: str | None = None,
    media_members: Collection[str] = (),
    group_name: str | None = None,
) -> ParsedChat:
    """Parse the text of a WhatsApp chat export; bad dates or times raise BadExport.

    The text can come as chunks (a zip member being inflated): each is split as it comes."""
    with _gc_paused():
        kind, pieces = _pieces(text)
        del text  # dropping each big intermediate as soon as it is used bounds peak memory
        notes: set[str] = set()
        pieces = _localized(pieces, notes)
        data, found = _detect_in(kind, pieces)
        if found is None:
            return ParsedChat(PARSED_SCHEMA.empty_table(), "unknown", True, "no messages", _first_line(data))
        fmt, first = found
        locale = Locale(
            _marker(first["time"]), first["date"], first["at"], data[: 1 << 20], locale_hint, frozenset(notes)
        )
        header = _header(fmt, first)
        parts = _split(data, header)  # [before, date, time, author, body, date, ...]
        del data
        _split_on(parts, pieces, header)
        preamble, dates, times, authors, bodies = parts[0], parts[1::4], parts[2::4], parts[3::4], parts[4::4]
        del parts
        stamps, decided, evidence = timestamps(dates, times, day_first, locale)
        del dates, times
        author, body = _resolve_authors(_few_distinct(authors), _binary(bodies))
        del authors, bodies
        messages, (replaced, row) = _classify(
            stamps, author, body, fmt, media_members, [group_name] if group_name else []
        )
        shape, clock = _describe(fmt, first, decided)
        where = None if row is None else messages["timestamp"][row].as_py().isoformat()
        return ParsedChat(
            messages, fmt, decided, evidence, _first_line(preamble), shape, clock, replaced, where, tuple(sorted(notes))
        )


def _localized(pieces: Iterator[bytes], notes: set[str]) -> Iterator[bytes]:
    """The pieces with their headers in the grammar's shape, when the first piece's headers
    are written otherwise (localize.py; `notes` hears what); else the pieces as they are."""
    first = next(pieces, b"")
    notes |= header_notes(first)
    yield localize(first) if notes else first
    for piece in pieces:
        yield localize(piece) if notes else piece


def _detect_in(kind: str | None, pieces: Iterator[bytes]) -> tuple[bytes, tuple[str, re.Match[bytes]] | None]:
    """The text read so far and its header (`_detect`): looked for in the first megabyte, else
    in the whole text. A binary file (`kind`, or bytes that are not text) raises BadExport."""
    data = _first_megabyte(pieces)
    found = _detect(data)
    if found is None:
        data += b"".join(pieces)
        if (found := _detect(data)) is None and (why := kind or _not_text(data)):
            raise BadExport(f"not a text chat: {why}")
    return data, found


def _split_on(parts: list[bytes], pieces: Iterator[bytes], header: re.Pattern[bytes]) -> None:
    """`parts` (`_split`) extended with the later pieces' headers and messages."""
    for piece in pieces:  # each later piece starts at a line: the split goes on from there
        more = header.split(piece)
        parts[-1] += more[0]
        parts += more[1:]
    parts[-1] = parts[-1].rstrip(b"\n")  # the file's last newline: no column pass for it


def _pieces(text: str | bytes | Iterable[bytes]) -> tuple[str | None, Iterator[bytes]]:
    """What the input is when it is a known binary file, and its normalized text in pieces
    that each end just before a newline."""
    if isinstance(text, (str, bytes, bytearray)):
        return _magic(text[:16]), iter([normalize_text(text)])
    chunks = iter(text)
    first = next(chunks, b"")
    if first[:2] in (b"\xff\xfe", b"\xfe\xff") or _looks_utf16(first):  # rare: decode it whole
        return _magic(first[:16]), iter([normalize_text(b"".join([first, *chunks]))])
    return _magic(first[:16]), _line_pieces(first, chunks)


def _line_pieces(first: bytes, chunks: Iterator[bytes]) -> Iterator[bytes]:
    """Raw chunks regrouped at line ends (never inside a CR LF pair or a UTF-8 character)
    and normalized one by one."""
    held: list[bytes] = []
    for chunk in chain([first], chunks):
        cut = chunk.rfind(b"\n")
        if cut < 0:
            held.append(chunk)
            continue
        piece, rest = b"".join([*held, chunk[:cut]]), chunk[cut:]
        if piece.endswith(b"\r"):
            piece, rest = piece[:-1], b"\r" + rest
        held = [rest]
        yield normalize_text(piece)
    if tail := b"".join(held):
        yield normalize_text(tail)


def _first_megabyte(pieces: Iterator[bytes]) -> bytes:
    """Pieces joined until they hold the first megabyte of the text (or all of it)."""
    taken, size = [], 0
    for piece in pieces:
        taken.append(piece)
        size += len(piece)
        if size >= 1 << 20:
            break
    return b"".join(taken)


@contextmanager
def _gc_paused():
    """Pause the cycle collector: it would walk the million-item lists many times over,
    and parsing makes no reference cycles."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def normalize_text(text: str | bytes) -> bytes:
    """UTF-8 bytes with BOM, UTF-16, NUL bytes, CR line ends and mention isolates undone."""
    if isinstance(text, str):
        data = text.encode("utf-8", "replace")
    elif text[:2] in (b"\xff\xfe", b"\xfe\xff") or _looks_utf16(text):
        data = bytes(text).decode(_utf16_codec(text), "replace").encode("utf-8")
    else:
        data = bytes(text)
    if b"\xef" in data:  # memchr first: the 3-byte search is slower and rarely needed
        data = data.replace(b"\xef\xbb\xbf", b"")  # BOM, also mid-file after a concatenation
    if b"\x00" in data:
        data = data.replace(b"\x00", b"")
    if b"\r" in data:
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    if _ISOLATES.search(data):  # U+2068/U+2069 wrap names; they are not content
        data = _MENTION_OR_ISOLATE.sub(_mention, data)
    sample = data[: 1 << 16]
    if (b"\xe5\x8d\x88" in sample or b"\xec\x98\xa4" in sample) and _CJK_BEFORE.search(sample):  # 午, 오
        data = _CJK_BEFORE.sub(rb"\1\2\4 \3", data)
    return data


def _mention(m: re.Match[bytes]) -> bytes:
    return b"@\xe2\x81\xa8" + m.group(1) + b"\xe2\x81\xa9" if m.group(1) else b""


def summary(parsed) -> dict:
    """What `egregora parse --summary` prints for a ParsedExport (or a ParsedChat)."""
    chat = getattr(parsed, "chat", parsed)
    stamps = chat.messages["timestamp"]
    first, last = pc.min(stamps).as_py(), pc.max(stamps).as_py()
    return {
        "messages": chat.messages.num_rows,
        "first": first.isoformat(timespec="seconds") if first else None,
        "last": last.isoformat(timespec="seconds") if last else None,
        "authors": pc.count_distinct(chat.messages["author"]).as_py(),
        "format": chat.format,
        "header": chat.header,
        "clock": chat.clock,
        "day_first": chat.day_first,
        "evidence": chat.day_first_evidence,
        "invalid_utf8_replaced": chat.invalid_utf8,
        **source_found(chat),
        "headers_read_as": list(chat.localized),
        "notices_unread": unread_notices(chat.messages),
        **chat_language(chat.messages),
    }


def source_found(chat: ParsedChat) -> dict:
    """Which source the export is, and what it carries that a .txt does not."""
    m = chat.messages
    reacted = m["reactions"].drop_null().to_pylist()
    return {
        "source": "whatsapp-txt" if chat.format in ("android", "ios") else chat.format,
        "replies": m.num_rows - m["reply_to"].null_count,
        "reactions": sum(sum(json.loads(r).values()) for r in reacted),
        "reacted_messages": len(reacted),
        "media": pc.sum(pc.equal(m["kind"], "media")).as_py() or 0,
        "author_ids": pc.count_distinct(m["author_id"]).as_py(),
    }


def chat_language(messages: pa.Table) -> dict:
    """The chat's likely language (by stopwords, a quick guess) and whether Egregora's own words
    on its site and in its offline posts are in it, or in English."""
    texts = messages.filter(pc.equal(messages["kind"], "text"))["message"].slice(0, 5000).to_pylist()
    language = likely_language([t for t in texts if t])
    return {"language": language, "egregora_writes_in": spoken(language) if language else "en"}


def unread_notices(messages: pa.Table) -> int:
    """How many distinct system lines no notice template reads (in no language Egregora knows):
    kept, and stored as `[notice]`, but worth a sample sent so the templates can learn them."""
    system = messages.filter(pc.equal(messages["kind"], "system"))["message"]
    return sum(read_notice(line) is None for line in pc.unique(system).to_pylist() if line)


# --- text and headers ---------------------------------------------------------------------


_MAGIC = {  # what people hand over instead of the chat's text
    b"PK\x03\x04": "it is a zip archive (give it a .zip name)",
    b"%PDF": "it is a PDF document",
    b"\xff\xd8\xff": "it is a JPEG image",
    b"\x89PNG": "it is a PNG image",
    b"\x1f\x8b": "it is gzip-compressed data",
    b"SQLite format 3": "it is an SQLite database (WhatsApp's msgstore, not an export)",
}
_CONTROL = bytes(b for b in range(32) if b not in b"\t\n\f\r") + b"\x7f"


def _magic(head: str | bytes) -> str | None:
    """What a file is, by its first bytes, when it is a known kind of binary file."""
    if isinstance(head, bytes):
        for magic, why in _MAGIC.items():
            if head.startswith(magic):
                return why
    return None


def _not_text(data: bytes) -> str | None:
    """Why the bytes are not a chat's text (binary data), or None when they look like text."""
    sample = data[: 1 << 16]
    if not sample:
        return None
    control = len(sample) - len(sample.translate(None, _CONTROL))
    invalid = sample[:-4].decode("utf-8", "replace").count("\ufffd") - sample.count("\ufffd".encode())
    if (control + invalid) * 20 > len(sample):  # over 5%: text has next to none
        return (
            f"it looks like binary data ({100 * (control + invalid) // len(sample)}% of its first bytes are not text)"
        )
    return None


def _looks_utf16(data: bytes) -> bool:
    sample = data[:4096]
    return len(sample) >= 4 and sample.count(0) * 3 >= len(sample)


def _utf16_codec(data: bytes) -> str:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "utf-16"
    sample = data[:4096]
    # ASCII text in UTF-16-LE has its NULs at odd offsets
    return "utf-16-le" if sample[1::2].count(0) > sample[0::2].count(0) else "utf-16-be"


def _detect(data: bytes) -> tuple[str, re.Match[bytes]] | None:
    """The header family and the first header of the file's most common header shape.

    Looked for near the start first. Counting shapes, rather than taking the first line
    that looks like a header, keeps a date-like first line from deciding the format."""
    for window in (data[: 1 << 20], data) if len(data) > 1 << 20 else (data,):
        hits = []
        for fmt, rx in _DETECT.items():
            for _, match in zip(range(_SAMPLE_HEADERS), rx.finditer(window)):
                hits.append((match.start(), fmt, match))
        if hits:
            shapes: Counter[tuple] = Counter()
            for _, fmt, m in hits:  # a bare space or ": " after a time is also how text is written
                shapes[_shape(fmt, m)] += 1 if m["tail"] in (b" ", b": ") else 4
            best = max(shapes.values())
            _, fmt, match = min(h for h in hits if shapes[_shape(h[1], h[2])] == best)
            return fmt, match
    return None


def _shape(fmt: str, match: re.Match[bytes]) -> tuple:
    clock = re.sub(rb"\d+", b"9", match["time"]).lower().replace(b"p", b"a")
    for am, pm in CJK_MARKS:
        clock = clock.replace(pm, am)
    return fmt, re.sub(rb"\d+", b"9", match["date"]), match["at"], clock, match["tail"]


def _header(fmt: str, first: re.Match[bytes]) -> re.Pattern[bytes]:
    """The header pattern of one file, shaped like its first header.

    WhatsApp writes every header of a file the same way, so only digits and the AM/PM
    letter vary; a tight pattern is faster and keeps date-like text lines as text."""
    date = re.sub(rb"\d+", rb"\\d{1,4}", re.escape(first["date"]))
    clock = _CLOCK.match(first["time"])[0]  # type: ignore[index]  # a header time always starts so
    time = re.sub(rb"\d+", rb"\\d{1,2}", re.escape(clock))
    if len(clock) < len(first["time"]):
        time += _AMPM
    when = rb"(" + date + rb")" + re.escape(first["at"]) + rb"(" + time + rb")"
    head = rb"\[" + when if fmt == "ios" else when
    return re.compile(rb"\n" + _MARKS + head + re.escape(first["tail"]) + _AUTHOR)


_CLOCK = re.compile(rb"\d+[:.]\d+(?:[:.]\d+)?")


def _marker(time: bytes) -> bytes:
    """The 12-hour marker of a header's time as written (" p. m."), or b""."""
    return time[_CLOCK.match(time).end() :]  # type: ignore[union-attr]  # a header time always starts so


def _describe(fmt: str, first: re.Match[bytes], day_first: bool) -> tuple[str, str]:
    """The header's shape and clock in words, for `parse --summary`."""
    parts = re.findall(rb"\d+", first["date"])
    if len(parts[0]) == 4:
        names = ["YYYY", "MM", "DD"]
    else:
        year = "YYYY" if len(parts[2]) == 4 else "YY"
        names = ["DD", "MM", year] if day_first else ["MM", "DD", year]
    date = re.sub(rb"\d+", lambda _: names.pop(0).encode(), first["date"])
    marker = _marker(first["time"])
    clock = first["time"][: len(first["time"]) - len(marker)]
    fields = ["HH", "MM", "SS"]
    am = marker.replace(b"p", b"a").replace(b"P", b"A")
    both = am + b"/" + am.replace(b"a", b"p").replace(b"A", b"P").lstrip() if marker else b""
    for am_word, pm_word in CJK_MARKS:
        if marker.strip() in (am_word, pm_word):
            both = marker[: len(marker) - len(marker.lstrip())] + am_word + b"/" + pm_word
    time = re.sub(rb"\d+", lambda _: fields.pop(0).encode(), clock) + both
    text = (b"[" if fmt == "ios" else b"") + date + first["at"] + time + first["tail"] + b"NAME: TEXT"
    words = f"12-hour ({both.decode().strip()})" if marker else "24-hour"
    return text.decode("utf-8", "replace"), words


def _split(data: bytes, header: re.Pattern[bytes]) -> list[bytes]:
    """The text cut at each header, keeping the header's groups (re.split)."""
    parts = header.split(data)
    # The pattern starts at a newline (fast to search for); a header on line one has none.
    head = header.split(b"\n" + parts[0])
    if len(head) > 1:
        parts[:1] = head
    return parts


def _first_line(data: bytes) -> str | None:
    for line in data.split(b"\n", 50)[:50]:
        if line.strip():
            return line.decode("utf-8", "replace").strip()[:200]
    return None


# --- authors ------------------------------------------------------------------------------


def _resolve_authors(author: pa.Array, body: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Re-split the rare lines where the first ': ' is not where the author ends.

    Those are names with ': ' in them, and system lines quoting text with ': '. A split
    that gives an author seen elsewhere in the file is preferred."""
    counts = _counts(author)
    ambiguous = pc.and_(pc.is_valid(author), pc.match_substring_regex(body, r"^[^\n]*: "))
    rows = pc.indices_nonzero(ambiguous)
    names, texts = author.take(rows).to_pylist(), body.take(rows).to_pylist()
    splits = dict(zip(rows.to_pylist(), map(_candidates, names, texts)))
    fixes: dict[int, tuple[bytes | None, bytes]] = {}
    support = counts.copy()
    for cands in splits.values():
        support.update(cands[1:])
    only_ambiguous = Counter(cands[0] for cands in splits.values())
    known = {a for a, n in counts.items() if n > only_ambiguous[a]}  # seen in a clear line
    for i, cands in splits.items():
        if (choice := _choose(cands, known, support)) != cands[0]:
            whole = cands[0] + b": " + body[i].as_py()
            fixes[i] = (choice, whole[len(choice) + 2 :])
    singles = [a for a, n in counts.items() if n == 1]
    for i, line in _system_lines_with_colon(author, body, singles):
        if i not in splits:
            fixes[i] = (None, line)
    fixes.update(_known_author_without_space(author, body, counts))
    if not fixes:
        return author, body
    mask = _mask([i in fixes for i in range(len(author))])
    order = sorted(fixes)
    return (
        pc.replace_with_mask(author, mask, _binary([fixes[i][0] for i in order])),
        pc.replace_with_mask(body, mask, _binary([fixes[i][1] for i in order])),
    )


def _known_author_without_space(author: pa.Array, body: pa.Array, counts: Counter) -> dict:
    """Authorless rows written "NAME:text" (no space after the colon): a message by NAME
    when NAME writes clear lines elsewhere, or when the line reads as no system line and
    NAME as a name (short, no quotes: system lines quote subjects)."""
    fixes = {}
    for i in pc.indices_nonzero(pc.is_null(author)).to_pylist():
        line = body[i].as_py()
        name, colon, rest = line[:_MAX_AUTHOR].partition(b":")
        if not colon or rest.startswith((b" ", b"\n")) or not name.strip() or _inflected(rest):
            continue
        # a known writer's line unless a template reads it; an unknown name's when it looks like one
        # (no quotes) and the line reads as no system line (_looks_like_a_name reads the templates)
        if read_notice(_first_text_line(line)) is None if counts.get(name) else _looks_like_a_name(name, line):
            fixes[i] = (name, line[len(name) + 1 :])
    return fixes


def _inflected(rest: bytes) -> bool:
    """Whether a colon ends a name's case ending rather than an author: Swedish and Finnish write
    "Cem:s säkerhetskod", "Cem:n turvanumero" (notices.toml's `colon_endings`)."""
    ending = rest.split(b" ", 1)
    return len(ending) == 2 and ending[0].decode("utf-8", "replace").casefold() in notices().colon_endings


def _first_text_line(line: bytes) -> str:
    return line[:_MAX_SYSTEM_LINE].split(b"\n", 1)[0].decode("utf-8", "replace")


def _looks_like_a_name(name: bytes, line: bytes) -> bool:
    text = _first_text_line(line)
    return (
        len(name) <= 60
        and not re.search(rb"[\"'(\[<]|\xe2\x80[\x9c\x9d\x9e]|\xc2[\xab\xbb]|//", name)
        and not SYSTEM_PY.search(text)
    )


def _system_lines_with_colon(author: pa.Array, body: pa.Array, singles: list[bytes]) -> list[tuple[int, bytes]]:
    """Rows whose "author" appears once and which read as a notice, with the notice's text."""
    if not singles:
        return []
    rows = pc.indices_nonzero(pc.is_in(author, value_set=_binary(singles)))
    kinds = pc.match_substring_regex(_utf8(body.take(rows)), WRITTEN_KIND)  # Persian "deleted" reads as a notice
    found: list[tuple[int, bytes]] = []
    for i in rows.filter(pc.invert(kinds)).to_pylist():
        name, text = author[i].as_py(), body[i].as_py()
        if text.startswith(_LRM):
            continue
        if (whole := _rejoined_notice(name.decode("utf-8", "replace"), _first_text_line(text))) is not None:
            found.append((i, name + b": " + text if whole else text))
    return found


def _rejoined_notice(name: str, text: str) -> bool | None:
    """Whether "NAME: TEXT" is one notice: whole (True: a subject quoting ': '), or TEXT alone
    (False: the group's or the acting person's name before it), or neither (None). A person a
    template reads as ending in ':' is an author ("Ana: added some photos")."""
    if read_notice(text) is not None:
        return False
    whole = read_notice(f"{name}: {text}")
    return True if whole is not None and not any(n.endswith(":") for n in whole.names) else None


def _counts(author: pa.Array) -> Counter:
    counted = pc.value_counts(author)
    pairs = zip(counted.field("values").to_pylist(), counted.field("counts").to_pylist())
    return Counter({a: n for a, n in pairs if a is not None})


def _candidates(author: bytes, body: bytes) -> list[bytes]:
    """Every author the line could have: its text up to each ': ' of its first line."""
    first = body[:_MAX_AUTHOR].split(b"\n", 1)[0]  # bounded: a 50 MB line stays linear
    cands, start = [author], 0
    while (pos := first.find(b": ", start)) >= 0:
        if first.startswith(b"http", pos + 2) or b"<" in first[:pos] or first.startswith(_LRM):
            break  # "location: https://...", "<attached: ...>", iOS's marked text: not a longer name
        cands.append(author + b": " + first[:pos])
        start = pos + 2
    return cands


def _choose(cands: list[bytes], known: set[bytes], support: Counter) -> bytes:
    """An author seen in a clear line wins; else the best-supported, longest on a tie."""
    seen = [c for c in cands if c in known]
    if seen:
        return seen[-1]
    best = max(support[c] for c in cands)
    if best < 2:
        return cands[0]  # nothing else to go on: the first ': ', like WhatsApp's own layout
    return [c for c in cands if support[c] == best][-1]


# --- kinds --------------------------------------------------------------------------------


def _classify(
    stamps: pa.Array,
    author: pa.Array,
    body: pa.Array,
    fmt: str,
    media: Collection[str],
    group_names: Collection[str],
) -> pa.Table:
    """The message table: kinds and attachments read from each message's text, and where
    invalid UTF-8 was replaced (count, first row)."""
    author, bad_names = _utf8_counted(author)
    body, bad_texts = _utf8_counted(body)
    text, lrm = _unmarked(body)
    # One pass finds the few messages that are not plain text; the rest runs on those only.
    special = pc.match_substring_regex(text, SPECIAL)
    few = text.filter(special)
    named = _attachment(few)
    codes = pc.replace_with_mask(_zeros(len(text)), special, _kind(few, named))
    text = _without_edited_marker(text, few, special)
    system, text = _system_rows(author, text, lrm, fmt, group_names)
    # A written line that reads as a kind is no notice: Persian's "an admin deleted this message"
    # also reads as its "{person} {people} را حذف کرد" (removed) notice.
    system = pc.and_(system, pc.or_(pc.is_null(author), pc.equal(codes, 0)))
    kind = _KIND_NAMES.take(pc.if_else(system, _CODE["system"], codes))
    author = pc.if_else(system, _TEXT[None], author)
    named = pc.replace_with_mask(pa.nulls(len(text), pa.string()), special, named)
    attachment = _link(named, media)
    bad = bad_names + bad_texts
    replaced = (sum(n for _, n in bad), min((i for i, _ in bad), default=None))
    extras = [pa.nulls(len(text), pa.string())] * 4  # a .txt has no ids, replies or reactions
    return pa.table([stamps, author, text, kind, attachment, *extras], schema=PARSED_SCHEMA), replaced


def _unmarked(body: pa.Array) -> tuple[pa.Array, pa.Array]:
    """The text without its last newline and the U+200E/U+200F marks phones put first, and
    which rows started with U+200E (iOS marks system lines with it)."""
    raw = _fix_rows(body, pc.ends_with(body, "\n"), lambda t: pc.utf8_rtrim(t, characters="\n"))
    lrm = pc.starts_with(raw, "\u200e")
    marks = pc.or_(lrm, pc.starts_with(raw, "\u200f"))
    return _fix_rows(raw, marks, lambda t: pc.utf8_ltrim(t, characters="\u200e\u200f")), lrm


def _without_edited_marker(text: pa.Array, few: pa.Array, special: pa.Array) -> pa.Array:
    """The text without the "edited" marker in the rows that have it (`few`: the `special` rows)."""
    unmarked = _extract(few, EDITED)
    if unmarked.null_count < len(unmarked):  # edited: the marker is a kind, not text
        edited = pc.replace_with_mask(pa.nulls(len(text), pa.bool_()), special, pc.is_valid(unmarked))
        text = _fix_rows(text, pc.fill_null(edited, False), lambda t: _extract(t, EDITED))
    return text


def _system_rows(
    author: pa.Array, text: pa.Array, lrm: pa.Array, fmt: str, group_names: Collection[str]
) -> tuple[pa.Array, pa.Array]:
    """Which rows are system lines, and the text without the group-name prefix of those re-joined under it."""
    system = pc.is_null(author)
    if fmt == "ios":  # iOS files system lines under the group's name, marked with U+200E
        quoted = _on(lrm, text, _is_notice)
        system = pc.coalesce(pc.or_(system, quoted), system)
        system, text = _unglued(system, text, lrm)
        if not pc.any(lrm).as_py():  # an older export, marking nothing: see _self_named
            system = pc.or_(system, _self_named(author, text))
    names = _group_names(group_names, author, text, lrm, fmt)
    if (grouped := _filed_under_group(author, text, names)) is not None:
        system = pc.or_(system, grouped)
        text = _strip_group_prefix(text, pc.is_null(author), names)
    return system, text


_GLUED = ": \u200e".encode()


def _unglued(system: pa.Array, text: pa.Array, lrm: pa.Array) -> tuple[pa.Array, pa.Array]:
    """iOS notices that keep a name glued before them, "Trilhas: \u200eAna added Bruno" (the mark
    after the name) or a marked "Ana Souza: Ana Souza added Bruno": notices, without the name.
    What follows the name must read as a whole notice, so a member's "Bia: \u200e..." stays."""
    rows = pc.fill_null(_on(lrm, text, lambda marked: pc.match_substring(marked, ": ")), False)
    if (data := text.buffers()[2]) is not None and _GLUED in data.to_pybytes():  # a memchr-fast search first
        rows = pc.or_(rows, pc.match_substring(text, ": \u200e"))
    rows = pc.indices_nonzero(rows)
    fixes = {}
    for i, line in zip(rows.to_pylist(), text.take(rows).to_pylist()):
        name, glued, _ = line[:_MAX_AUTHOR].partition(": ")
        bare = line[len(name) + 2 :].lstrip("\u200e\u200f")
        short = len(bare) <= _MAX_SYSTEM_LINE
        if glued and short and "\n" not in name and _looks_like_a_name(name.encode(), b"") and SYSTEM_PY.search(bare):
            fixes[i] = bare
    if not fixes:
        return system, text
    mask = _mask([i in fixes for i in range(len(text))])
    order = sorted(fixes)
    return pc.or_(system, mask), pc.replace_with_mask(text, mask, _strings([fixes[i] for i in order]))


def _self_named(author: pa.Array, text: pa.Array) -> pa.Array:
    """Rows iOS files under the person who acted, the notice naming them first ("Boris: Boris
    created group “X”", "Emirço: Emirço bu grubun simgesini değiştirdi"). Exports that mark
    their notices mark these too; in older ones, which mark nothing, the name says it.

    Rows are grouped by author (sorted once) so that each author's rows are searched for their
    own name in one vectorized pass; the few that start with it are read against the templates."""
    codes = author.dictionary_encode()
    keys = pc.fill_null(codes.indices, -1).to_numpy(zero_copy_only=False)
    order = np.argsort(keys, kind="stable")
    bounds = np.searchsorted(keys[order], np.arange(len(codes.dictionary) + 1))
    found: list[int] = []
    for code, name in enumerate(codes.dictionary.to_pylist()):
        if len(name.strip()) < 2:  # every line starts with "": an empty name is nobody's
            continue
        rows = pa.array(order[bounds[code] : bounds[code + 1]])
        for i in rows.filter(pc.starts_with(text.take(rows), name)).to_pylist():
            line = text[i].as_py()
            notice = len(line) <= _MAX_SYSTEM_LINE and read_notice(line)
            if notice and notice.names and _same_name(notice.names[0], name):
                found.append(i)
    flags = np.zeros(len(text), dtype=bool)
    flags[found] = True
    return pa.array(flags)


def _same_name(named: str, author: str) -> bool:
    """Whether a notice's first name is the author's (case, spacing and invisible marks aside),
    or its first words, where a template sets two names side by side ("{person} {people}")."""
    named, author = (" ".join(n.translate(INVISIBLE).casefold().split()) for n in (named, author))
    return author == named or author.startswith(named + " ")


def _group_names(given: Collection[str], author: pa.Array, text: pa.Array, lrm: pa.Array, fmt: str) -> set[str]:
    """The names the group had: given (from the file name), the author of an iOS chat's opening
    notices, and each subject change announced under a name already known."""
    names = {n for n in given if n} | (_opening_names(author, text, lrm) if fmt == "ios" else set())
    seen: set[str] = set()
    while names - seen:
        seen |= names
        rows = pc.is_in(author, value_set=_strings(sorted(seen)))
        found = _extract(text.filter(rows), GROUP_NAMED).drop_null().to_pylist()
        names |= {n.strip() for n in found}
    return names


_OPENING = 50  # the rows an iOS chat's opening notices are looked for in


def _opening_names(author: pa.Array, text: pa.Array, lrm: pa.Array) -> set[str]:
    """The authors of an iOS chat's opening notices: the first line's, or an author whose every
    line among the first ones is a notice (a member who also wrote "oi" there is no group)."""
    rows = list(zip(*(column.slice(0, _OPENING).to_pylist() for column in (author, text, lrm))))
    lines: dict[str, list[tuple[str, bool]]] = {}
    for name, line, marked in rows:
        if name is not None:
            lines.setdefault(name, []).append((line, marked))
    found = {rows[0][0]} if rows and rows[0][0] is not None and _opens_the_chat(*rows[0]) else set()
    for name, written in lines.items():
        opens = any(_opens_the_chat(name, line, marked) for line, marked in written)
        if name not in found and opens and all(_reads_as_notice(line, marked) for line, marked in written):
            found.add(name)
    return found


def _reads_as_notice(line: str, marked: bool) -> bool:
    line = line[:_MAX_SYSTEM_LINE]
    return bool(SYSTEM_PY.search(line)) if marked else read_notice(line) is not None


def _opens_the_chat(author: str, line: str, marked: bool) -> bool:
    """Whether one of an iOS chat's first lines is a notice filed under the group's name. iOS
    marks its notices with U+200E; unmarked (older exports), only a notice that names nobody
    (the encryption notice) or quotes the author as the group's title is one: a member's first
    words "added some photos to the album" never make that member the group, nor does a notice
    filed under the person who acted ("Boris: Boris created group “X”")."""
    line = line[:_MAX_SYSTEM_LINE]
    notice = read_notice(line)
    if notice and notice.names and _same_name(notice.names[0], author):
        return False
    if marked:
        return SYSTEM_PY.search(line)
    if notice is None:
        return False
    title = _extract(pa.array([line], pa.string()), GROUP_NAMED)[0].as_py()
    return not notice.names or (title or "").strip() == author.strip()


def _filed_under_group(author: pa.Array, text: pa.Array, names: set[str]) -> pa.Array | None:
    """Rows written under one of the group's names whose text is a known system line."""
    if not names:
        return None
    rows = pc.fill_null(pc.is_in(author, value_set=_strings(sorted(names))), False)
    if not pc.any(rows).as_py():
        return None
    return pc.fill_null(_on(rows, text, _is_notice), False)


_FEW_LINES = 2000  # below this, lines are read against the templates one by one, in Python


def _is_notice(text: pa.Array) -> pa.Array:
    """Whether each line reads as one of WhatsApp's notices (by its words, or a template).

    Arrow compiles a regex on every call, and the union of every language's templates is
    hundreds of kilobytes: the few lines iOS marks are read one by one instead."""
    words = pc.match_substring_regex(text, SYSTEM)
    if len(text) > _FEW_LINES:
        return pc.or_(words, pc.match_substring_regex(text, notices().re2))
    read = [line is not None and len(line) <= _MAX_SYSTEM_LINE and is_notice(line) for line in text.to_pylist()]
    return pc.or_(words, pa.array(read, pa.bool_()))


def _strip_group_prefix(text: pa.Array, system: pa.Array, names: set[str]) -> pa.Array:
    """System lines re-joined as "GROUP: Ana added Bia" (a name seen once) lose the prefix."""
    rows = pc.indices_nonzero(system).to_pylist()
    fixes = {}
    for i in rows:
        line = text[i].as_py()
        for name in names:
            if line.startswith(name + ": ") and SYSTEM_PY.search(line[len(name) + 2 : _MAX_SYSTEM_LINE]):
                fixes[i] = line[len(name) + 2 :]
    if not fixes:
        return text
    mask = _mask([i in fixes for i in range(len(text))])
    return pc.replace_with_mask(text, mask, _strings([fixes[i] for i in sorted(fixes)]))


def _kind(text: pa.Array, named: pa.Array) -> pa.Array:
    """The kind code of each message that is not plain text, given its attachment names."""
    is_contact = pc.and_kleene(pc.is_valid(named), pc.ends_with(pc.utf8_lower(named), ".vcf"))
    kind = _zeros(len(text))
    for name, mask in (  # later rows win
        ("edited", pc.match_substring_regex(text, EDITED)),
        ("location", pc.match_substring_regex(text, LOCATION)),
        ("poll", pc.match_substring_regex(text, POLL)),
        ("contact", pc.match_substring_regex(text, CONTACT)),
        ("media", pc.or_(pc.match_substring_regex(text, MEDIA_OMITTED), pc.is_valid(named))),
        ("contact", is_contact),
        ("deleted", pc.match_substring_regex(text, DELETED)),
    ):
        kind = pc.if_else(mask, _CODE[name], kind)
    return kind


def _attachment(text: pa.Array) -> pa.Array:
    """The file name an attachment line refers to, else null: by the words of the languages
    kinds.toml holds, or by WhatsApp's own file names in any other. On WhatsApp's lines the two
    read the same name; the words go first because the names' pattern costs more per row."""
    words = pc.coalesce(_extract(text, ATTACHED_ANDROID), _extract(text, ATTACHED_IOS))
    named = pc.and_(pc.is_null(words), pc.match_substring_regex(text, r"WA\d{4}|\d{8}-"))
    if not pc.any(named).as_py():
        return words
    by_shape = _on(named, text, lambda t: pc.coalesce(_extract(t, ATTACHED_FILE), _extract(t, ATTACHED_NUMBERED)))
    return pc.coalesce(words, by_shape)


def _on(mask: pa.Array, column: pa.Array, compute) -> pa.Array:
    """compute() over the rows where mask holds, null elsewhere."""
    result = compute(column.filter(mask))
    return pc.replace_with_mask(pa.nulls(len(column), result.type), mask, result)


def _fix_rows(column: pa.Array, mask: pa.Array, compute) -> pa.Array:
    """The string column with compute() applied where mask holds. Most rows need nothing:
    a kernel over a million strings, or replace_with_mask, costs more than one copy of the
    data with the few new values spliced in and the offsets shifted."""
    rows = pc.indices_nonzero(mask)
    if not len(rows):
        return column
    values = compute(column.take(rows))
    if column.offset or column.null_count or column.type != pa.string():
        return pc.replace_with_mask(column, mask, values)
    n = len(column)
    _, offsets_buf, data_buf = column.buffers()
    offsets = memoryview(offsets_buf).cast("i")[: n + 1]
    data = memoryview(data_buf)
    pieces, shift, at = [], array("i", bytes(4 * (n + 1))), 0
    for row, value in zip(rows.to_pylist(), values.cast(pa.binary()).to_pylist()):
        pieces += [data[at : offsets[row]], value]
        at = offsets[row + 1]
        shift[row + 1] = (offsets[row + 1] - offsets[row]) - len(value)
    pieces.append(data[at : offsets[n]])
    old = pa.Array.from_buffers(pa.int32(), n + 1, [None, pa.py_buffer(offsets)])
    moved = pc.subtract(old, pc.cumulative_sum(pa.Array.from_buffers(pa.int32(), n + 1, [None, pa.py_buffer(shift)])))
    return pa.Array.from_buffers(pa.string(), n, [None, moved.buffers()[1], pa.py_buffer(b"".join(pieces))])


def _zeros(n: int) -> pa.Array:
    return pa.Array.from_buffers(pa.int8(), n, [None, pa.py_buffer(bytes(n))])


def _extract(text: pa.Array, pattern: str) -> pa.Array:
    """The pattern's one named group where it matches, else null."""
    return pc.struct_field(pc.extract_regex(text, pattern), [0])


def _link(named: pa.Array, members: Collection[str]) -> pa.Array:
    """Attachment names, replaced by the zip member they refer to when there is one."""
    if not members:
        return named
    by_base = {m.rsplit("/", 1)[-1]: m for m in members}
    present = pc.is_valid(named)
    linked = []
    for name in named.filter(present).to_pylist():
        name = name.strip()
        linked.append(by_base.get(name, by_base.get(name.rsplit("/", 1)[-1], name)).encode())
    return pc.replace_with_mask(named, present, _utf8(_binary(linked)))


# --- Arrow columns built from buffers -------------------------------------------------------
# Faster than pa.array for a million values, and no Python-to-Arrow conversion, which
# would import pandas (half a second) on first use.


def _binary(values: list) -> pa.Array:
    """A large_binary column; None becomes null."""
    n = len(values)
    valid = None
    if None in values:
        valid = _mask([v is not None for v in values]).buffers()[1]
        values = [b"" if v is None else v for v in values]
    offsets = array("q", accumulate(map(len, values), initial=0))
    buffers = [valid, pa.py_buffer(offsets), pa.py_buffer(b"".join(values))]
    return pa.Array.from_buffers(pa.large_binary(), n, buffers)


def _few_distinct(values: list) -> pa.Array:
    """A binary column of a few distinct values (authors), encoded through a dict."""
    codes = {v: i for i, v in enumerate(dict.fromkeys(values))}
    indices = array("i", map(codes.__getitem__, values))
    positions = pa.Array.from_buffers(pa.int32(), len(indices), [None, pa.py_buffer(indices)])
    return _binary(list(codes)).take(positions)


def _strings(values: list[str]) -> pa.Array:
    return _binary([v.encode() for v in values]).cast(pa.string())


def _mask(flags: list[bool]) -> pa.Array:
    as_bytes = pa.Array.from_buffers(pa.uint8(), len(flags), [None, pa.py_buffer(bytes(flags))])
    return as_bytes.cast(pa.bool_())


def _utf8_counted(column: pa.Array) -> tuple[pa.Array, list[tuple[int, int]]]:
    """A string column from a binary one, with (row, sequences replaced) for each row that
    held invalid UTF-8. Validation is one vectorized cast; only bad files pay more."""
    try:
        return column.cast(pa.string()), []
    except pa.ArrowInvalid:
        values = column.to_pylist()
    bad: list[tuple[int, int]] = []
    fixed: list[str | None] = []
    for i, v in enumerate(values):
        if v is None:
            fixed.append(None)
            continue
        text = v.decode("utf-8", "replace")
        if (n := text.count("\ufffd") - v.count("\ufffd".encode())) > 0:
            bad.append((i, n))
        fixed.append(text.encode())
    return _binary(fixed).cast(pa.string()), bad


def _utf8(column: pa.Array) -> pa.Array:
    """A string column from a binary one, invalid UTF-8 replaced rather than refused."""
    try:
        return column.cast(pa.string())
    except pa.ArrowInvalid:
        values = column.to_pylist()
        fixed = [None if v is None else v.decode("utf-8", "replace").encode() for v in values]
        return _binary(fixed).cast(pa.string())


_KINDS = ("text", "system", "media", "deleted", "edited", "poll", "location", "contact")
_TEXT = {name: _utf8(_binary([name and name.encode()]))[0] for name in (None, *_KINDS)}
_KIND_NAMES = _utf8(_binary([name.encode() for name in _KINDS]))  # a kind's code is its index
_CODE = {name: pa.scalar(i, pa.int8()) for i, name in enumerate(_KINDS)}
