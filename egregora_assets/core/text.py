"""Small text helpers shared along the chain."""

from __future__ import annotations

import math
import re
import tomllib
import unicodedata
from importlib import resources
from statistics import mean

# The word lists pseudonyms are made of (package data), read once.
_WORDS = tomllib.loads(resources.files(__package__).joinpath("pseudonym_words.toml").read_text(encoding="utf-8"))
ADJECTIVES: list[str] = _WORDS["adjectives"]
NOUNS: list[str] = _WORDS["nouns"]

# Bidi marks and isolates WhatsApp wraps around names; they are invisible and carry no meaning.
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"))


def fold(text: str) -> str:
    """Case- and accent-insensitive form of `text` ("Ação" -> "acao"), for comparing words and names."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def slugify(text: str, *, limit: int = 80, fallback: str = "") -> str:
    """Lowercase ASCII words joined by hyphens (accents dropped), cut at a word within `limit`."""
    # Drop accents (é -> e) and letters with no ASCII form (ß); other symbols, like
    # dashes, break words.
    bare = "".join(
        c
        for c in unicodedata.normalize("NFKD", text)
        if not unicodedata.combining(c) and (c.isascii() or not c.isalpha())
    )
    slug = re.sub(r"[^a-z0-9]+", "-", bare.lower()).strip("-")
    if len(slug) > limit:
        head = slug[: limit + 1]
        slug = head.rsplit("-", 1)[0] if "-" in head else slug[:limit]
    return slug or fallback


def printable(text: str) -> str:
    """`text` safe to show on a terminal: control, format and other unprintable characters
    (escape sequences, bidi overrides, NULs) written as escapes, as `repr` writes them."""
    return "".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in text)


def sql_string(value: str) -> str:
    """`value` as an SQL string literal, its quotes doubled: for the few statements built as text."""
    return "'" + value.replace("'", "''") + "'"


def _trie(words: list[str]) -> str:
    """One regex of `words` sharing their prefixes (fast in Python's re), longer words first, so
    that every engine (first match, as Python and RE2, or longest, as PostgreSQL) takes the same."""
    heads: dict[str, list[str]] = {}
    for word in words:
        heads.setdefault(word[:1], []).append(word[1:])
    branches = [head + _trie(tails) for head, tails in sorted(heads.items()) if head]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in heads else body


# A pseudonym as anonymization writes it (`sunken-bell`, `sunken-bell-2`), as a regex every
# engine reads alike (Python, DuckDB's RE2, PostgreSQL): plain alternations, no lookaround.
PSEUDONYM = f"{_trie(ADJECTIVES)}-{_trie(NOUNS)}(?:-[0-9]+)?"
# What any name measures: an average pair (12 bytes), so a window holds as many messages as when
# each name was measured as written, and none moves with the pair a home's secret drew.
PSEUDONYM_BYTES = math.ceil(mean(map(len, ADJECTIVES)) + 1 + mean(map(len, NOUNS)))
_PSEUDONYM = re.compile(PSEUDONYM)
_PSEUDONYM_WORD = re.compile(rf"(?<![\w-])(?i:{PSEUDONYM})(?![\w-])")
# What a window adds for a voice note besides its words: " (voice note, 12:34): ".
VOICE_BYTES = 22
OPTED_OUT = "someone"  # what others' mentions of an opted-out person become


def measured(text: str) -> str:
    """`text` as its size is taken (the windows'): each pseudonym as PSEUDONYM_BYTES x's,
    whatever pair a home's secret drew."""
    return _PSEUDONYM.sub("x" * PSEUDONYM_BYTES, text) if "-" in text else text


def unnamed(text: str, replacement: str = " ") -> str:
    """`text` with every pseudonym (a whole word, any case) replaced: a person is not a topic."""
    return _PSEUDONYM_WORD.sub(replacement, text) if "-" in text else text


# What a reader of returned chat text must see rather than have applied: bidi overrides and
# isolates, zero-width marks and other control characters (the joiner stays: emoji use it).
_HIDDEN = re.compile(
    "[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b\u200c\u200e\u200f\u202a-\u202e\u2060-\u2069\ufeff]"
)


def visible(text: str) -> str:
    """`text` with its invisible bidi, zero-width and control characters written as escapes
    (`\\u202e`), so that text handed to another program shows them instead of obeying them."""
    return _HIDDEN.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


def voice_label(seconds: float | None) -> str:
    """How a transcript is marked wherever it is shown: "voice note, 0:42"."""
    if seconds is None:
        return "voice note"
    whole = round(seconds)
    return f"voice note, {whole // 60}:{whole % 60:02d}"
