"""The inbox sensor: a new or changed export dropped in `<home>/inbox` becomes a run."""

import json
from datetime import date
from pathlib import Path

from dagster import (
    AssetSelection,
    AutomationConditionSensorDefinition,
    DefaultSensorStatus,
    RunRequest,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    sensor,
)

from .core.models import BadExport
from .core.raw_exports.archive import EXPORT_SUFFIXES
from .core.raw_exports.staging import StagedExport, changed_days, covered_days, every_staged, stage_export
from .partitions import key_of, partition_requests
from .resources import HomeResource

DAILY = AssetSelection.groups("ingest", "write")  # every day x group asset
PUBLISH = AssetSelection.groups("publish")  # the per-group rankings, feed and site


@sensor(asset_selection=DAILY, minimum_interval_seconds=30, default_status=DefaultSensorStatus.RUNNING)
def inbox_sensor(context: SensorEvaluationContext, home: HomeResource) -> SensorResult | SkipReason:
    """Stages each new or changed export in the inbox, registers its group and days, and requests the days it changed."""
    seen = json.loads(context.cursor or "{}")
    inbox = home.paths.inbox
    files = sorted(p for p in inbox.glob("*") if p.suffix.lower() in EXPORT_SUFFIXES) if inbox.exists() else []
    requests = []
    for path in files:
        state = f"{path.stat().st_mtime_ns}:{path.stat().st_size}"
        if seen.get(path.name) == state:
            continue
        seen[path.name] = state
        try:
            staged = stage_export(path, home.paths, day_first=None)
        except BadExport as error:
            context.log.error(str(error))  # stays in the cursor: retried only once the file changes
            continue
        if changed := changed_days(home.paths, staged):
            requests.append(_run_request(path, staged, changed))
    # The groups and days of every staged export: the daemon adds them before it launches the runs.
    records = every_staged(home.paths)
    partitions = partition_requests(context.instance, {r.group for r in records}, covered_days(records))
    if not requests and not partitions and json.dumps(seen) == (context.cursor or "{}"):
        return SkipReason("no new or changed export in the inbox")
    return SensorResult(
        run_requests=requests,
        cursor=json.dumps(seen, sort_keys=True),
        dynamic_partitions_requests=partitions,
    )


def _run_request(path: Path, staged: StagedExport, changed: list[date]) -> RunRequest:
    """A run of the days an export changed: one range of its group's partitions, first to last."""
    first, last = changed[0], changed[-1]
    return RunRequest(
        run_key=f"{path.name}:{staged.sha256}",
        tags={
            "dagster/asset_partition_range_start": key_of(str(first), staged.group),
            "dagster/asset_partition_range_end": key_of(str(last), staged.group),
            "egregora/command": "inbox",
            "egregora/group": staged.group,
            "egregora/days": str((last - first).days + 1),
        },
    )


# Keeps each group's feed and site current once new posts land (eager on `posts`).
publish_automation = AutomationConditionSensorDefinition(
    "publish_automation",
    target=PUBLISH,
    default_status=DefaultSensorStatus.RUNNING,
)
