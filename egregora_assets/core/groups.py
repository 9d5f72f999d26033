"""Each group as the home knows it from its staged exports: their records, the group's title and timezone."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from pydantic import BaseModel, Field

from .home import Home


class ExportRecord(BaseModel):
    """What the home remembers about one staged export (no content, no names)."""

    sha256: str
    group: str
    filename: str
    size: int
    staged: str
    first_day: date
    last_day: date
    messages: int
    format: str
    day_first: bool
    evidence: str
    timezone: str | None = None
    group_name: str | None = None  # as the chat names itself: private, may name people
    day_hashes: dict[date, str] = Field(default_factory=dict)
    ingested_at: datetime = Field(default_factory=datetime.now)


def staged_exports(home: Home, group: str) -> list[tuple[Path, ExportRecord]]:
    """The exports registered for a group, oldest first."""
    folder = home.exports / group
    records = [ExportRecord.model_validate_json(p.read_text()) for p in sorted(folder.glob("*.json"))]
    records.sort(key=lambda r: (r.ingested_at, r.sha256))
    return [(folder / r.staged, r) for r in records]


def covering(exports: list[tuple[Path, ExportRecord]], day: date) -> list[tuple[Path, ExportRecord]]:
    return [(p, r) for p, r in exports if r.first_day <= day <= r.last_day]


def group_timezone(home: Home, group: str, configured: str | None, default: str) -> str:
    """The group's timezone: configuration first, then what the latest `write --timezone` said."""
    if configured:
        return configured
    given = [r.timezone for _, r in staged_exports(home, group) if r.timezone]
    return given[-1] if given else default


def chat_name(home: Home, group: str) -> str | None:
    """The chat's own name, as the latest export that holds one gives it: private, it may name people."""
    names = [r.group_name for _, r in staged_exports(home, group) if r.group_name]
    return names[-1] if names else None


def group_title(home: Home, group: str, configured: str | None) -> str:
    """The configured title, else the chat's own name (unless it names someone), else the slug."""
    if configured:
        return configured
    name = chat_name(home, group)
    if name and not group.startswith("group-"):  # an opaque slug means the name names someone
        return name
    return group.replace("-", " ").capitalize()


APPS = {"telegram": "Telegram", "discord": "Discord", "feed": "Atom/RSS"}  # any other format is WhatsApp's


def group_apps(home: Home, group: str) -> str:
    """Where the group's messages come from, as the site's about line names it ("WhatsApp",
    "Telegram", "WhatsApp + Atom/RSS"), from the formats of its staged exports."""
    apps = dict.fromkeys(APPS.get(r.format, "WhatsApp") for _, r in staged_exports(home, group))
    return " + ".join(sorted(apps)) or "WhatsApp"
