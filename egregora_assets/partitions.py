"""The partitions of the chain: each day the home's exports cover, of each group, and each group."""

from collections.abc import Iterable, Sequence
from datetime import date

from dagster import (
    AddDynamicPartitionsRequest,
    AssetSelection,
    AutomationCondition,
    BackfillPolicy,
    DagsterInstance,
    DeleteDynamicPartitionsRequest,
    DynamicPartitionsDefinition,
    MultiPartitionsDefinition,
    asset,
)

# Both dimensions hold only what the home has, so the UI counts no day that was never meant to
# exist (a daily calendar since 2009 showed 6,500 "missing" days). Keys stay "YYYY-MM-DD|group".
GROUPS = "groups"  # the names of the dynamic dimensions, in the instance
DAYS = "days"
groups = DynamicPartitionsDefinition(name=GROUPS)
days = DynamicPartitionsDefinition(name=DAYS)
day_by_group = MultiPartitionsDefinition({"date": days, "group": groups})

# A backfill over many days runs as one run: per-partition runs cost seconds each.
single_run = BackfillPolicy.single_run()


def daily_asset(**kwargs):
    """`@asset` for a day x group link of the chain, backfilled in single runs."""
    return asset(partitions_def=day_by_group, backfill_policy=single_run, **kwargs)


def key_of(day: str, group: str) -> str:
    """The string form of a day x group key (dimensions sort alphabetically: date|group)."""
    return f"{day}|{group}"


def day_changes(existing: Sequence[str], wanted: Iterable[date]) -> tuple[list[str], list[str]]:
    """The day keys to delete, then add, so `days` holds every wanted day in calendar order.

    A range of a dynamic dimension follows the order its keys were added, and runs ask for
    calendar ranges; so days earlier than the latest known one are added by re-adding the
    later ones after them (their history is kept: it belongs to the key, not to the row)."""
    new = sorted({d.isoformat() for d in wanted} - set(existing))
    if not new:
        return [], []
    keep = 0
    while keep < len(existing) and existing[keep] < new[0] and (keep == 0 or existing[keep - 1] < existing[keep]):
        keep += 1
    later = list(existing[keep:])
    return later, sorted({*later, *new})


def partition_requests(
    instance: DagsterInstance, group_names: Iterable[str], wanted_days: Iterable[date]
) -> list[AddDynamicPartitionsRequest | DeleteDynamicPartitionsRequest]:
    """What to add (and re-add) so the instance has these groups and days; in order."""
    new_groups = sorted({g for g in group_names if not instance.has_dynamic_partition(GROUPS, g)})
    delete, add = day_changes(instance.get_dynamic_partitions(DAYS), wanted_days)
    return [
        *([groups.build_add_request(new_groups)] if new_groups else []),
        *([days.build_delete_request(delete)] if delete else []),
        *([days.build_add_request(add)] if add else []),
    ]


def register(instance: DagsterInstance, group_names: Iterable[str], wanted_days: Iterable[date]) -> None:
    """Carry out `partition_requests` at once, as the sensor daemon does with a tick's requests."""
    for request in partition_requests(instance, group_names, wanted_days):
        if isinstance(request, DeleteDynamicPartitionsRequest):
            for key in request.partition_keys:
                instance.delete_dynamic_partition(request.partitions_def_name, key)
        else:
            instance.add_dynamic_partitions(request.partitions_def_name, list(request.partition_keys))


# Eager would wait forever: with two groups of different spans, a group's feed maps to days of
# the other group it never had. Refresh once any day's posts changed and nothing runs.
def after_new(*through: str) -> AutomationCondition:
    """Refresh once an upstream asset changed and nothing it reads is running; an asset that reads
    a daily asset also through a per-group one names that one in `through`, so it is refreshed
    after it, in its run, not on its own beside it."""
    updated = AutomationCondition.any_deps_updated()
    if through:
        updated = updated.ignore(AssetSelection.assets(*through))
    return (
        updated.since_last_handled() & ~AutomationCondition.any_deps_in_progress() & ~AutomationCondition.in_progress()
    ).with_label("after new posts")


after_new_posts = after_new()
