"""anonymized_messages: one row per message, pseudonymous, with PII replaced; the privacy audit."""


from datetime import date

import pyarrow as pa
import pyarrow.compute as pc
from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetExecutionContext,
    MaterializeResult,
    asset,
    asset_check,
)
from dagster_duckdb import DuckDBResource

from ..core.anonymized_messages.anonymize import anonymize, find_pii, opt_outs
from ..core.anonymized_messages.media import publish_day_media
from ..core.anonymized_messages.pseudonyms import group_roster, without
from ..core.journal import (
    WAREHOUSE_DDL,
    ensure_schema,
    fingerprint,
    replace_slice,
    run_slices,
    table_hash,
    upstream_hash,
)
from ..partitions import day_by_group, single_run
from ..resources import HomeResource
from .common import day_keys, progress, result
from .raw_exports import raw_exports

CODE_VERSION = "anon-1"


@asset(
    partitions_def=day_by_group, backfill_policy=single_run, code_version=CODE_VERSION,
    deps=[raw_exports], group_name="ingest", kinds={"duckdb"},
)
def anonymized_messages(
    context: AssetExecutionContext, home: HomeResource, staging: DuckDBResource,
    warehouse: DuckDBResource,
) -> MaterializeResult:
    """Messages with pseudonymous authors and PII replaced; opted-out authors' messages removed."""
    settings, keys = home.settings(), day_keys(context)
    with staging.get_connection() as raw, warehouse.get_connection() as conn:
        ensure_schema(conn, WAREHOUSE_DDL)
        rosters = {g: group_roster(raw, home.home, g) for g, _ in keys}
        removed = {g: opt_outs(_commands(raw, g), settings.privacy.opt_out, roster=r.roster) for g, r in rosters.items()}

        def signature(group: str, day: date) -> str:
            people = sorted(rosters[group].pseudonyms.values())
            gone = sorted(rosters[group].pseudonyms.get(n, n) for n in removed[group])
            return fingerprint(CODE_VERSION, upstream_hash(raw, "raw_exports", group, day), people, gone)

        def compute(group: str, day: date) -> tuple[str, dict]:
            messages = raw.execute(
                'SELECT timestamp, author, message, kind, attachment FROM raw_messages '
                'WHERE "group" = ? AND date = ? ORDER BY pos', [group, day]).arrow().read_all()
            kept = _without(messages, removed[group])
            roster = without(rosters[group].roster, removed[group])
            rows = anonymize(kept, group=group, roster=roster, secret=rosters[group].secret)
            media = publish_day_media(home.home, group, day, messages, rosters[group].secret)
            replace_slice(conn, "messages", group, day, rows)
            return table_hash(rows), {"messages": rows.num_rows, "opted_out_removed":
                                      messages.num_rows - kept.num_rows, "media_published": media}

        tally = run_slices(conn, "anonymized_messages", keys, signature, compute, progress(context, len(keys)))
    return result(tally, participants=sum(len(r.pseudonyms) for r in rosters.values()))


def _commands(raw, group: str) -> pa.Table:
    # Only command-looking lines matter for opt-outs; the whole history decides (last wins).
    return raw.execute(
        'SELECT timestamp, author, message, kind, attachment FROM raw_messages '
        "WHERE \"group\" = ? AND lower(message) LIKE '%/egregora%' ORDER BY date, pos", [group]).arrow().read_all()


def _without(messages: pa.Table, authors: set[str]) -> pa.Table:
    if not authors:
        return messages
    keep = pc.invert(pc.fill_null(pc.is_in(messages["author"], pa.array(sorted(authors))), False))
    return messages.filter(keep)


@asset_check(asset=anonymized_messages, blocking=True)
def no_real_identities(
    context: AssetCheckExecutionContext, home: HomeResource, staging: DuckDBResource,
    warehouse: DuckDBResource,
) -> AssetCheckResult:
    """No participant's real name, phone number or e-mail is left in any stored message."""
    findings: list[str] = []
    with staging.get_connection() as raw, warehouse.get_connection() as conn:
        ensure_schema(conn, WAREHOUSE_DDL)
        for (group,) in conn.execute('SELECT DISTINCT "group" FROM messages').fetchall():
            roster = group_roster(raw, home.home, group).roster
            rows = conn.execute(
                'SELECT id, author, text, attachment FROM messages WHERE "group" = ?', [group]).fetchall()
            fields = [(f"message:{r[0]}", name, value or "") for r in rows
                      for name, value in zip(("author", "text", "attachment"), r[1:])]
            findings += find_pii(fields, roster)
    return AssetCheckResult(
        passed=not findings,
        metadata={"findings": len(findings), "first_findings": "\n".join(findings[:20])},
    )
