"""Everyone an export names: its authors, and the people its notices, contact cards and
mentions name although they may never write (`system_lines.toml` holds the notices)."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

import pyarrow as pa

from ..home import Home
from ..tables import authors, naming_lines
from ..warehouse import Database
from .pseudonyms import INVISIBLE, GroupPrivacy, clean_name, name_key, roster_for

# A name longer than this is no display name but a template gone wrong: taking it would make
# its first word (a common word, likely) a name to replace everywhere.
_MAX_NAME = 64
_MAX_WORDS = 6
_QUOTES = "\"'„“”«»‘’‚‹›"
_MENTION = re.compile(r"@\u2068([^\u2069\n]{1,100})\u2069|@(\+?[0-9][0-9 ().\-]{5,24}[0-9])")
_CARD = re.compile(r"(?i)(?:^|[/\\])(?:[0-9]{8}-)?([^\n<>:/\\]+?)\.vcf\b")


@dataclass(frozen=True)
class Template:
    """One notice of one language, compiled."""

    language: str
    text: str
    regex: re.Pattern
    hint: str  # its longest literal piece, casefolded: a line without it cannot match
    weight: int  # how much literal text it has; the most literal match wins


@dataclass(frozen=True)
class Notice:
    """What a system line says about people: who it names, in which template."""

    template: str
    names: tuple[str, ...]


def _compile(language: str, text: str) -> Template:
    pattern, literal, groups = ["^"], [], 0
    for piece in re.split(r"(\{\w+\})", text.rstrip(".")):
        if piece in ("{person}", "{people}"):
            pattern.append(f"(?P<{piece[1:-1]}{groups}>.+?)")
            groups += 1
        elif piece == "{title}":
            pattern.append(".*?")
        elif piece == "{text}":
            pattern.append("(?:[\\s.,:;!(].*)?")
        elif piece.startswith("{"):
            raise ValueError(f"system_lines.toml: unknown placeholder {piece} in {text!r}")
        else:
            literal.append(piece)
            pattern.append("".join(_literal(c) for c in piece))
    pattern.append(r"\s*[.!]?\s*$")
    hint = max((w for p in literal for w in re.split(r"[\s\"']+", p)), key=len, default="").casefold()
    return Template(language, text, re.compile("".join(pattern), re.I | re.S), hint, sum(map(len, literal)))


def _literal(c: str) -> str:
    if c in '"“”«»„':
        return '["“”«»„]'
    if c in "'’":
        return "['’]"
    if c == " ":
        return "[\\s\u00a0\u202f]+"
    return re.escape(c)


@dataclass(frozen=True)
class Notices:
    """Every language's notices, most literal first, and the words that are nobody's name."""

    templates: tuple[Template, ...]
    separators: dict[str, re.Pattern]
    self_words: frozenset[str]


@cache
def notices() -> Notices:
    """The templates of `system_lines.toml`, compiled once per process."""
    data = tomllib.loads(resources.files(__package__).joinpath("system_lines.toml").read_text(encoding="utf-8"))
    templates, separators, self_words = [], {}, set()
    for language, entry in data.items():
        joins = entry["and"]
        separators[language] = re.compile("|".join(re.escape(j) for j in sorted(joins, key=len, reverse=True)), re.I)
        self_words |= {w.casefold() for w in entry["self"]}
        templates += [_compile(language, t) for t in entry["lines"]]
    templates.sort(key=lambda t: -t.weight)
    return Notices(tuple(templates), separators, frozenset(self_words))


def read_notice(text: str) -> Notice | None:
    """The people a system line names, or None when it is no notice Egregora knows."""
    line = " ".join(text.translate(INVISIBLE).split())
    known = notices()
    folded = line.casefold()
    for template in known.templates:
        if template.hint not in folded:
            continue
        match = template.regex.match(line)
        if not match:
            continue
        names: list[str] = []
        for group, value in match.groupdict().items():
            parts = known.separators[template.language].split(value) if group.startswith("people") else [value]
            names += [n for n in map(_name, parts) if n]
        return Notice(template.text, tuple(dict.fromkeys(names)))
    return None


def _name(text: str) -> str | None:
    """A person's name as a notice writes it, or None for a self-reference or no name."""
    name = clean_name(text).strip(_QUOTES + " ")
    if not name or name.casefold() in notices().self_words:
        return None
    if len(name) > _MAX_NAME or len(name.split()) > _MAX_WORDS:
        return None
    return name


def card_name(attachment: str | None, text: str | None) -> str | None:
    """The name on a shared contact card ("Ana Souza.vcf"), from its file name."""
    for value in (attachment, text):
        if value and (found := _CARD.search(value)):
            return _name(found.group(1))
    return None


def mentioned(text: str) -> list[str]:
    """The names and numbers a message @-mentions in WhatsApp's own forms (`@⁨Name⁩`, `@5511…`)."""
    return [n for m in _MENTION.finditer(text) if (n := _name(m.group(1) or m.group(2)))]


def people_named(authors: Iterable[str], lines: pa.Table) -> list[str]:
    """Everyone the export names: its authors, then the people its notices, contact cards and
    mentions name (`lines`: the rows that may name someone, with author, message, kind and
    attachment), each once under the first spelling met."""
    found: dict[str, str] = {}
    seen: set[str] = set()

    def add(name: str) -> None:
        if name_key(name) and name_key(name) not in found:
            found[name_key(name)] = name

    for author in authors:
        add(author)
    columns = [lines[c].to_pylist() for c in ("author", "message", "kind", "attachment")]
    for author, message, kind, attachment in zip(*columns):
        key = (author is None, message, kind, attachment)
        if key in seen:  # notices repeat ("X left"): each distinct line is read once
            continue
        seen.add(key)
        if author is None and message and (notice := read_notice(message)):
            for name in notice.names:
                add(name)
        card = kind == "contact" or (attachment or "").lower().endswith(".vcf")
        if card and (name := card_name(attachment, message)):
            add(name)
        if message and "@" in message:
            for name in mentioned(message):
                add(name)
    return list(found.values())


def group_privacy(raw: Database, home: Home, group: str) -> GroupPrivacy:
    """The group's privacy state over everyone its staged exports name."""
    return roster_for(home, group, people_named(authors(raw, group), naming_lines(raw, group)), save=True)
