"""windows: each day's messages packed into windows under the writer's token budget."""


from datetime import date

import pyarrow as pa
from dagster import AssetExecutionContext, MaterializeResult, asset
from dagster_duckdb import DuckDBResource

from ..core.journal import (
    WAREHOUSE_DDL,
    day_messages,
    ensure_schema,
    fingerprint,
    replace_slice,
    run_slices,
    upstream_hash,
)
from ..core.windows import message_bytes, pack_windows
from ..partitions import day_by_group, single_run
from ..resources import HomeResource
from .anonymized_messages import anonymized_messages
from .common import day_keys, progress, result

CODE_VERSION = "windows-1"


@asset(
    partitions_def=day_by_group, backfill_policy=single_run, code_version=CODE_VERSION,
    deps=[anonymized_messages], group_name="write", kinds={"duckdb"},
)
def windows(context: AssetExecutionContext, home: HomeResource, warehouse: DuckDBResource) -> MaterializeResult:
    """Runs of a day's messages, each small enough for the writer, with reply context."""
    tokens, keys = home.settings().window_tokens, day_keys(context)

    def signature(group: str, day: date) -> str:
        return fingerprint(CODE_VERSION, upstream_hash(conn, "anonymized_messages", group, day), tokens)

    def compute(group: str, day: date) -> tuple[str, dict]:
        packed = pack_windows(day_messages(conn, group, day), group=group, day=day, max_tokens=tokens)
        rows = pa.Table.from_pylist([
            {"id": w.id, "group": group, "date": day, "idx": w.index, "n_messages": len(w.messages),
             "bytes": sum(message_bytes(m) for m in w.messages), "payload": w.model_dump_json()}
            for w in packed
        ], schema=_SCHEMA)
        replace_slice(conn, "windows", group, day, rows)
        return fingerprint(rows["payload"].to_pylist()), {"windows": len(packed)}

    with warehouse.get_connection() as conn:
        ensure_schema(conn, WAREHOUSE_DDL)
        tally = run_slices(conn, "windows", keys, signature, compute, progress(context, len(keys)))
    return result(tally, token_budget=tokens)


_SCHEMA = pa.schema([
    ("id", pa.string()), ("group", pa.string()), ("date", pa.date32()), ("idx", pa.int32()),
    ("n_messages", pa.int32()), ("bytes", pa.int32()), ("payload", pa.string()),
])
