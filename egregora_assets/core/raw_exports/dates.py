"""Dates and times of header lines: the day/month order of a file from ranked evidence, and
each header's clock (24-hour, or 12-hour in any of the ways phones write it)."""

from __future__ import annotations

import re
import unicodedata
from array import array
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from operator import add

import pyarrow as pa

from ..models import BadExport
from .kinds import kind_language

SPACE = rb"(?: |\xc2\xa0|\xe2\x80\xaf)"  # space, no-break space, narrow no-break space
# Chinese, Japanese and Korean morning/afternoon words, as (AM, PM) pairs
CJK_MARKS = [(a.encode(), p.encode()) for a, p in (("上午", "下午"), ("午前", "午後"), ("오전", "오후"))]
_DATE_FIELDS = re.compile(rb"(\d+)\D+(\d+)\D+(\d+)")
_TIME_FIELDS = re.compile(r"(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?\s*(?:([AaPp])\.?\s*[Mm]\.?|(\w\w))?")
_PM_WORDS = {p.decode() for _, p in CJK_MARKS}
_EPOCH = date(1970, 1, 1).toordinal()
_MONTH_FIRST_LOCALES = {"en", "en_us", "us", "en_ph", "fil", "fil_ph", "tl"}


def timestamps(
    dates: list[bytes], times: list[bytes], day_first: bool | None, locale: Locale
) -> tuple[pa.Array, bool, str]:
    """Each header's local time, with the day/month order chosen once for the whole file.

    A file has a few thousand distinct dates and at most 86,400 distinct times, so each
    distinct string is decoded once."""
    uniques = list(dict.fromkeys(dates))  # in order of first appearance
    fields = [_date_fields(raw) for raw in uniques]
    if all(f[3] for f in fields):
        decided, evidence = False, "year-first dates"
    elif day_first is not None:
        decided, evidence = day_first, f"given: {'day' if day_first else 'month'}-first"
    else:
        decided, evidence = _day_first(uniques, fields, locale)
    day = {raw: _ordinal(raw, f, decided) * 86400 for raw, f in zip(uniques, fields)}
    clock = {raw: _seconds(raw) for raw in set(times)}
    stamps = array("q", map(add, map(day.__getitem__, dates), map(clock.__getitem__, times)))
    column = pa.Array.from_buffers(pa.timestamp("s"), len(stamps), [None, pa.py_buffer(stamps)])
    return column, decided, evidence


def _date_fields(raw: bytes) -> tuple[int, int, int, bool]:
    """(first, second, third number, whether the year comes first)."""
    m = _DATE_FIELDS.match(raw)
    if not m:
        raise BadExport(f"cannot read date {raw.decode()!r}")
    return int(m[1]), int(m[2]), int(m[3]), len(m[1]) == 4


def _ordinal(raw: bytes, fields: tuple[int, int, int, bool], day_first: bool) -> int:
    """Days since 1970-01-01."""
    a, b, c, year_first = fields
    year, month, day = (a, b, c) if year_first else (c, b, a) if day_first else (c, a, b)
    try:
        return date(year + 2000 if year < 100 else year, month, day).toordinal() - _EPOCH
    except ValueError:
        order = "year-first" if year_first else "day-first" if day_first else "month-first"
        raise BadExport(f"date {raw.decode()!r} is not a valid {order} date") from None


def _day_first(uniques: list[bytes], fields: list, locale: Locale) -> tuple[bool, str]:
    """Decide day/month order from ranked evidence: a part above 12, the progression of
    the dates, the phone's locale, then the documented default."""
    firsts = [raw for raw, f in zip(uniques, fields) if f[0] > 12 and not f[3]]
    seconds = [raw for raw, f in zip(uniques, fields) if f[1] > 12 and not f[3]]
    if firsts and seconds:
        raise BadExport(f"dates disagree on day/month order: {firsts[0].decode()!r} and {seconds[0].decode()!r}")
    if firsts or seconds:
        return bool(
            firsts
        ), f"a part above 12 in {'first' if firsts else 'second'} position ({(firsts or seconds)[0].decode()})"
    if (named := _file_name_dates(locale.head)) is not None:
        return named
    if (progression := _progression(uniques, fields)) is not None:
        return progression
    if (hint := locale.day_first()) is not None:
        return hint
    if locale.twelve_hour:
        return False, "default: month-first (12-hour clock, no other evidence)"
    return True, "default: day-first (no evidence)"


