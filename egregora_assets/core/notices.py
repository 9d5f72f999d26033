"""The notices WhatsApp writes into an export (X added Y, Y left...), read from the templates
in `notices.toml`: which lines are notices, and whom each names."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, replace
from functools import cache, cached_property
from importlib import resources

from .text import INVISIBLE

_QUOTE_MARKS = '"“”«»„'
_SPACE = "[\\s\u00a0\u202f]+"


@dataclass(frozen=True)
class Template:
    """One notice of one language, compiled."""

    language: str
    text: str
    hint: str  # its longest literal word, casefolded: a line without it cannot match
    weight: int  # how much literal text it has; the most literal match wins
    current: bool = True  # False: seen only in old Android exports (people.py reads it, the parser not)

    @cached_property
    def regex(self) -> re.Pattern:
        """Compiled on first use: a line reaches few templates past their hint."""
        return re.compile("^" + _pattern(self.text, re2=False) + r"\s*[.!。।۔]?\s*$", re.I | re.S)


@dataclass(frozen=True)
class Notice:
    """What a notice says about people: the template it matched, and whom it names."""

    template: str
    names: tuple[str, ...]


@dataclass(frozen=True)
class Notices:
    """Every language's templates, most literal first, and the words that are nobody's name."""

    templates: tuple[Template, ...]
    separators: dict[str, re.Pattern]
    self_words: frozenset[str]
    re2: str  # one RE2 pattern any notice matches, for Arrow's column-wise regexes
    colon_endings: frozenset[str] = frozenset()  # case endings written after a colon ("Cem:s")


def _pieces(text: str) -> list[str]:
    return [p for p in re.split(r"(\{\w+\})", text.rstrip(".")) if p]


def _literal(piece: str, *, re2: bool) -> str:
    out = []
    for c in piece:
        if c in _QUOTE_MARKS:
            out.append(f"[{_QUOTE_MARKS}]")
        elif c in "'’":
            out.append("['’]")
        elif c == " ":
            out.append(_SPACE.replace("\u00a0", "\\x{00a0}").replace("\u202f", "\\x{202f}") if re2 else _SPACE)
        else:
            out.append(re.escape(c))
    return "".join(out)


_SLOTS = {"{title}": ".*?", "{text}": "(?:[\\s.,:;!(。，、،।۔].*)?"}


def _pattern(text: str, *, re2: bool) -> str:
    out, groups, previous = [], 0, ""
    for piece in _pieces(text):
        if piece in ("{person}", "{people}"):
            out.append(".+?" if re2 else f"(?P<{piece[1:-1]}{groups}>.+?)")
            groups += 1
        elif piece == "{text}" and previous in ("{person}", "{people}"):
            # Right after a name only punctuation can end it: "with José María. Tap..."
            out.append("(?:[.,:;!(。，、،।۔].*)?")
        elif piece in _SLOTS:
            out.append(_SLOTS[piece])
        elif piece.startswith("{"):
            raise ValueError(f"notices.toml: unknown placeholder {piece} in {text!r}")
        else:
            out.append(_literal(piece, re2=re2))
        previous = piece
    return "".join(out)


def _compile(language: str, text: str) -> Template:
    literal = [p for p in _pieces(text) if not p.startswith("{")]
    hint = max((w for p in literal for w in re.split(r"[\s\"'“”«»„’]+", p)), key=len, default="").casefold()
    return Template(language, text, hint, sum(map(len, literal)))


@cache
def notices() -> Notices:
    """The templates of `notices.toml`, compiled once per process."""
    data = tomllib.loads(resources.files(__package__).joinpath("notices.toml").read_text(encoding="utf-8"))
    templates, separators, self_words, re2, endings = [], {}, set(), [], set()
    for language, entry in data.items():
        joins = sorted(entry["and"], key=len, reverse=True)
        separators[language] = re.compile("|".join(map(re.escape, joins)), re.I)
        self_words |= {w.casefold() for w in entry["self"]}
        endings |= {w.casefold() for w in entry.get("colon_endings", [])}
        templates += [_compile(language, t) for t in entry["lines"]]
        templates += [replace(_compile(language, t), current=False) for t in entry.get("android", [])]
        re2 += [_pattern(t, re2=True) for t in entry["lines"]]
    templates.sort(key=lambda t: -t.weight)
    union = "(?i)^[\\x{200e}\\x{200f}]*(?:" + "|".join(re2) + ")\\s*[.!。।۔]?\\s*$"
    return Notices(tuple(templates), separators, frozenset(self_words), union, frozenset(endings))


def is_notice(text: str) -> bool:
    """Whether a line reads as a notice of the current apps (what `Notices.re2` matches, one line
    at a time: the parser's test for the few lines iOS marks)."""
    line = " ".join(text.translate(INVISIBLE).split())
    folded = line.casefold()
    return any(t.current and t.hint in folded and t.regex.match(line) for t in notices().templates)


def read_notice(text: str) -> Notice | None:
    """Whom a notice names (self-references left out), or None when it is no notice Egregora knows."""
    line = " ".join(text.translate(INVISIBLE).split())
    known = notices()
    folded = line.casefold()
    for template in known.templates:
        if template.hint not in folded or not (match := template.regex.match(line)):
            continue
        names: list[str] = []
        for group, value in match.groupdict().items():
            parts = known.separators[template.language].split(value) if group.startswith("people") else [value]
            names += [n for n in (p.strip(_QUOTE_MARKS + " ") for p in parts) if n]
        return Notice(template.text, tuple(n for n in dict.fromkeys(names) if n.casefold() not in known.self_words))
    return None
