"""The partitions of the chain: each calendar day of each group, and each group."""

from dagster import (
    AutomationCondition,
    BackfillPolicy,
    DailyPartitionsDefinition,
    DynamicPartitionsDefinition,
    MultiPartitionsDefinition,
    MultiToSingleDimensionPartitionMapping,
    asset,
)

from .core.raw_exports.staging import EARLIEST_DAY

# WhatsApp launched in 2009; end_offset=1 so an export made today has today's partition.
START_DATE = EARLIEST_DAY.isoformat()

GROUPS = "groups"  # the name of the dynamic dimension, in the instance
groups = DynamicPartitionsDefinition(name=GROUPS)
days = DailyPartitionsDefinition(start_date=START_DATE, end_offset=1)
day_by_group = MultiPartitionsDefinition({"date": days, "group": groups})

# A backfill over many days runs as one run: per-partition runs cost seconds each.
single_run = BackfillPolicy.single_run()


def daily_asset(**kwargs):
    """`@asset` for a day x group link of the chain, backfilled in single runs."""
    return asset(partitions_def=day_by_group, backfill_policy=single_run, **kwargs)


# The feed and the site of a group read every day of that group.
all_days_of_group = MultiToSingleDimensionPartitionMapping(partition_dimension_name="group")


def key_of(day: str, group: str) -> str:
    """The string form of a day x group key (dimensions sort alphabetically: date|group)."""
    return f"{day}|{group}"


# Eager would wait forever: a group's feed maps to every day since START_DATE, and most of
# those days are never materialized. Refresh once any day's posts changed and nothing runs.
after_new_posts = (
    AutomationCondition.any_deps_updated().since_last_handled()
    & ~AutomationCondition.any_deps_in_progress()
    & ~AutomationCondition.in_progress()
).with_label("after new posts")
