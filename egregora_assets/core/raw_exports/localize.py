"""Header lines written in other scripts and calendars, rewritten into the shapes the header
grammar reads: digits of any script, the Arabic comma and the direction marks around them,
Buddhist-era and Japanese-era years, Solar and Islamic Hijri dates (calendars.py), the time
before the date, a semicolon after the time, and morning/afternoon words of languages the
grammar does not spell. Only the header of a line is rewritten; what people wrote is left as it is."""

from __future__ import annotations

import re
import unicodedata

from .calendars import calendar_of, to_gregorian

# Marks phones put before a line or around the numbers of a right-to-left header.
_MARKS = "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_SPACES = " \u00a0\u202f\u2009"
# Morning and afternoon as phones write them beside the time, where the grammar reads only
# Latin a.m./p.m. and the CJK words: (morning, afternoon) words by language.
_HALVES = {
    "Arabic": ("ص", "م"),
    "Persian": ("ق.ظ.", "ب.ظ."),
    "Urdu": ("قبل دوپہر", "بعد دوپہر"),
    "Greek": ("π.μ.", "μ.μ."),
    "Vietnamese": ("SA", "CH"),
    "Hindi": ("पूर्वाह्न", "अपराह्न"),
    "Marathi": ("म.पू.", "म.उ."),
    "Bengali": ("পূর্বাহ্ণ", "অপরাহ্ণ"),
    "Thai": ("ก่อนเที่ยง", "หลังเที่ยง"),
    "Malay": ("PG", "PTG"),
    "Albanian": ("e paradites", "e pasdites"),
    "Afrikaans": ("vm.", "nm."),
    "Swedish": ("fm", "em"),
    "Hebrew": ("לפנה״צ", "אחה״צ"),
}
_WORD_HALF = {word.casefold(): i for pair in _HALVES.values() for i, word in enumerate(pair)}
_HALF = "|".join(sorted((re.escape(w) for pair in _HALVES.values() for w in pair), key=len, reverse=True))

_DATE = (
    rf"(?P<a>\d{{1,4}})(?P<s>[./\-])[{_SPACES}]?(?P<b>\d{{1,2}})(?P=s)[{_SPACES}]?"
    rf"(?P<c>\d{{1,4}}|(?P<era>[RH])(?P<n>\d{{1,2}}))(?P<dot>\.)?(?P<be>[{_SPACES}]BE)?(?P<ah>[{_SPACES}]?هـ)?"
)
_TIME = (
    rf"(?P<h>\d{{1,2}})(?P<t>[:.])(?P<m>\d{{2}})(?:(?P=t)(?P<sec>\d{{2}}))?"
    rf"(?P<half>[{_SPACES}]?(?:(?i:{_HALF})|[AaPp]\.?[{_SPACES}]?[Mm]\.?))?"
)
# Between the date and the time: a comma (Latin or Arabic) and a space, a space, or a dash.
_AT = rf"(?P<at>[,،]?[{_SPACES}](?:(?:klo|kl\.|à)[{_SPACES}])?|[{_SPACES}]-[{_SPACES}])"


def _prefixed(pattern: str, prefix: str) -> str:
    """`pattern` with its groups (and references to them) renamed with `prefix`."""
    return pattern.replace("?P<", f"?P<{prefix}").replace("(?P=", f"(?P={prefix}")


# A time that comes first is written with colons: "01.01.10, 00.00.00" is a date and a time.
_TIME_FIRST = _TIME.replace("(?P<t>[:.])", "(?P<t>:)")
# A header: optional "[", then the date and the time (or the time and the date), then what
# ends a header: "] ", " - ", "; " or ": " (direction marks are taken out before matching).
_HEADER = re.compile(
    rf"(?P<open>\[)?(?:{_DATE}{_AT}{_TIME}|{_prefixed(_TIME_FIRST, 'x')}{_prefixed(_AT, 'x')}{_prefixed(_DATE, 'y')})"
    rf"(?P<close>\][{_SPACES}]|\.?[{_SPACES}]+[-–][{_SPACES}]|;[{_SPACES}]|:[{_SPACES}])"
)
_LINE = re.compile(rf"(?m)^[{_MARKS}]*(?=\[?[{_MARKS}]*\d)")


def header_notes(sample: bytes) -> set[str]:
    """What the header lines of a chat's first bytes show that the grammar would not read
    (digits of another script, an era year, the time first...): empty for most chats."""
    return _needs(sample[: 1 << 16].decode("utf-8", "surrogateescape"))


def localize(data: bytes) -> bytes:
    """`data` (UTF-8, whole lines) with every header line in the grammar's shape."""
    text = data.decode("utf-8", "surrogateescape")
    out, kept = [], 0
    for start in _LINE.finditer(text):  # marks before a line stay: iOS marks its notices so
        m = _HEADER.match(_clean(text[start.end() : start.end() + 120]))
        if m is None:
            continue
        out += [text[kept : start.end()], _rewrite(m)]
        kept = start.end() + _raw_length(text, start.end(), m.end())
    out.append(text[kept:])
    return "".join(out).encode("utf-8", "surrogateescape")


