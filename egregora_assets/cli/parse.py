"""`egregora parse`: what Egregora reads from an export, as JSON lines or one summary object."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ..core.home import Home
from ..core.raw_exports.archive import read_export, slugify
from ..core.raw_exports.parse import summary
from ..core.settings import Settings
from ..core.text import printable


def print_summary(path: Path, day_first: bool | None) -> int:
    parsed = _read(path, day_first)
    print(json.dumps(summary(parsed), ensure_ascii=False))
    return 0


def print_messages(path: Path, day_first: bool | None, *, raw: bool, settings: Settings | None) -> int:
    parsed = _read(path, day_first)
    table = parsed.chat.messages
    if settings is not None:  # None means --raw: real names, for the owner's debugging
        table = _pseudonymized(table, slugify(parsed.group_name or path.stem), Home(settings.home))
    out = sys.stdout
    for batch in table.to_batches(max_chunksize=50_000):
        for row in batch.to_pylist():
            record = {
                "timestamp": row["timestamp"].isoformat(timespec="seconds"),
                "author": row["author"],
                "message": row["message"],
                "kind": row["kind"],
                "attachment": row["attachment"] or None,  # every line has the same keys
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return 0


def _read(path: Path, day_first: bool | None):
    """The parsed export; what had to be replaced to read it is said on stderr."""
    parsed = read_export(path, day_first=day_first)
    if note := parsed.chat.replacement_note:
        print(f"egregora: warning: {printable(path.name)}: {note}", file=sys.stderr)
    return parsed


def _pseudonymized(table, group: str, home: Home):
    """The rows as they will be stored: pseudonymous authors, PII replaced in the text."""
    from ..core.anonymized_messages.anonymize import anonymize
    from ..core.anonymized_messages.people import ids_of, people_named
    from ..core.anonymized_messages.pseudonyms import roster_for

    authors = (a for a in table["author"].unique().to_pylist() if a)
    state = roster_for(home, group, people_named(authors, table), save=False, ids=ids_of(table))
    anonymized = anonymize(table, group=group, roster=state.roster, secret=state.secret)
    return anonymized.select(["timestamp", "author", "text", "kind", "attachment"]).rename_columns(
        ["timestamp", "author", "message", "kind", "attachment"]
    )
