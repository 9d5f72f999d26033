"""Staging exports in the home, and merging the messages of overlapping exports."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from ..groups import ExportRecord, covering, staged_exports
from ..home import Home, write_atomic
from ..journal import fingerprint
from ..models import PARSED_SCHEMA, BadExport
from .archive import ParsedExport, read_export, slugify
from .whatsapp_db import ME


@dataclass(frozen=True)
class StagedExport:
    """An export copied into the home and registered for its group."""

    group: str
    sha256: str
    first_day: date
    last_day: date
    messages: int
    day_hashes: dict[date, str]
    parsed: ParsedExport

    @classmethod
    def of(cls, record: ExportRecord, parsed: ParsedExport) -> StagedExport:
        """The staged export an export's record describes."""
        return cls(
            group=record.group,
            sha256=parsed.sha256,
            first_day=record.first_day,
            last_day=record.last_day,
            messages=record.messages,
            day_hashes=record.day_hashes,
            parsed=parsed,
        )


def split_by_day(messages: pa.Table) -> dict[date, pa.Table]:
    """The messages of each calendar day, in export order."""
    if messages.num_rows == 0:
        return {}
    days = pc.cast(messages["timestamp"], pa.date32())
    indexed = messages.append_column("_day", days).append_column("_pos", pa.array(range(messages.num_rows), pa.int64()))
    ordered = indexed.sort_by([("_day", "ascending"), ("_pos", "ascending")])
    result: dict[date, pa.Table] = {}
    day_column = ordered["_day"].to_pylist()
    start = 0
    for i in range(1, len(day_column) + 1):
        if i == len(day_column) or day_column[i] != day_column[start]:
            result[day_column[start]] = ordered.slice(start, i - start).select(PARSED_SCHEMA.names)
            start = i
    return result


def day_hash(messages: pa.Table) -> str:
    return fingerprint(messages.to_pydict())


_EXTRAS = ("author_id", "source_id", "reply_to", "reactions")  # what only some sources carry


def union_messages(tables: list[pa.Table]) -> pa.Table:
    """All distinct messages of overlapping exports of one day, each once.

    Messages match on (minute, what they say, n-th repeat): a .txt gives minutes and the
    database's JSON seconds, and two sources may name one author differently (a saved contact,
    a number). The n-th repeat keeps a message repeated in a minute as many times as the fullest
    export shows it. The first export's row is kept; what only a later one carries (a reply
    link, reactions, an id) is added to it."""
    seen: dict[tuple, dict] = {}
    rows: list[dict] = []
    for table in tables:
        repeats: Counter = Counter()
        for row in table.to_pylist():
            key = (row["timestamp"].replace(second=0), _said(row))
            occurrence = repeats[key]
            repeats[key] += 1
            if (kept := seen.get((*key, occurrence))) is None:
                seen[(*key, occurrence)] = row
                rows.append(row)
            else:
                for name in _EXTRAS:
                    if kept[name] is None:
                        kept[name] = row[name]
                if kept["author"] == ME and row["author"]:  # the database has no name for its owner
                    kept["author"] = row["author"]
    rows.sort(key=lambda r: r["timestamp"])  # stable: export order within a minute
    return pa.Table.from_pylist(rows, schema=PARSED_SCHEMA)


def _said(row: dict) -> str:
    """What a message says, as every source writes it: its text, or for media, notices and
    deleted messages (which each source words its own way) their kind."""
    if row["kind"] in ("text", "edited", "command"):
        return " ".join((row["message"] or "").replace("\u2068", "").replace("\u2069", "").split())
    return "\x00" + row["kind"]