def _needs(sample: str) -> set[str]:
    """What in the sample's header lines the grammar would not read."""
    notes: set[str] = set()
    for line in sample.splitlines()[:400]:
        raw = line[:120].lstrip(_MARKS)
        m = _HEADER.match(_clean(raw))
        if not m:
            continue
        notes |= _what(m)
        written = raw[: _raw_length(raw, 0, m.end())]
        scripts = {
            unicodedata.name(c, "").split(" DIGIT")[0].title() for c in written if c.isdigit() and not c.isascii()
        }
        if scripts:
            notes.add("digits: " + ", ".join(sorted(scripts)))
    return notes


def _what(m: re.Match[str], raw: str = "") -> set[str]:
    """What of a (cleaned) header the grammar would not read."""
    notes = set()
    header = m.group(0)
    if "،" in header:
        notes.add("Arabic comma")
    if m.group("be") or m.group("ybe"):
        notes.add("calendar: Buddhist era (BE)")
    elif (_year(m) or 0) >= 2400:
        notes.add("calendar: Buddhist era")
    if m.group("era") or m.group("yera"):
        notes.add("calendar: Japanese era")
    if calendar := _hijri(m):
        notes.add(f"calendar: {_CALENDAR_NAMES[calendar]}")
    if m.group("xh"):
        notes.add("time before the date")
    if re.fullmatch(rf"[{_SPACES}]{{2,}}[-–][{_SPACES}]", m.group("close")):
        notes.add("spaces before the dash")
    if m.group("close").startswith(";"):
        notes.add("semicolon after the time")
    half = (m.group("half") or m.group("xhalf") or "").strip(_SPACES)
    if half and half.casefold() in _WORD_HALF:
        notes.add(f"clock words: {half}")
    if "-" in (m.group("at") or m.group("xat") or ""):
        notes.add("dash between date and time")
    return notes


_CALENDAR_NAMES = {"solar": "Solar Hijri", "islamic": "Islamic Hijri"}


def _hijri(m: re.Match[str]) -> str | None:
    """Which Hijri calendar a header's date is in (calendars.py), or None."""
    p = "" if m.group("a") else "y"
    year = next((_int(v) for v in (m.group(p + "a"), m.group(p + "c")) if v and len(v) == 4 and v.isdigit()), 0)
    return calendar_of(year, islamic_mark=bool(m.group(p + "ah")))


def _year(m: re.Match[str]) -> int | None:
    c = m.group("c") or m.group("yc")
    if not c or not c[0].isdigit():
        return None
    return _int(c) if len(c) == 4 else None


def _clean(text: str) -> str:
    """The text with direction marks gone and every digit written in ASCII (one char for one)."""
    return "".join(str(unicodedata.digit(c)) if c.isdigit() and not c.isascii() else c for c in text if c not in _MARKS)


def _raw_length(text: str, start: int, cleaned: int) -> int:
    """How many characters of `text` from `start` make the first `cleaned` characters of `_clean`."""
    count = 0
    for i, c in enumerate(text[start:]):
        if count == cleaned:
            return i
        if c not in _MARKS:
            count += 1
    return len(text) - start


def _int(digits: str) -> int:
    return int("".join(str(unicodedata.digit(c)) for c in digits))


def _rewrite(m: re.Match[str]) -> str:
    """The header in the grammar's shape (its digits are ASCII already: the caller cleaned it)."""
    g = m.groupdict()
    p = "" if g["a"] else "y"  # the date's groups, named with a prefix when the time came first
    q = "" if g["a"] else "x"
    a, s, b = g[p + "a"], g[p + "s"], g[p + "b"]
    if calendar := _hijri(m):
        date = _gregorian(calendar, a, s, b, g[p + "c"]) + (g[p + "dot"] or "")
    else:
        if g[p + "era"]:
            year = str((2018 if g[p + "era"] == "R" else 1988) + _int(g[p + "n"]))
        else:
            c = g[p + "c"]
            year = str(_int(c) - 543) if len(c) == 4 and _int(c) >= 2400 else c
        date = f"{a}{s}{b}{s}{year}{g[p + 'dot'] or ''}"
    time = f"{g[q + 'h']}:{g[q + 'm']}" + (f":{g[q + 'sec']}" if g[q + "sec"] else "")
    half = (g[q + "half"] or "").strip(_SPACES)
    if half.casefold() in _WORD_HALF:
        half = ("AM", "PM")[_WORD_HALF[half.casefold()]]
    time += f" {half}" if half else ""
    close = g["close"]
    if close.startswith(";") or close.strip(_SPACES) in ("-", "–"):
        close = " - "
    return f"{g['open'] or ''}{date}, {time}{close}"


def _gregorian(calendar: str, a: str, s: str, b: str, c: str) -> str:
    """A Hijri date as a year-first Gregorian one. Phones in those languages write the day before
    the month; a part above 12 says otherwise. An impossible date stays as written."""
    if len(a) == 4:
        year, month, day = int(a), int(b), int(c)
    else:
        (day, month), year = ((int(b), int(a)) if int(b) > 12 else (int(a), int(b))), int(c)
    try:
        when = to_gregorian(calendar, year, month, day)
    except ValueError:
        return f"{a}{s}{b}{s}{c}"
    return f"{when.year}{s}{when.month:02d}{s}{when.day:02d}"
