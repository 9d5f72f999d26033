"""anonymized_messages: one row per message, pseudonymous, with PII replaced; the privacy audit."""

from collections.abc import Callable
from datetime import date

from dagster import (
    AssetCheckResult,
    AssetChecksDefinition,
    AssetExecutionContext,
    AssetsDefinition,
    MaterializeResult,
    asset_check,
)

from ..core.anonymized_messages.anonymize import Anonymizer
from ..core.anonymized_messages.audit import Fields, Scope, audit, remember_stamps, remembered_stamps
from ..core.home import Home
from ..core.journal import group_hashes, table_hash
from ..core.tables import (
    group_messages,
    groups_in,
)
from ..core.warehouse import Database
from ..partitions import daily_asset
from ..resources import ChainSettings, HomeResource, WarehouseResource
from .common import each_partition
from .raw_exports import raw_exports

CODE_VERSION = "anon-4"
ScopesOf = Callable[[Database, Home], list[Scope]]  # what a privacy check audits, read from the warehouse


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
    with staging.get_connection(on_wait=context.log.info) as raw:
        people = Anonymizer(raw, home.paths, settings.opt_out)

        def compute(db, group: str, day: date) -> tuple[str, dict, dict]:
            rows, facts = people.day(group, day)
            return table_hash(rows), facts, {"messages": rows}

        return each_partition(
            context,
            warehouse,
            compute,
            identity=people.identity,
            upstream_db=raw,
            after=lambda _: {"participants": people.participants},
        )


def message_scopes(db: Database, home: Home) -> list[Scope]:
    """Each group's stored messages, a part per day."""

    def scope(group: str) -> Scope:
        def read(days: list[str]) -> Fields:
            rows = group_messages(db, group, [date.fromisoformat(d) for d in days])
            return [(f"message:{r[0]}", n, v or "") for r in rows for n, v in zip(FIELDS, r[1:])]

        return Scope(group, journal_parts(db, "anonymized_messages", group), read)

    return [scope(g) for g in groups_in(db, "messages")]


FIELDS = ("author", "text", "attachment")


def journal_parts(db: Database, asset: str, group: str) -> dict[str, str | None]:
    """An asset's partitions of a group as audit parts: day (or "all") -> content hash."""
    return {day or "all": content for day, content in group_hashes(db, asset, group)}


def privacy_check(asset: AssetsDefinition, name: str, description: str, scopes: ScopesOf) -> AssetChecksDefinition:
    """A blocking privacy check of `asset`: an audit of what `scopes` reads, where it changed
    since the check last passed. The outcome's metadata has counts and the first findings
    (where and what kind), never a value found."""

    @asset_check(asset=asset, name=name, description=description, blocking=True)
    def check(home: HomeResource, staging: WarehouseResource, warehouse: WarehouseResource) -> AssetCheckResult:
        with staging.get_connection() as raw, warehouse.get_connection() as db:
            found = audit(raw, home.paths, name, scopes(db, home.paths), remembered_stamps(home.paths, name))
        remember_stamps(home.paths, name, found)
        return AssetCheckResult(
            passed=not found.findings,
            metadata={
                "fields_checked": found.fields_checked,
                "parts_checked": found.parts_checked,
                "parts_unchanged": found.parts_unchanged,
                "findings": len(found.findings),
                "first_findings": "\n".join(found.findings[:20]),
            },
        )

    return check


no_real_identities = privacy_check(
    anonymized_messages,
    "no_real_identities",
    "No participant's real name, phone number or e-mail is left in any stored message.",
    message_scopes,
)
