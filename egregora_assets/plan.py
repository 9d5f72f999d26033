"""What a write must recompute, known before any run: nothing, some days, or the whole export.

After a complete write the home keeps a stamp per group: a fingerprint of the code, the settings
and the home's own files (secret, aliases), and each day's input signature. The next write of
the group compares: when nothing differs it launches no run at all (importing Dagster alone
costs seconds); when only some days' lines differ, the daily run covers just those days."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .core.anonymized_messages.pseudonyms import load_or_create_secret, load_owner_map, name_key
from .core.groups import covering, staged_exports
from .core.home import Home, write_atomic
from .core.raw_exports.staging import StagedExport, day_signature
from .core.settings import Settings

BUDGET = ("max_requests", "max_cost")
PACKAGE = Path(__file__).resolve().parent  # its prompts and site template inside it


@dataclass(frozen=True)
class Plan:
    """The days the daily run must cover ([] when nothing changed), and why."""

    first: date | None
    last: date | None
    reason: str
    stamp: dict

    @property
    def nothing(self) -> bool:
        return self.first is None


def code_fingerprint() -> str:
    """A hash of every file the chain runs: the package with its prompts and site template."""
    digest = hashlib.sha256()
    for path in sorted(p for p in PACKAGE.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(PACKAGE.parent)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:24]


def settings_fingerprint(settings: Settings, home: Home) -> str:
    """A hash of every setting and of the home's own inputs (its secret, the owner's aliases)."""
    load_or_create_secret(home.secret)  # the first write creates it: its stamp must hold it already
    own = [p.read_bytes() if p.exists() else b"" for p in (home.secret, home.aliases)]
    # A home moved elsewhere is the same home, and a budget changes how much is done, not what.
    values = settings.model_dump(mode="json", exclude={"home": True, "llm": set(BUDGET)})
    blob = json.dumps(values, sort_keys=True, default=str).encode()
    return hashlib.sha256(blob + b"\0".join(own)).hexdigest()[:24]


def day_signatures(home: Home, group: str, day_first: bool | None) -> dict[str, list]:
    """Each day's input signature (the hashes of the staged exports covering it)."""
    exports = staged_exports(home, group)
    days = {d for _, r in exports for d in r.day_hashes}
    return {d.isoformat(): day_signature(covering(exports, d), d, day_first) for d in sorted(days)}


def plan(
    settings: Settings, staged: StagedExport, code: str | None = None, days: dict[str, list] | None = None
) -> Plan:
    """What writing `staged` must recompute, from the group's stamp of its last complete write;
    `days` gives each day's input signature when the export is not staged (a dry run)."""
    home, group = Home(settings.home), staged.group
    stamp: dict = {
        "code": code or code_fingerprint(),
        "settings": settings_fingerprint(settings, home),
        "days": days if days is not None else day_signatures(home, group, settings.group(group).day_first),
    }
    full = Plan(staged.first_day, staged.last_day, "", stamp)
    last = _load(home.stamp(group))
    if last is None:
        return _because(full, "first write of this group")
    if (last["code"], last["settings"]) != (stamp["code"], stamp["settings"]):
        return _because(full, "the code or the settings changed")
    if not _outputs_exist(home, group):
        return _because(full, "an output was deleted")
    changed = sorted(d for d, s in stamp["days"].items() if last["days"].get(d) != s)
    if not changed:
        return Plan(None, None, "nothing changed since the last write", {**stamp, "summary": last.get("summary")})
    if _names_someone_new(home, staged) or _has_command(staged, changed):
        # A new person's name may stand in any earlier day's text; an opt-out changes every day.
        return _because(full, "someone new is named, or a chat command changed who takes part")
    return Plan(
        date.fromisoformat(changed[0]), date.fromisoformat(changed[-1]), f"{len(changed)} day(s) changed", stamp
    )


def save_stamp(settings: Settings, group: str, stamp: dict, summary: dict) -> None:
    """Remember a complete write of the group, and its summary for the next unchanged one."""
    path = Home(settings.home).stamp(group)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, json.dumps({**stamp, "summary": summary}, sort_keys=True).encode())


def _because(plan: Plan, reason: str) -> Plan:
    return Plan(plan.first, plan.last, reason, plan.stamp)


def _load(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _outputs_exist(home: Home, group: str) -> bool:
    paths = [home.warehouse, home.feed(group), home.site_html(group) / "index.html", home.analysis / group]
    return all(p.exists() for p in paths)


def _names_someone_new(home: Home, staged: StagedExport) -> bool:
    from .core.anonymized_messages.people import people_named

    messages = staged.parsed.chat.messages
    authors = (a for a in messages["author"].unique().to_pylist() if a)
    known = {name_key(n) for n in load_owner_map(home.owner_map(staged.group))}
    return any(name_key(n) not in known for n in people_named(authors, messages))


def _has_command(staged: StagedExport, days: list[str]) -> bool:
    import pyarrow.compute as pc

    messages = staged.parsed.chat.messages
    on = pc.is_in(pc.cast(pc.cast(messages["timestamp"], "date32"), "string"), value_set=_strings(days))
    text = messages.filter(on)["message"]
    return bool(pc.any(pc.match_substring(pc.utf8_lower(text), "/egregora")).as_py())


def _strings(values: list[str]):
    import pyarrow as pa

    return pa.array(values, pa.string())
