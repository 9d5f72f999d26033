"""raw_exports: each day's chat lines of a group, merged from every staged export covering it."""


from datetime import date

import pyarrow as pa
from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset
from dagster_duckdb import DuckDBResource

from ..core.journal import (
    STAGING_DDL,
    ensure_schema,
    fingerprint,
    replace_slice,
    run_slices,
)
from ..core.models import PARSED_SCHEMA
from ..core.raw_exports.staging import (
    covering,
    day_hash,
    load_staged,
    staged_exports,
    union_messages,
)
from ..partitions import day_by_group, single_run
from ..resources import HomeResource
from .common import day_keys, progress, result

CODE_VERSION = "raw-1"


@asset(
    partitions_def=day_by_group, backfill_policy=single_run, code_version=CODE_VERSION,
    group_name="ingest", kinds={"duckdb"},
)
def raw_exports(
    context: AssetExecutionContext, home: HomeResource, staging: DuckDBResource
) -> MaterializeResult:
    """The chat lines of one day of one group (real names: kept in the private staging database)."""
    settings, keys = home.settings(), day_keys(context)
    exports = {group: staged_exports(home.home, group) for group, _ in keys}
    decisions: dict[str, str] = {}

    def signature(group: str, day: date) -> str:
        shas = [record.sha256 for _, record in covering(exports[group], day)]
        return fingerprint(CODE_VERSION, shas, settings.group(group).day_first)

    def compute(group: str, day: date) -> tuple[str, dict]:
        tables = []
        for path, record in covering(exports[group], day):
            parsed, by_day = load_staged(str(path), settings.group(group).day_first)
            decisions[record.sha256[:12]] = f"{'day' if parsed.chat.day_first else 'month'} first: {parsed.chat.day_first_evidence}"
            if day in by_day:
                tables.append(by_day[day])
        merged = union_messages(tables) if tables else PARSED_SCHEMA.empty_table()
        replace_slice(conn, "raw_messages", group, day, _rows(group, day, merged))
        return day_hash(merged), {"messages": merged.num_rows}

    with staging.get_connection() as conn:
        ensure_schema(conn, STAGING_DDL)
        tally = run_slices(conn, "raw_exports", keys, signature, compute, progress(context, len(keys)))
    return result(
        tally,
        exports=sum(len(v) for v in exports.values()),
        day_month_order=MetadataValue.json(decisions),
    )


def _rows(group: str, day: date, messages: pa.Table) -> pa.Table:
    n = messages.num_rows
    return messages.append_column("group", pa.array([group] * n, pa.string())).append_column(
        "date", pa.array([day] * n, pa.date32())
    ).append_column("pos", pa.array(range(n), pa.int64()))
