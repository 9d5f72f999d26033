"""Forgetting what a home kept of people it protects only now: old vector versions and runs.

When a write protects people it did not before (a home written before everyone an export names
was a member, say), their names may still sit in what earlier runs left behind: the previous
versions LanceDB keeps of the vectors table, and the metadata previews of earlier Dagster runs.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from datetime import timedelta

from .core.anonymized_messages.pseudonyms import Roster, load_owner_map
from .core.anonymized_messages.redact import people_matcher
from .core.home import Home


def protected(home: Home, group: str) -> set[str]:
    """The real names the owner's pseudonym map holds for a group."""
    return set(load_owner_map(home.owner_map(group)))


def forget_old_vector_versions(vectors) -> None:
    """Drop every version of the vectors table but the latest, so replaced text is gone from disk.

    Call only while no other process writes the table (`egregora write` holds the home's lock)."""
    with warnings.catch_warnings():  # LanceDB warns of concurrent users, which the lock rules out
        warnings.simplefilter("ignore", UserWarning)
        vectors.table().optimize(cleanup_older_than=timedelta(0))


def forget_runs_naming(instance, names: Iterable[str], *, keep: Iterable[str]) -> list[str]:
    """Delete the earlier runs whose records name any of `names` (full or unique first names,
    in any case or accent); `keep` are run ids left alone. Returns the deleted run ids."""
    names = sorted(set(names))
    if not names:
        return []
    matcher = people_matcher(Roster("history", {n: "x" for n in names}), min_first=3, mentions=False)
    kept, deleted = set(keep), []
    for record in instance.get_run_records():
        run_id = record.dagster_run.run_id
        if run_id in kept:
            continue
        for entry in instance.all_logs(run_id):
            event = entry.dagster_event
            text = f"{entry.user_message} {event.event_specific_data if event else ''}"
            if matcher.regex.search(text):
                instance.delete_run(run_id)
                deleted.append(run_id)
                break
    return deleted
