"""The analysis exports: each group's posts and messages as files other tools open, beside the feed."""

import hashlib
from collections.abc import Callable, Sequence

import pyarrow as pa
from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from ..core.home import write_atomic
from ..core.sinks import CSV_FILE, PARQUET_FILE, csv_bytes, parquet_bytes, sqlite_bytes, sqlite_file
from ..core.tables import group_rows
from ..partitions import after_new_posts, groups
from ..resources import HomeResource, WarehouseResource
from .anonymized_messages import anonymized_messages
from .common import each_partition
from .posts import posts

CODE_VERSION = "sinks-2"


def _sink(**kwargs):
    """`@asset` for one analysis file per group, refreshed when the group's posts change."""
    return asset(
        partitions_def=groups,
        code_version=CODE_VERSION,
        group_name="publish",
        automation_condition=after_new_posts,
        **kwargs,
    )


def _export(
    context: AssetExecutionContext,
    home: HomeResource,
    warehouse: WarehouseResource,
    name: Callable[[str], str],
    tables: Sequence[str],
    encode: Callable[[dict[str, pa.Table]], bytes],
) -> MaterializeResult:
    """Write `encode` of each group's rows of `tables` to `<home>/analysis/<group>/<name(group)>`,
    whole (a temporary file, then a rename), only when the tables' upstream assets changed."""

    def path(group: str):
        return home.paths.analysis / group / name(group)

    def compute(db, group: str, _) -> tuple[str, dict]:
        found = {t: group_rows(db, t, group) for t in tables}
        data = encode(found)
        write_atomic(path(group), data)
        rows = {f"{t}_rows": r.num_rows for t, r in found.items()}
        return hashlib.sha256(data).hexdigest()[:24], {**rows, "file_bytes": len(data)}

    def files(_) -> dict:
        written = [path(g) for g in context.partition_keys if path(g).is_file()]
        return {"files": MetadataValue.json({str(p): p.stat().st_size for p in written})}

    return each_partition(
        context,
        warehouse,
        compute,
        identity=lambda group, _: name(group),
        missing=lambda g, _: not path(g).is_file(),
        after=files,
    )


@_sink(deps=[posts], kinds={"parquet"})
def documents_parquet(
    context: AssetExecutionContext, home: HomeResource, warehouse: WarehouseResource
) -> MaterializeResult:
    """The group's posts (its rows of the `documents` table) as `analysis/<group>/documents.parquet`."""
    return _export(
        context, home, warehouse, lambda _: PARQUET_FILE, ["documents"], lambda t: parquet_bytes(t["documents"])
    )


@_sink(deps=[posts], kinds={"csv"})
def documents_csv(
    context: AssetExecutionContext, home: HomeResource, warehouse: WarehouseResource
) -> MaterializeResult:
    """The group's posts as `analysis/<group>/documents.csv` (lists as JSON, times as ISO 8601)."""
    return _export(context, home, warehouse, lambda _: CSV_FILE, ["documents"], lambda t: csv_bytes(t["documents"]))


@_sink(deps=[anonymized_messages, posts], kinds={"sqlite"})
def archive_sqlite(
    context: AssetExecutionContext, home: HomeResource, warehouse: WarehouseResource
) -> MaterializeResult:
    """The group's posts and pseudonymized messages as tables `documents` and `messages` of
    `analysis/<group>/<group>.sqlite`."""
    return _export(context, home, warehouse, sqlite_file, ["documents", "messages"], sqlite_bytes)
