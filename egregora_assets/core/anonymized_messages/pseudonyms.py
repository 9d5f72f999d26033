"""A group's participants and their pseudonyms, read from the private staging data."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb

from ..home import Home
from ..tables import authors
from .anonymize import (
    Roster,
    build_roster,
    load_aliases,
    load_or_create_secret,
    load_owner_map,
    save_owner_map,
)


@dataclass(frozen=True)
class GroupPrivacy:
    """The privacy state of one group: its roster (real -> pseudonym) and the home's secret."""

    roster: Roster
    secret: bytes


def roster_for(home: Home, group: str, names: Iterable[str], *, save: bool) -> GroupPrivacy:
    """Pseudonyms for `names`, reusing the owner's map so a pseudonym never changes."""
    secret = load_or_create_secret(home.secret)
    path = owner_map_path(home, group)
    known = load_owner_map(path) if path.exists() else {}
    aliases = load_aliases(home.aliases) if home.aliases.exists() else {}
    roster = build_roster(secret, group, sorted(set(names)), aliases=aliases, known=known,
                          title=private_title(home, group))
    if save:
        save_owner_map(path, roster)
    return GroupPrivacy(roster=roster, secret=secret)


def group_privacy(raw: duckdb.DuckDBPyConnection, home: Home, group: str) -> GroupPrivacy:
    """Everyone who ever wrote in the group, from the staged messages."""
    return roster_for(home, group, authors(raw, group), save=True)


def private_title(home: Home, group: str) -> str | None:
    """The chat's own name when it names someone, so it is redacted and audited like a name."""
    from ..raw_exports.staging import staged_exports

    if not group.startswith("group-"):  # an opaque slug means the name was too revealing
        return None
    names = [r.group_name for _, r in staged_exports(home, group) if r.group_name]
    return names[-1] if names else None


def owner_map_path(home: Home, group: str) -> Path:
    return home.private / "pseudonyms" / f"{group}.json"


OPTED_OUT = "someone"  # what others' mentions of an opted-out person become


def without(roster: Roster, people: set[str]) -> Roster:
    """The roster with opted-out people unnamed: mentions of them no longer point to anyone."""
    gone = {roster.pseudonyms[p] for p in people if p in roster.pseudonyms}
    if not gone:
        return roster
    pseudonyms = {real: (OPTED_OUT if p in gone else p) for real, p in roster.pseudonyms.items()}
    return replace(roster, pseudonyms=pseudonyms, opted_out=frozenset(people))
