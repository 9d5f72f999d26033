"""The WhatsApp chat parser: the text of an export in, a table of messages out.

It works on UTF-8 bytes, splits the whole text with one compiled header pattern, decodes
each distinct date and time string once, and classifies messages with Arrow's vectorized
regexes, so a million messages parse in about a second.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

import pyarrow as pa
import pyarrow.compute as pc

from .models import PARSED_SCHEMA, BadExport

# --- header patterns (bytes) -------------------------------------------------------------
_MARKS = rb"(?:\xe2\x80[\x8e\x8f])*"  # U+200E / U+200F that phones put before lines
_SP = rb"(?: |\xc2\xa0|\xe2\x80\xaf)"  # space, no-break space, narrow no-break space
_AMPM = rb"(?:" + _SP + rb"?[AaPp]\.?" + _SP + rb"?[Mm]\.?)"
_TIME = rb"\d{1,2}[:.]\d{2}(?:[:.]\d{2})?" + _AMPM + rb"?"
_AT = rb",?" + _SP + rb"(?:klo |kl\. )?"  # "31.12.20, 21:41", "31.12.2020 klo 21.41"
_DASH = rb" (?:-|\xe2\x80\x93) "  # Android's " - ", sometimes an en dash
# Lazy: the author ends at the first ": " of the line; the rare other splits are revisited.
_AUTHOR = rb"(?:([^\n]*?):(?: |(?=\n)|\Z))?"
_DETECT = {
    "android": re.compile(
        rb"(?:^|\n)" + _MARKS + rb"\d{1,4}([./-]) ?\d{1,2}\1 ?\d{2,4}\.?" + _AT + _TIME + _DASH
    ),
    "ios": re.compile(
        rb"(?:^|\n)" + _MARKS + rb"\[\d{1,4}([./-]) ?\d{1,2}\1 ?\d{2,4}\.?" + _AT + _TIME + rb"\]"
    ),
}
_DATE_FIELDS = re.compile(rb"(\d+)\D+(\d+)\D+(\d+)")
_TIME_FIELDS = re.compile(r"(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?\s*(?:([AaPp])\.?\s*[Mm]\.?)?")
_EPOCH = date(1970, 1, 1).toordinal()
_MONTH_FIRST_LOCALES = {"en", "en_us", "us", "en_ph", "fil", "fil_ph"}

# --- message kinds (RE2 syntax, applied to whole columns) ---------------------------------
_ATTACHED_ANDROID = (
    r"^(?P<name>.+?) \((?:file attached|arquivo anexado|archivo adjunto|Datei angehängt"
    r"|fichier joint|file allegato)\)(?:\n|$)"
)
_ATTACHED_IOS = r"^<(?:attached|anexado|adjunto|Anhang|pièce jointe|allegato) ?: (?P<name>[^>\n]+)>"
_MEDIA_OMITTED = (
    r"(?i)^(?:<(?:media omitted|mídia oculta|arquivo de mídia oculto|multimedia omitido"
    r"|medien ausgeschlossen|médias omis|media omessi)>"
    r"|(?:image|video|audio|sticker|gif|document|photo) omitted"
    r"|(?:imagem|vídeo|áudio|figurinha|documento) (?:ocultad[oa]|omitid[oa])"
    r"|(?:imagen|video|audio|sticker|documento) omitid[oa]"
    r"|(?:bild|video|audio|sticker|dokument) weggelassen"
    r"|(?:image|vidéo|audio|autocollant|document) (?:absente?|omise?)"
    r"|(?:immagine|video|audio|sticker|documento) omess[oa])$"
)
_DELETED = (
    r"(?i)^(?:this message was deleted|you deleted this message|esta mensagem foi apagada"
    r"|você apagou esta mensagem|mensagem apagada|se eliminó este mensaje|eliminaste este mensaje"
    r"|este mensaje fue eliminado|diese nachricht wurde gelöscht|du hast diese nachricht gelöscht"
    r"|ce message a été supprimé|vous avez supprimé ce message"
    r"|questo messaggio è stato eliminato|hai eliminato questo messaggio)\.?$"
)
_EDITED = (
    r"(?s)^(?P<text>.*?)[ \n]?<(?:This message was edited|Mensagem editada|Esta mensagem foi editada"
    r"|Se editó este mensaje\.?|Mensaje editado|Diese Nachricht wurde bearbeitet"
    r"|Ce message a été modifié|Message modifié|Questo messaggio è stato modificato"
    r"|Messaggio modificato)>$"
)
_POLL = r"^(?:POLL|ENQUETE|ENCUESTA|UMFRAGE|SONDAGE|SONDAGGIO) ?:\n"
_LOCATION = (
    r"(?i)^(?:(?:location|localização|ubicación|standort|position|posizione) ?: https?://"
    r"|live location shared|localização em tempo real compartilhada"
    r"|ubicación en tiempo real compartida|live-standort wird geteilt)"
)
_CONTACT = (
    r"(?i)^(?:contact card omitted|cartão de contato omitido|tarjeta de contacto omitida"
    r"|kontaktkarte ausgelassen|fiche contact omise|scheda contatto omessa)$"
)
# System lines, by their text: group created, members added/removed/left/joined, subject or
# icon changed, the encryption notice, disappearing messages, security codes.
_SYSTEM = (
    r"(?i)(?:created (?:this )?group|\badded\b|\bremoved\b|\bleft$|joined using|"
    r"changed (?:the subject|the group name|this group's icon|the group icon|the group description)"
    r"|deleted this group's icon|messages and calls are end-to-end encrypted"
    r"|disappearing messages|security code .*changed|changed their phone number"
    r"|criou (?:o|este) grupo|\badicionou\b|\bremoveu\b|\bsaiu$|entrou usando o link"
    r"|(?:mudou|alterou) (?:o assunto|o nome|a imagem|a descrição)|apagou a imagem"
    r"|protegidas com a criptografia de ponta a ponta|mensagens temporárias|código de segurança"
    r"|creó (?:el|este) grupo|\bañadió|\bagregó|\beliminó a\b|\bsalió|se unió usando"
    r"|cambió (?:el asunto|el nombre|la imagen|el ícono|la descripción)"
    r"|cifrados de extremo a extremo|mensajes temporales|código de seguridad"
    r"|hat (?:die|diese) gruppe .*erstellt|hat .*hinzugefügt|hat .*entfernt|hat die gruppe verlassen"
    r"|über den einladungslink|hat den betreff|hat das gruppenbild|ende-zu-ende-verschlüsselt"
    r"|selbstlöschende nachrichten|sicherheitsnummer"
    r"|a créé (?:le|ce) groupe|a ajouté|a retiré|est parti|a rejoint ce groupe"
    r"|a (?:changé|modifié) (?:le sujet|l'icône|la photo|la description)"
    r"|chiffrés de bout en bout|messages éphémères|code de sécurité"
    r"|ha creato (?:il|questo) gruppo|ha aggiunto|ha rimosso|è uscit[oa]|si è unit[oa]"
    r"|ha (?:cambiato|modificato) (?:l'oggetto|l'immagine|la descrizione)"
    r"|crittografati end-to-end|messaggi effimeri|codice di sicurezza)"
)
_SYSTEM_PY = re.compile(_SYSTEM.replace("(?i)", ""), re.IGNORECASE)


@dataclass(frozen=True)
class ParsedChat:
    """The messages of one chat file (PARSED_SCHEMA) and how its header format was read."""

    messages: pa.Table
    format: str  # "android" or "ios"
    day_first: bool
    day_first_evidence: str
    first_unparsed_line: str | None


def parse_chat(
    text: str | bytes,
    *,
    day_first: bool | None = None,
    locale_hint: str | None = None,
    media_members: Collection[str] = (),
) -> ParsedChat:
    """Parse the text of a WhatsApp chat export; bad dates or times raise BadExport."""
    data = b"\n" + normalize_text(text)
    found = _detect(data)
    if found is None:
        empty = PARSED_SCHEMA.empty_table()
        return ParsedChat(empty, "unknown", True, "no messages", _first_line(data))
    fmt, sep = found
    parts = _header(fmt, sep).split(data)
    del data
    dates, times, authors, bodies = parts[1::4], parts[2::4], parts[3::4], parts[4::4]
    _resolve_authors(authors, bodies)
    days, decided, evidence = _decode_dates(dates, day_first, locale_hint)
    seconds = _decode_times(times)
    stamps = pc.add(pc.multiply(days, 86400), seconds).cast(pa.timestamp("s"))
    messages = _classify(stamps, authors, bodies, fmt, media_members)
    return ParsedChat(messages, fmt, decided, evidence, _first_line(parts[0]))


def normalize_text(text: str | bytes) -> bytes:
    """UTF-8 bytes with BOM, UTF-16, NUL bytes, CR line ends and mention isolates undone."""
    if isinstance(text, str):
        data = text.encode("utf-8", "replace")
    elif text[:2] in (b"\xff\xfe", b"\xfe\xff") or _looks_utf16(text):
        data = bytes(text).decode(_utf16_codec(text), "replace").encode("utf-8")
    else:
        data = bytes(text)
    for old, new in (
        (b"\xef\xbb\xbf", b""),  # BOM, also where a concatenation left one mid-file
        (b"\x00", b""),
        (b"\r\n", b"\n"),
        (b"\r", b"\n"),
        (b"\xe2\x81\xa8", b""),  # U+2068 / U+2069 isolate @mentions; they are not content
        (b"\xe2\x81\xa9", b""),
    ):
        if old in data:
            data = data.replace(old, new)
    return data


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
        "day_first": chat.day_first,
        "evidence": chat.day_first_evidence,
    }


# --- text and headers ---------------------------------------------------------------------


def _looks_utf16(data: bytes) -> bool:
    sample = data[:4096]
    return len(sample) >= 4 and sample.count(0) * 3 >= len(sample)


def _utf16_codec(data: bytes) -> str:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "utf-16"
    sample = data[:4096]
    # ASCII text in UTF-16-LE has its NULs at odd offsets
    return "utf-16-le" if sample[1::2].count(0) > sample[0::2].count(0) else "utf-16-be"


def _detect(data: bytes) -> tuple[str, bytes] | None:
    """The header family and date separator of the first line that looks like a header."""
    hits = [(m.start(), fmt, m.group(1)) for fmt, rx in _DETECT.items() if (m := rx.search(data))]
    if not hits:
        return None
    _, fmt, sep = min(hits)
    return fmt, sep


def _header(fmt: str, sep: bytes) -> re.Pattern[bytes]:
    """The header pattern for one file: its family and date separator, nothing else."""
    s = re.escape(sep)
    when = rb"(\d{1,4}" + s + rb" ?\d{1,2}" + s + rb" ?\d{2,4}\.?)" + _AT + rb"(" + _TIME + rb")"
    head = rb"\[" + when + rb"\]" + _SP if fmt == "ios" else when + _DASH
    return re.compile(rb"\n" + _MARKS + head + _AUTHOR)


def _first_line(data: bytes) -> str | None:
    for line in data.split(b"\n", 50)[:50]:
        if line.strip():
            return line.decode("utf-8", "replace").strip()[:200]
    return None


# --- authors ------------------------------------------------------------------------------


def _resolve_authors(authors: list, bodies: list) -> None:
    """Fix, in place, the rare lines where the first ': ' is not where the author ends.

    Such lines are names with ': ' in them, or system lines quoting text with ': '."""
    colons = pc.match_substring_regex(pa.array(bodies, pa.binary()), r"^[^\n]*: ")
    ambiguous = [i for i in pc.indices_nonzero(colons).to_pylist() if authors[i] is not None]
    counts = Counter(authors)
    del counts[None]
    splits = {i: _candidates(authors[i], bodies[i]) for i in ambiguous}
    support = counts.copy()
    for cands in splits.values():
        support.update(cands[1:])
    only_ambiguous = Counter(authors[i] for i in ambiguous)
    known = {a for a, n in counts.items() if n > only_ambiguous[a]}  # seen in a clear line
    for i, cands in splits.items():
        choice = _choose(cands, known, support)
        if choice != cands[0]:
            whole = authors[i] + b": " + bodies[i]
            authors[i], bodies[i] = choice, whole[len(choice) + 2 :]
    for i, author in enumerate(authors):
        if author is not None and counts[author] == 1 and i not in splits:
            line = author + b": " + bodies[i].split(b"\n", 1)[0]
            if _SYSTEM_PY.search(line.decode("utf-8", "replace")):
                authors[i], bodies[i] = None, author + b": " + bodies[i]


def _candidates(author: bytes, body: bytes) -> list[bytes]:
    """Every author the line could have: its text up to each ': ' of its first line."""
    first = body.split(b"\n", 1)[0]
    cands, start = [author], 0
    while (pos := first.find(b": ", start)) >= 0:
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


# --- dates and times ----------------------------------------------------------------------


def _decode_dates(
    dates: list[bytes], day_first: bool | None, locale_hint: str | None
) -> tuple[pa.Array, bool, str]:
    """Days since 1970 for each header, and the day/month order chosen once for the file."""
    encoded = pa.array(dates, pa.binary()).dictionary_encode()
    uniques = encoded.dictionary.to_pylist()  # in order of first appearance
    fields = [_date_fields(raw) for raw in uniques]
    if all(f[3] for f in fields):
        decided, evidence = False, "year-first dates"
    elif day_first is not None:
        decided, evidence = day_first, f"given: {'day' if day_first else 'month'}-first"
    else:
        decided, evidence = _day_first(uniques, fields, locale_hint)
    days = [_ordinal(raw, f, decided) for raw, f in zip(uniques, fields)]
    return pa.array(days, pa.int64()).take(encoded.indices), decided, evidence


def _date_fields(raw: bytes) -> tuple[int, int, int, bool]:
    """(first, second, third number, whether the year comes first)."""
    m = _DATE_FIELDS.match(raw)
    if not m:
        raise BadExport(f"cannot read date {raw.decode()!r}")
    return int(m[1]), int(m[2]), int(m[3]), len(m[1]) == 4


def _ordinal(raw: bytes, fields: tuple[int, int, int, bool], day_first: bool) -> int:
    a, b, c, year_first = fields
    year, month, day = (a, b, c) if year_first else (c, b, a) if day_first else (c, a, b)
    try:
        return date(year + 2000 if year < 100 else year, month, day).toordinal() - _EPOCH
    except ValueError:
        order = "year-first" if year_first else "day-first" if day_first else "month-first"
        raise BadExport(f"date {raw.decode()!r} is not a valid {order} date") from None


def _day_first(uniques: list[bytes], fields: list, locale_hint: str | None) -> tuple[bool, str]:
    """Decide day/month order from evidence: a field > 12, then chronology, then the hint."""
    firsts = [raw for raw, f in zip(uniques, fields) if f[0] > 12 and not f[3]]
    seconds = [raw for raw, f in zip(uniques, fields) if f[1] > 12 and not f[3]]
    if firsts and seconds:
        raise BadExport(
            f"dates disagree on day/month order: {firsts[0].decode()!r} and {seconds[0].decode()!r}"
        )
    if firsts or seconds:
        return bool(firsts), f"field > 12 in {'first' if firsts else 'second'} position"
    as_day = _reversals([_ordinal(r, f, True) for r, f in zip(uniques, fields)])
    as_month = _reversals([_ordinal(r, f, False) for r, f in zip(uniques, fields)])
    if as_day != as_month:
        return as_day < as_month, "chronological order"
    if locale_hint:
        hint = locale_hint.strip().lower().replace("-", "_")
        return hint not in _MONTH_FIRST_LOCALES, f"locale hint {locale_hint}"
    return True, "assumed day-first: no evidence"


def _reversals(days: list[int]) -> int:
    return sum(1 for a, b in zip(days, days[1:]) if b < a)


def _decode_times(times: list[bytes]) -> pa.Array:
    encoded = pa.array(times, pa.binary()).dictionary_encode()
    seconds = [_seconds(raw) for raw in encoded.dictionary.to_pylist()]
    return pa.array(seconds, pa.int64()).take(encoded.indices)


def _seconds(raw: bytes) -> int:
    """Seconds after midnight of a header's time, 24-hour or 12-hour."""
    text = raw.decode().replace("\u00a0", " ").replace("\u202f", " ").strip()
    m = _TIME_FIELDS.fullmatch(text)
    if not m:
        raise BadExport(f"cannot read time {text!r}")
    hour, minute, second = int(m[1]), int(m[2]), int(m[3] or 0)
    if m[4]:
        if not 1 <= hour <= 12:
            raise BadExport(f"cannot read time {text!r}: hour out of range for a 12-hour clock")
        hour = hour % 12 + (12 if m[4] in "Pp" else 0)
    if hour > 23 or minute > 59 or second > 59:
        raise BadExport(f"cannot read time {text!r}")
    return hour * 3600 + minute * 60 + second


