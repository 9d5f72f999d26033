"""raw_exports: each day's chat lines of a group, merged from every staged export covering it."""

from datetime import date

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue

from ..core.groups import covering, staged_exports
from ..core.raw_exports.staging import day_lines, day_signature
from ..core.tables import STAGING_TABLES
from ..partitions import daily_asset
from ..resources import ChainSettings, HomeResource, WarehouseResource
from .common import each_partition

CODE_VERSION = "raw-3"


@daily_asset(
    code_version=CODE_VERSION,
    group_name="ingest",
    kinds={"duckdb"},
)
def raw_exports(
    context: AssetExecutionContext,
    home: HomeResource,
    settings: ChainSettings,
    staging: WarehouseResource,
) -> MaterializeResult:
    """The chat lines of one day of one group (real names: kept in the private staging database)."""
    exports: dict[str, list] = {}
    decisions: dict[str, str] = {}

    def exports_on(group: str, day: date) -> list:
        if group not in exports:
            exports[group] = staged_exports(home.paths, group)
        return covering(exports[group], day)

    def identity(group: str, day: date) -> tuple:  # the exports' lines of that day
        day_first = settings.group(group).day_first
        return day_signature(exports_on(group, day), day, day_first), day_first

    def compute(db, group: str, day: date) -> tuple[str, dict, dict]:
        rows, digest, read = day_lines(exports_on(group, day), group, day, settings.group(group).day_first)
        decisions.update(read)
        return digest, {"messages": rows.num_rows}, {"raw_messages": rows}

    return each_partition(
        context,
        staging,
        compute,
        identity=identity,
        tables=STAGING_TABLES,
        after=lambda _: {
            "exports": sum(len(v) for v in exports.values()),
            "day_month_order": MetadataValue.json(decisions),
        },
    )
