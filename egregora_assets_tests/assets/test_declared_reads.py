"""An asset reads only what its definition declares: a read of an undeclared upstream's table fails
the step, naming the table, instead of going unnoticed (and unjournaled)."""

from dagster import AssetExecutionContext, AssetSelection, MaterializeResult, materialize

from egregora_assets.assets.anonymized_messages import anonymized_messages
from egregora_assets.assets.common import each_partition
from egregora_assets.assets.transcripts import transcripts
from egregora_assets.assets.windows import windows
from egregora_assets.core.tables import day_messages, day_windows
from egregora_assets.definitions import CHAIN
from egregora_assets.partitions import daily_asset
from egregora_assets.resources import WarehouseResource

ASSET = "enrichments"  # the world is built up to the windows


def reader(name: str, deps: list):
    @daily_asset(name=name, deps=deps, code_version="test-1")
    def counts(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
        def compute(db, group, day):
            found = len(day_windows(db, group, day)) + len(day_messages(db, group, day))
            return str(found), {"found": found}

        return each_partition(context, warehouse, compute)

    return counts


def run(world, asset):
    return materialize(
        [*CHAIN, asset],
        selection=AssetSelection.assets(asset.key),
        instance=world.instance,
        resources=world.resources,
        partition_key=world.key("windows"),
        raise_on_error=False,
    )


def test_reading_an_undeclared_upstream_fails_the_step(world):
    result = run(world, reader("reads_messages_undeclared", [windows]))
    assert not result.success
    (failure,) = result.get_step_failure_events()
    message = failure.step_failure_data.error.message
    assert "reads_messages_undeclared reads the table messages, which no asset it declares writes" in message


def test_the_same_read_declared_runs(world):
    # A day's messages come with their voice notes' transcripts: both are declared.
    result = run(world, reader("reads_messages_declared", [windows, anonymized_messages, transcripts]))
    assert result.success
    (event,) = result.get_asset_materialization_events()
    assert event.materialization.metadata["found"].value > 0
