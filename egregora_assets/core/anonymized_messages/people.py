"""Everyone an export names: its authors, and the people its notices, contact cards and
mentions name although they may never write."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc

from ..home import Home
from ..notices import read_notice
from .pseudonyms import GroupPrivacy, clean_name, name_key, roster_for

if TYPE_CHECKING:
    from ..warehouse import Database

# A name longer than this is no display name but a template gone wrong: taking it would make
# its first word (a common word, likely) a name to replace everywhere.
_MAX_NAME = 64
_MAX_WORDS = 6
_QUOTES = "\"'„“”«»‘’‚‹›"
_MENTION = re.compile(r"@\u2068([^\u2069\n]{1,100})\u2069|@(\+?[0-9][0-9 ().\-]{5,24}[0-9])")
_CARD = re.compile(r"(?i)(?:^|[/\\:<]\s*)(?:[0-9]{8}-)?([^\n<>:/\\]+?)\.vcf\b")


def _name(text: str) -> str | None:
    """A display name as written, or None when it cannot be one (a template gone wrong)."""
    name = clean_name(text).strip(_QUOTES + " ")
    if not name or len(name) > _MAX_NAME or len(name.split()) > _MAX_WORDS:
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
    seen: set[tuple] = set()

    def add(name: str) -> None:
        if name_key(name) and name_key(name) not in found:
            found[name_key(name)] = name

    for author in authors:
        add(author)
    lines = lines.filter(_may_name(lines))  # a parsed export's plain messages name no one new
    columns = [lines[c].to_pylist() for c in ("author", "message", "kind", "attachment")]
    for author, message, kind, attachment in zip(*columns):
        key = (author is None, message, kind, attachment)
        if key in seen:  # notices repeat ("X left"): each distinct line is read once
            continue
        seen.add(key)
        if author is None and message and (notice := read_notice(message)):
            for name in filter(None, map(_name, notice.names)):
                add(name)
        card = kind == "contact" or (attachment or "").lower().endswith(".vcf")
        if card and (on_card := card_name(attachment, message)):
            add(on_card)
        if message and "@" in message:
            for name in mentioned(message):
                add(name)
    return list(found.values())


def _may_name(lines: pa.Table) -> pa.Array:
    """Rows that may name someone who never writes: notices, contact cards, mentions (the same
    test `tables.naming_lines` puts to the staging database, so it reads only those)."""
    kind, attachment, message = (lines[c].cast(pa.string()) for c in ("kind", "attachment", "message"))
    card = pc.or_kleene(pc.equal(kind, "contact"), pc.ends_with(pc.utf8_lower(attachment), ".vcf"))
    found = pc.or_kleene(pc.or_kleene(pc.is_null(lines["author"]), card), pc.match_substring(message, "@"))
    return pc.fill_null(found, False)


def group_privacy(raw: Database, home: Home, group: str, *, save: bool = True) -> GroupPrivacy:
    """The group's privacy state over everyone its staged exports name (`save`: remember new
    pseudonyms in the owner's map)."""
    from ..tables import author_ids, authors, naming_lines  # ibis: only where the staging database is read

    names = people_named(authors(raw, group), naming_lines(raw, group))
    return roster_for(home, group, names, save=save, ids=author_ids(raw, group))


def ids_of(messages: pa.Table) -> dict[str, str]:
    """Each author's id in its source (display name -> id), where the source gives one."""
    pairs = messages.select(["author", "author_id"]).filter(pc.is_valid(messages["author_id"]))
    return dict(zip(pairs["author"].to_pylist(), pairs["author_id"].to_pylist()))