# --- kinds --------------------------------------------------------------------------------


def _classify(stamps, authors: list, bodies: list, fmt: str, media: Collection[str]) -> pa.Table:
    """The message table: kinds and attachments read from each message's text."""
    author = _utf8(authors)
    raw = pc.utf8_rtrim(_utf8(bodies), characters="\n")
    marked = pc.starts_with(raw, "\u200e")  # iOS marks its system and media lines
    text = pc.utf8_ltrim(raw, characters="\u200e\u200f")
    edited = pc.struct_field(pc.extract_regex(text, _EDITED), [0])
    android = pc.struct_field(pc.extract_regex(text, _ATTACHED_ANDROID), [0])
    ios = pc.struct_field(pc.extract_regex(text, _ATTACHED_IOS), [0])
    named = pc.coalesce(android, ios)
    is_contact = pc.and_(pc.is_valid(named), pc.ends_with(pc.utf8_lower(named), ".vcf"))
    system = pc.or_(
        pc.is_null(author),
        pc.and_(marked, pc.match_substring_regex(text, _SYSTEM)) if fmt == "ios" else False,
    )
    kind = pa.scalar("text")
    for name, mask in (  # later rows win
        ("edited", pc.is_valid(edited)),
        ("location", pc.match_substring_regex(text, _LOCATION)),
        ("poll", pc.match_substring_regex(text, _POLL)),
        ("contact", pc.match_substring_regex(text, _CONTACT)),
        ("media", pc.or_(pc.match_substring_regex(text, _MEDIA_OMITTED), pc.is_valid(named))),
        ("contact", is_contact),
        ("deleted", pc.match_substring_regex(text, _DELETED)),
        ("system", system),
    ):
        kind = pc.if_else(pc.fill_null(mask, False), name, kind)
    text = pc.if_else(pc.equal(kind, "edited"), edited, text)
    author = pc.if_else(pc.equal(kind, "system"), pa.scalar(None, pa.string()), author)
    attachment = _link(named, media)
    return pa.table([stamps, author, text, kind, attachment], schema=PARSED_SCHEMA)


def _utf8(values: list) -> pa.Array:
    """A string column from bytes, with invalid UTF-8 replaced rather than refused."""
    binary = pa.array(values, pa.binary())
    try:
        return binary.cast(pa.string())
    except pa.ArrowInvalid:
        return pa.array(
            [None if v is None else v.decode("utf-8", "replace") for v in values], pa.string()
        )


def _link(named: pa.Array, members: Collection[str]) -> pa.Array:
    """Attachment names, replaced by the zip member they refer to when there is one."""
    if not members:
        return named.cast(pa.string())
    by_base = {m.rsplit("/", 1)[-1]: m for m in members}
    values = named.to_pylist()
    for i in pc.indices_nonzero(pc.is_valid(named)).to_pylist():
        name = values[i].strip()
        values[i] = by_base.get(name, by_base.get(name.rsplit("/", 1)[-1], name))
    return pa.array(values, pa.string())
