"""Small text helpers shared along the chain."""

from __future__ import annotations

import re
import unicodedata

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
