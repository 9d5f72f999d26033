"""What a write costs grows with the days it changes, not with the square of the history.

Counts, not timings: planned events per run, metadata size per event, LanceDB fragments per run,
and which partitions a re-export with one more day recomputes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from dagster import DagsterEventType, DagsterInstance

from egregora_assets_tests.exports import year_chat
from egregora_assets_tests.helpers import run_json

DAYS = 10


def write(home: Path, export: Path) -> dict:
    return run_json("write", str(export), "--home", str(home), "--group", "ano")


def fragments(home: Path) -> int:
    return len(list((home / "lancedb" / "vectors.lance" / "data").glob("*.lance")))


@pytest.fixture(scope="module")
def writes(tmp_path_factory):
    """Ten days written, the same export again, then a re-export with an eleventh day."""
    folder = tmp_path_factory.mktemp("scale")
    home = folder / "home"
    results = []
    export = folder / "Conversa do WhatsApp com Ano.txt"  # a re-export has the chat's name
    for days in [DAYS, DAYS, DAYS + 1]:
        export.write_text(year_chat(days), encoding="utf-8")
        results.append((write(home, export), fragments(home)))
    return home, results


def test_an_unchanged_rerun_recomputes_nothing_and_a_new_day_only_that_day(writes):
    _, [(first, _), (again, _), (more, _)] = writes
    assert first["partitions"] == DAYS + 1 and first["posts"] > 0
    assert again["partitions"] == 0
    assert more["partitions"] == 2  # the eleventh day (every daily asset) and the group's feed and site
    assert more["messages"] > first["messages"]


def test_a_run_adds_one_vector_fragment_per_kind_however_many_days(writes):
    _, [(_, first), (_, again), (_, more)] = writes
    assert first <= 2  # windows, then posts
    assert again == first
    assert more - again <= 2


def test_a_single_run_writes_one_planned_event_per_asset_and_small_metadata(writes):
    home, _ = writes
    with DagsterInstance.from_config(str(home / "dagster")) as instance:
        daily = [r for r in instance.get_runs() if "dagster/asset_partition_range_start" in r.tags]
        first = daily[-1]  # the oldest: runs come newest first
        planned = instance.get_records_for_run(
            first.run_id, of_type=DagsterEventType.ASSET_MATERIALIZATION_PLANNED
        ).records
        materialized = instance.get_records_for_run(
            first.run_id, of_type=DagsterEventType.ASSET_MATERIALIZATION
        ).records
    assert len(planned) == 7  # one per daily asset (transcripts included), not one per partition
    assert len(materialized) == 7 * DAYS
    for record in materialized:
        metadata = record.event_log_entry.dagster_event.step_materialization_data.materialization.metadata
        size = len(json.dumps({k: str(v.value) for k, v in metadata.items()}))
        # Counts and capped previews (posts: its first 10), no list that grows with the run's days.
        assert size < 5000, (record.event_log_entry.dagster_event.asset_key, size)
        assert "partitions_computed" in metadata