# A header line holding a WhatsApp file name: the name carries the day in year-month-day order
# (IMG-20210403-WA0001.jpg, 00000012-PHOTO-2021-04-03-10-00-00.jpg), whatever the header's order.
_NAMED_FILE = re.compile(
    rb"(?m)^(?:\xe2\x80[\x8e\x8f])*\[?(\d{1,2})[./-] ?(\d{1,2})[./-][^\n]*?"
    rb"(?:(?:IMG|VID|AUD|PTT|STK|DOC)-\d{4}(\d\d)(\d\d)-WA\d|\d{8}-[A-Z]+-\d{4}-(\d\d)-(\d\d)-)"
)


def _file_name_dates(head: bytes) -> tuple[bool, str] | None:
    """Day/month order from the media file names of the first lines: a name sent on a day is
    dated that day, so it matches one reading of its header's date."""
    votes = {True: 0, False: 0}
    for match in _NAMED_FILE.finditer(head):
        a, b = int(match[1]), int(match[2])
        month, day = (int(v) for v in (match[3] or match[5], match[4] or match[6]))
        if a != b:
            votes[True] += (a, b) == (day, month)
            votes[False] += (a, b) == (month, day)
    if votes[True] == votes[False] or min(votes.values()) * 4 > max(votes.values()):
        return None
    first = votes[True] > votes[False]
    return (
        first,
        f"media file names: {votes[first]} dated like the {'day' if first else 'month'}-first reading, {votes[not first]} the other",
    )


def _progression(uniques: list[bytes], fields: list) -> tuple[bool, str] | None:
    """A chat is chronological: under the right reading its dates never go back and move
    by small steps; under the wrong one they go back or jump by months."""
    readings = {}
    for first in (True, False):
        days = [_ordinal(r, f, first) for r, f in zip(uniques, fields)]
        steps = [b - a for a, b in pairwise(days)]
        readings[first] = (sum(1 for s in steps if s < 0), sum(map(abs, steps)))
    (back_d, moved_d), (back_m, moved_m) = readings[True], readings[False]
    if back_d != back_m:
        return back_d < back_m, (f"date progression: dates go back {back_d} times read day-first, {back_m} month-first")
    if 2 * min(moved_d, moved_m) <= max(moved_d, moved_m) and moved_d != moved_m:
        return moved_d < moved_m, (
            f"date progression: consecutive dates move {moved_d} days in all read day-first, {moved_m} month-first"
        )
    return None


@dataclass(frozen=True)
class Locale:
    """What the header and the first lines say about the phone's locale."""

    marker: bytes  # the 12-hour marker as written (b"" on a 24-hour clock)
    date: bytes
    at: bytes
    head: bytes  # the first megabyte of the chat
    hint: str | None = None
    localized: frozenset[str] = frozenset()  # what localize.py rewrote in the headers

    @property
    def twelve_hour(self) -> bool:
        return bool(self.marker)

    def day_first(self) -> tuple[bool, str] | None:
        if self.hint:
            hint = self.hint.strip().lower().replace("-", "_")
            return hint not in _MONTH_FIRST_LOCALES, f"locale hint {self.hint}"
        if re.search(rb"[AaPp]\." + SPACE + rb"[Mm]\.", self.marker):
            return True, "locale: 'a. m.'/'p. m.' with dots and spaces (Spanish-speaking phones)"
        if self.at.strip(b" ,").lower() in (b"klo", b"kl.", b"kl"):
            return True, f"locale: '{self.at.strip(b' ,').decode()}' before the time (Nordic phones)"
        if b"." in self.date:
            return True, "locale: dotted dates (European phones)"
        if words := sorted(n.split(": ", 1)[1] for n in self.localized if n.startswith(("clock words", "digits"))):
            return True, f"locale: headers written with {', '.join(words)} (phones that write them put the day first)"
        language = _language(self.head)
        if language and language != "English":
            return True, f"locale: system lines in {language} (day-first phones)"
        other = kind_language(self.head[: 1 << 18].decode("utf-8", "replace"))
        if other and other not in _MONTH_FIRST_LOCALES:
            return True, f"locale: media and deleted-message lines in '{other}' (phones in it write the day first)"
        if re.fullmatch(SPACE + rb"?[ap]m", self.marker):
            return True, "locale: a lowercase am/pm (Indian, British, Australian phones; US phones write AM/PM)"
        if re.match(rb"0\d\D|\d{1,2}\D0\d\D", self.date):
            return True, f"locale: zero-padded day and month ({self.date.decode()}; US phones write 3/5/22)"
        if (script := _script(self.head)) is not None:
            return True, f"locale: a chat in {script} script (phones outside the US write the day first)"
        if language == "English" and self.twelve_hour:
            return False, "locale: system lines in English with a 12-hour clock (US phones)"
        return None