def day_lines(
    exports: list[tuple[Path, ExportRecord]],
    group: str,
    day: date,
    day_first: bool | None,
) -> tuple[pa.Table, str, dict[str, str]]:
    """One day's lines merged from the exports covering it, as `raw_messages` rows.

    Returns the rows, a hash of their content, and how each export's day/month order was read."""
    tables, decisions = [], {}
    for path, record in exports:
        parsed, by_day = load_staged(str(path), day_first)
        chat = parsed.chat
        decisions[record.sha256[:12]] = f"{'day' if chat.day_first else 'month'} first: {chat.day_first_evidence}"
        if day in by_day:
            tables.append(by_day[day])
    merged = union_messages(tables) if tables else PARSED_SCHEMA.empty_table()
    n = merged.num_rows
    rows = (
        merged.append_column("group", pa.array([group] * n, pa.string()))
        .append_column("date", pa.array([day] * n, pa.date32()))
        .append_column("pos", pa.array(range(n), pa.int64()))
    )
    return rows, day_hash(merged), decisions


def day_signature(exports: list[tuple[Path, ExportRecord]], day: date, day_first: bool | None) -> list[str | None]:
    """What one day's lines depend on: that day's hash in each export covering it.

    A re-export that adds a day leaves the other days alone: the days it shows as before add
    no new hash (a union of equal days is that day). Under an override of the day/month
    order the staged hashes (keyed by the detected order) do not apply."""
    found = {r.day_hashes.get(day) if day_first in (None, r.day_first) else r.sha256 for _, r in exports}
    return sorted(found, key=str)


@lru_cache(maxsize=4)
def load_staged(path: str, day_first: bool | None) -> tuple[ParsedExport, dict[date, pa.Table]]:
    """A staged export, parsed once per process and split by day."""
    parsed = read_export(Path(path), day_first=day_first)
    return parsed, split_by_day(parsed.chat.messages)


def stage_export(
    path: Path,
    home: Home,
    *,
    group: str | None = None,
    day_first: bool | None = None,
    timezone: str | None = None,
) -> StagedExport:
    """Validate an export, copy it into the home and register it; raises BadExport.

    The registry is a file per export (no database), so the inbox sensor can stage
    exports while a run holds the warehouse."""
    parsed = read_export(path, day_first=day_first)
    _check_someone_wrote(path, parsed)
    slug = group_slug(parsed, path, group)
    days = split_by_day(parsed.chat.messages)
    _check_dates(path, min(days), max(days))
    folder = home.exports / slug
    folder.mkdir(parents=True, exist_ok=True)
    meta = _export_record(parsed, path, slug, days, timezone)
    write_atomic(folder / meta.staged, path.read_bytes(), private=True)
    write_atomic(folder / f"{parsed.sha256}.json", meta.model_dump_json(indent=1).encode(), private=True)
    return StagedExport.of(meta, parsed)


def _check_someone_wrote(path: Path, parsed: ParsedExport) -> None:
    kinds = parsed.chat.messages["kind"]
    if kinds.null_count == len(kinds) or set(kinds.unique().to_pylist()) <= {"system"}:
        raise BadExport(
            f"{path.name}: only system lines (joins, changes, encryption notices); no member wrote a message"
        )


def _export_record(
    parsed: ParsedExport, path: Path, slug: str, days: dict[date, pa.Table], timezone: str | None
) -> ExportRecord:
    """What the home registers about a parsed export: its file, its days and how it was read."""
    return ExportRecord(
        sha256=parsed.sha256,
        group=slug,
        filename=parsed.filename,
        size=parsed.size,
        staged=staged_name(parsed.sha256, path.suffix.lower()),
        first_day=min(days),
        last_day=max(days),
        messages=parsed.chat.messages.num_rows,
        format=parsed.chat.format,
        day_first=parsed.chat.day_first,
        evidence=parsed.chat.day_first_evidence,
        timezone=timezone,
        group_name=parsed.group_name,
        day_hashes={d: day_hash(t) for d, t in days.items()},
    )


def staged_name(sha256: str, suffix: str) -> str:
    """The staged copy's file name: the export's hash and extension, except that other sources'
    files (read by their content) never end in ".json", the extension of the export records."""
    return f"{sha256}{suffix}" if suffix in (".zip", ".txt") else f"{sha256}{suffix}.staged"


