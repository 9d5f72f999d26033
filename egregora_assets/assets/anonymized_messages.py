"""anonymized_messages: one row per message, pseudonymous, with PII replaced; the privacy audit."""

from datetime import date

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetExecutionContext,
    MaterializeResult,
    asset_check,
)

from ..core.anonymized_messages.anonymize import anonymize, opt_outs, without_authors
from ..core.anonymized_messages.media import publish_day_media
from ..core.anonymized_messages.people import audit, group_privacy
from ..core.anonymized_messages.pseudonyms import GroupPrivacy, without
from ..core.journal import table_hash
from ..core.tables import (
    command_lines,
    day_raw_messages,
    group_messages,
    groups_in,
)
from ..partitions import daily_asset
from ..resources import ChainSettings, HomeResource, WarehouseResource
from .common import each_partition
from .raw_exports import raw_exports

CODE_VERSION = "anon-4"


@daily_asset(
    code_version=CODE_VERSION,
    deps=[raw_exports],
    group_name="ingest",
    kinds={"duckdb"},
)
def anonymized_messages(
    context: AssetExecutionContext,
    home: HomeResource,
    settings: ChainSettings,
    staging: WarehouseResource,
    warehouse: WarehouseResource,
) -> MaterializeResult:
    """Messages with pseudonymous authors and PII replaced; opted-out authors' messages removed."""
    privacy: dict[str, tuple[GroupPrivacy, set[str]]] = {}

    with staging.get_connection(on_wait=context.log.info) as raw:

        def of(group: str) -> tuple[GroupPrivacy, set[str]]:
            if group not in privacy:  # the whole history decides who opted out (last command wins)
                state = group_privacy(raw, home.paths, group)
                privacy[group] = state, opt_outs(command_lines(raw, group), settings.opt_out, roster=state.roster)
            return privacy[group]

        def identity(group: str, _) -> tuple:  # who is who, and who opted out
            state, gone = of(group)
            people = state.roster.pseudonyms
            return sorted(people.values()), sorted(people.get(n, n) for n in gone)

        def compute(db, group: str, day: date) -> tuple[str, dict, dict]:
            state, gone = of(group)
            messages = day_raw_messages(raw, group, day)
            kept = without_authors(messages, gone)
            rows = anonymize(kept, group=group, roster=without(state.roster, gone), secret=state.secret)
            media = publish_day_media(home.paths, group, day, messages, state.secret)
            return (
                table_hash(rows),
                {
                    "messages": rows.num_rows,
                    "media_published": media,
                    "opted_out_removed": messages.num_rows - kept.num_rows,
                },
                {"messages": rows},
            )

        return each_partition(
            context,
            warehouse,
            compute,
            identity=identity,
            upstream_db=raw,
            after=lambda _: {"participants": sum(len(s.roster.pseudonyms) for s, _ in privacy.values())},
        )


@asset_check(asset=anonymized_messages, blocking=True)
def no_real_identities(
    context: AssetCheckExecutionContext,
    home: HomeResource,
    staging: WarehouseResource,
    warehouse: WarehouseResource,
) -> AssetCheckResult:
    """No participant's real name, phone number or e-mail is left in any stored message."""
    with staging.get_connection() as raw, warehouse.get_connection() as db:
        stored = groups_in(db, "messages") if db.has_table("messages") else []
        fields = (
            (group, [(f"message:{r[0]}", n, v or "") for r in group_messages(db, group) for n, v in zip(FIELDS, r[1:])])
            for group in stored
        )
        return audit_result(*audit(raw, home.paths, fields))


FIELDS = ("author", "text", "attachment")


def audit_result(findings: list[str], checked: int) -> AssetCheckResult:
    """A privacy audit's outcome as a check result: counts and the first findings, never a value."""
    return AssetCheckResult(
        passed=not findings,
        metadata={"fields_checked": checked, "findings": len(findings), "first_findings": "\n".join(findings[:20])},
    )
