"""windows: each day's messages packed into windows under the writer's token budget."""

from datetime import date

from dagster import AssetExecutionContext, MaterializeResult

from ..core.journal import fingerprint
from ..core.tables import day_messages_sized, messages_by_ref, windows_table
from ..core.windows import message_bytes, missing_replies, pack_windows, with_replies
from ..partitions import daily_asset
from ..resources import ChainSettings, WarehouseResource
from .anonymized_messages import anonymized_messages
from .common import each_partition
from .transcripts import transcripts

CODE_VERSION = "windows-5"  # the messages replied to, and voice notes' transcripts, in the messages


@daily_asset(
    code_version=CODE_VERSION,
    deps=[anonymized_messages, transcripts],
    group_name="write",
    kinds={"duckdb"},
)
def windows(context: AssetExecutionContext, settings: ChainSettings, warehouse: WarehouseResource) -> MaterializeResult:
    """Runs of a day's messages, each small enough for the writer, with reply context."""
    tokens = settings.window_tokens

    def compute(db, group: str, day: date) -> tuple[str, dict, dict]:
        sized = day_messages_sized(db, group, day)
        messages, through = [m for m, _ in sized], [n for _, n in sized]
        packed = pack_windows(messages, group=group, day=day, max_tokens=tokens, through=through)
        packed = with_replies(packed, messages_by_ref(db, group, missing_replies(packed)))
        rows = windows_table(packed, message_bytes)
        return fingerprint(rows["payload"].to_pylist()), {"windows": len(packed)}, {"windows": rows}

    return each_partition(context, warehouse, compute, identity=tokens, token_budget=tokens)