_LANGUAGE_WORDS = {  # system lines and media markers, by the phone's language
    "English": "end-to-end encrypted|created group|<Media omitted>|file attached|This message was deleted|image omitted",
    "Portuguese": "criptografia de ponta a ponta|criou o grupo|adicionou|<Mídia oculta>|arquivo anexado|mensagem foi apagada",
    "Spanish": "cifrados de extremo a extremo|creó el grupo|añadió|<Multimedia omitido>|archivo adjunto|Se eliminó este mensaje",
    "German": "Ende-zu-Ende-verschlüsselt|hat die Gruppe|hinzugefügt|<Medien ausgeschlossen>|Datei angehängt|Nachricht wurde gelöscht",
    "French": "chiffrés de bout en bout|a créé le groupe|a ajouté|<Médias omis>|fichier joint|message a été supprimé",
    "Italian": "crittografati end-to-end|ha creato il gruppo|ha aggiunto|<Media omessi>|file allegato|messaggio è stato eliminato",
}
_LANGUAGES = {name: re.compile(words.encode(), re.IGNORECASE) for name, words in _LANGUAGE_WORDS.items()}


def _language(head: bytes) -> str | None:
    """The language most of the first megabyte's system lines and media markers are in."""
    counts = {name: len(rx.findall(head)) for name, rx in _LANGUAGES.items()}
    best = max(counts, key=lambda name: counts[name])
    return best if counts[best] else None


def _script(head: bytes) -> str | None:
    """The script most letters of the chat's first lines are in, when it is not Latin."""
    counts: dict[str, int] = {}
    for c in head[: 1 << 14].decode("utf-8", "replace"):
        if c.isalpha() and not c.isascii():
            script = unicodedata.name(c, "? ?").split()[0]
            counts[script] = counts.get(script, 0) + 1
    latin = sum(c.isalpha() for c in head[: 1 << 14].decode("ascii", "ignore")) + counts.pop("LATIN", 0)
    best = max(counts, key=counts.__getitem__, default=None)
    # Chinese, Japanese and Korean dates come year first, which decides before this is asked.
    return best.title() if best and counts[best] > latin else None


def _seconds(raw: bytes) -> int:
    """Seconds after midnight of a header's time, 24-hour or 12-hour."""
    text = raw.decode().replace("\u00a0", " ").replace("\u202f", " ").strip()
    m = _TIME_FIELDS.fullmatch(text)
    if not m:
        raise BadExport(f"cannot read time {text!r}")
    hour, minute, second = int(m[1]), int(m[2]), int(m[3] or 0)
    if (m[4] or m[5]) and hour <= 12:  # 13-23 keep their value whatever the marker; 00 a.m. is midnight
        pm = m[4] in ("P", "p") if m[4] else m[5] in _PM_WORDS
        hour = hour % 12 + (12 if pm else 0)
    if hour > 23 or minute > 59 or second > 59:
        raise BadExport(f"cannot read time {text!r}")
    return hour * 3600 + minute * 60 + second
