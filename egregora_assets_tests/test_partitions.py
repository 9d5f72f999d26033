"""The day x group partitions hold only the home's days, in calendar order, and keep their history."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from dagster import (
    AssetKey,
    DagsterInstance,
    MaterializeResult,
    PartitionKeyRange,
    materialize,
    partition_loading_context,
)

from egregora_assets.definitions import defs
from egregora_assets.partitions import DAYS, daily_asset, day_by_group, day_changes, key_of, register


def sept(first: int, last: int) -> list[date]:
    return [date(2026, 9, d) for d in range(first, last + 1)]


def keys(days: list[date]) -> list[str]:
    return [d.isoformat() for d in days]


@pytest.mark.parametrize(
    "existing, wanted, delete, add",
    [
        ([], sept(1, 3), [], sept(1, 3)),
        (sept(1, 3), sept(2, 5), [], sept(4, 5)),  # later days are simply appended
        (sept(1, 3), sept(1, 3), [], []),
        (sept(5, 7), sept(1, 2), sept(5, 7), sept(1, 2) + sept(5, 7)),  # earlier: the later ones again
        (sept(1, 2) + sept(6, 7), sept(4, 4), sept(6, 7), [date(2026, 9, 4)] + sept(6, 7)),
        ([*sept(3, 4), *sept(1, 1)], sept(2, 2), sept(3, 4) + sept(1, 1), sept(1, 4)),  # out of order: repaired
    ],
)
def test_day_changes_keep_calendar_order(existing, wanted, delete, add):
    assert day_changes(keys(existing), wanted) == (keys(delete), keys(add))


@daily_asset()
def probe(context) -> MaterializeResult:
    return MaterializeResult(metadata={"partitions": len(context.partition_keys)})


def run_range(instance, first: date, last: date):
    tags = {
        "dagster/asset_partition_range_start": key_of(str(first), "g1"),
        "dagster/asset_partition_range_end": key_of(str(last), "g1"),
    }
    result = materialize([probe], instance=instance, tags=tags)
    return sorted(e.partition for e in result.get_asset_materialization_events())


def status(instance, days: list[date]) -> list[str | None]:
    found = instance.get_status_by_partition(AssetKey("probe"), [key_of(str(d), "g1") for d in days], day_by_group)
    return [s.value if s else None for s in found.values()]


def test_earlier_days_are_re_added_in_order_and_history_survives(tmp_path):
    with DagsterInstance.local_temp(str(tmp_path)) as instance:
        register(instance, ["g1"], sept(10, 12))
        assert run_range(instance, date(2026, 9, 10), date(2026, 9, 12)) == [key_of(str(d), "g1") for d in sept(10, 12)]
        assert status(instance, sept(10, 12)) == ["MATERIALIZED"] * 3  # the UI's status cache is built

        register(instance, ["g1"], sept(1, 12))  # an export reaching back to the 1st
        assert instance.get_dynamic_partitions(DAYS) == keys(sept(1, 12))
        assert status(instance, sept(1, 12)) == [None] * 9 + ["MATERIALIZED"] * 3
        with partition_loading_context(dynamic_partitions_store=instance):
            in_range = day_by_group.get_partition_keys_in_range(PartitionKeyRange("2026-09-01|g1", "2026-09-12|g1"))
        assert in_range == [key_of(str(d), "g1") for d in sept(1, 12)]

        assert len(run_range(instance, date(2026, 9, 1), date(2026, 9, 12))) == 12
        assert status(instance, sept(1, 12)) == ["MATERIALIZED"] * 12
        older = instance.fetch_materializations(AssetKey("probe"), limit=100).records
        assert len(older) == 15  # both runs' materializations are kept


def test_a_groups_feed_reads_every_day_of_that_group_only():
    with DagsterInstance.ephemeral() as instance:
        register(instance, ["g1", "g2"], [date(2026, 9, 1) + timedelta(days=n) for n in range(3)])
        with partition_loading_context(dynamic_partitions_store=instance):
            upstream = defs.resolve_asset_graph().get_parent_partition_keys_for_child(
                "g1", AssetKey("posts"), AssetKey("atom_feed")
            )
            assert sorted(upstream.partitions_subset.get_partition_keys()) == [
                "2026-09-01|g1",
                "2026-09-02|g1",
                "2026-09-03|g1",
            ]
