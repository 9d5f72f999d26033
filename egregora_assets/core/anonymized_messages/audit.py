"""The privacy audit: stored and published text against the real names, phone numbers and e-mails
of everyone a group's exports name. It only reads, and it skips what passed before unchanged."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..home import Home, write_atomic
from ..journal import fingerprint
from .people import group_privacy
from .pseudonyms import GroupPrivacy
from .redact import find_pii

if TYPE_CHECKING:
    from ..warehouse import Database

Fields = list[tuple[str, str, str]]  # (where, field, text)


@dataclass(frozen=True)
class Scope:
    """What one check audits of one group: its parts by key with their content hashes (from the
    journal: None is never taken as unchanged), and how to read the fields of some of them."""

    group: str
    parts: Mapping[str, str | None]
    read: Callable[[list[str]], Fields]


@dataclass
class Audit:
    """An audit's outcome: findings (never the value found), what it read and skipped, and the
    stamps of every part it now knows clean (to remember only when nothing was found)."""

    findings: list[str] = field(default_factory=list)
    fields_checked: int = 0
    parts_checked: int = 0
    parts_unchanged: int = 0
    stamps: dict[str, dict[str, str]] = field(default_factory=dict)  # group -> part -> stamp


# The audit's own code: a change to how it reads, or to what counts as a name, audits all again.
_CODE = fingerprint(*(hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(Path(__file__).parent.glob("*.py"))))


def audit(
    raw: Database,
    home: Home,
    check: str,
    scopes: Iterable[Scope],
    remembered: Mapping[str, Mapping[str, str]] | None = None,
) -> Audit:
    """Audit each scope's parts whose content or group roster changed since the stamps in
    `remembered` (all of them when it is None: the full audit). Reads only; saves nothing."""
    result = Audit()
    for scope in scopes:
        state = group_privacy(raw, home, scope.group, save=False)
        known = (remembered or {}).get(scope.group, {})
        stamps = {key: _stamp(check, state, content) for key, content in scope.parts.items()}
        due = [k for k, s in stamps.items() if remembered is None or scope.parts[k] is None or known.get(k) != s]
        if due:
            fields = scope.read(due)
            result.fields_checked += len(fields)
            result.findings += find_pii(fields, state.roster)
        result.parts_checked += len(due)
        result.parts_unchanged += len(stamps) - len(due)
        result.stamps[scope.group] = {k: s for k, s in stamps.items() if scope.parts[k] is not None}
    return result


def _stamp(check: str, state: GroupPrivacy, content: str | None) -> str:
    """A part's clean stamp: its content under this roster and this audit code. Keyed with the
    home's secret, because a roster's plain hash could be matched against guessed names."""
    roster = state.roster
    who = json.dumps(
        [sorted(roster.pseudonyms.items()), sorted(roster.aliases.items()), sorted(roster.opted_out), roster.title],
        ensure_ascii=False,
    )
    keyed = hmac.new(state.secret, who.encode(), hashlib.sha256).hexdigest()
    return fingerprint(_CODE, check, keyed, content)


def remembered_stamps(home: Home, check: str) -> dict[str, dict[str, str]]:
    """The stamps of the last passing audit of `check` ({} when none, or unreadable)."""
    path = home.audit_stamps(check)
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def remember_stamps(home: Home, check: str, result: Audit) -> None:
    """Keep a passing audit's stamps, so the next audits what changed since (a failing one keeps
    nothing new: its findings are read again until they are gone)."""
    if result.findings:
        return
    stamps = {**remembered_stamps(home, check), **result.stamps}
    write_atomic(home.audit_stamps(check), json.dumps(stamps, sort_keys=True).encode(), private=True)