EARLIEST_DAY = date(2009, 1, 1)  # WhatsApp's launch


def _check_dates(path: Path, first: date, last: date) -> None:
    # Before WhatsApp existed or after tomorrow: a wrong clock or day/month order, not days to write.
    if first < EARLIEST_DAY or last > date.today() + timedelta(days=1):
        raise BadExport(
            f"{path.name}: messages dated {first} to {last} fall outside {EARLIEST_DAY} to tomorrow; "
            "check the phone's clock or the day/month order (`egregora parse --summary`)"
        )


def group_slug(parsed: ParsedExport, path: Path, override: str | None) -> str:
    """The group's slug: the override, else the chat's name without a copy marker like " (2)".

    A slug is public (site paths, feed ids, the Dagster UI), so a chat name that contains a
    participant's name or a phone number gives an opaque slug instead; `--group` picks another."""
    if override:
        return slugify(override)
    name = parsed.group_name or re.sub(r"^(whatsapp[ _-]?chat|_chat)$", "", path.stem, flags=re.I) or "chat"
    name = re.sub(r"\s*\(\d+\)\s*$", "", name)
    if names_someone(name, parsed.chat.messages["author"].unique().to_pylist()):
        return "group-" + hashlib.sha256(name.encode()).hexdigest()[:8]
    return slugify(name)


def names_someone(name: str, authors: list[str | None]) -> bool:
    """Whether a chat name holds a phone number or a word of a participant's name."""
    if re.search(r"\d[\d\s().-]{6,}\d", name):
        return True
    words = {w for w in re.findall(r"\w+", name.casefold()) if len(w) >= 3}
    return any(w in words for a in authors if a for w in re.findall(r"\w+", a.casefold()) if len(w) >= 3)


def every_staged(home: Home) -> list[ExportRecord]:
    """The exports registered in the home, of every group."""
    return [ExportRecord.model_validate_json(p.read_text()) for p in sorted(home.exports.glob("*/*.json"))]


def covered_days(records: list[ExportRecord]) -> set[date]:
    """Every day from each export's first to its last: quiet days too, as a run covers that range."""
    return {r.first_day + timedelta(days=n) for r in records for n in range((r.last_day - r.first_day).days + 1)}


def changed_days(home: Home, staged: StagedExport) -> list[date]:
    """Days this export shows differently from every export staged before it (new or grown days)."""
    earlier: dict[date, set[str]] = {}
    for _, record in staged_exports(home, staged.group):
        if record.sha256 != staged.sha256:
            for day, digest in record.day_hashes.items():
                earlier.setdefault(day, set()).add(digest)
    return sorted(d for d, h in staged.day_hashes.items() if h not in earlier.get(d, set()))


class StagedDays:
    """One step's reading of the staged exports: each group's exports listed once, then a day's
    lines merged from those that cover it (`day_first`: the group's day/month override)."""

    def __init__(self, home: Home, day_first: Callable[[str], bool | None]) -> None:
        self.home, self.day_first = home, day_first
        self.exports: dict[str, list[tuple[Path, ExportRecord]]] = {}
        self.decisions: dict[str, str] = {}  # export -> how its day/month order was read

    def covering(self, group: str, day: date) -> list[tuple[Path, ExportRecord]]:
        if group not in self.exports:
            self.exports[group] = staged_exports(self.home, group)
        return covering(self.exports[group], day)

    def signature(self, group: str, day: date) -> tuple:
        """What the day's lines depend on: the exports' hashes of that day, and the override."""
        return day_signature(self.covering(group, day), day, self.day_first(group)), self.day_first(group)

    def lines(self, group: str, day: date) -> tuple[pa.Table, str]:
        """The day's `raw_messages` rows and a hash of their content."""
        rows, digest, read = day_lines(self.covering(group, day), group, day, self.day_first(group))
        self.decisions.update(read)
        return rows, digest
