"""raw_exports: each day's chat lines of a group, merged from every staged export covering it."""

from datetime import date

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue

from ..core.raw_exports.staging import StagedDays
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
    days = StagedDays(home.paths, lambda group: settings.group(group).day_first)

    def compute(db, group: str, day: date) -> tuple[str, dict, dict]:
        rows, digest = days.lines(group, day)
        return digest, {"messages": rows.num_rows}, {"raw_messages": rows}

    return each_partition(
        context,
        staging,
        compute,
        identity=days.signature,
        tables=STAGING_TABLES,
        after=lambda _: {
            "exports": sum(len(v) for v in days.exports.values()),
            "day_month_order": MetadataValue.json(days.decisions),
            # Each group's sources (whatsapp-txt's formats are android/ios): shown in the UI.
            "sources": MetadataValue.json({g: sorted({r.format for _, r in v}) for g, v in days.exports.items()}),
        },
    )
