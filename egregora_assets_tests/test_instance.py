"""The instance `egregora write` opens leans on Dagster internals (instance.py): an upgrade that changes
them fails here, naming what changed, and the batched event log must read back as the stock one."""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

import dagster
from dagster import (
    AssetKey,
    BackfillPolicy,
    DagsterInstance,
    DailyPartitionsDefinition,
    DataVersion,
    MaterializeResult,
    asset,
    materialize,
)

INSTANCE_PY = Path(__file__).resolve().parents[1] / "egregora_assets" / "instance.py"
UPGRADE = (
    f"Dagster {dagster.__version__} changed an internal that egregora_assets/instance.py relies on"
    " (BatchedSqliteEventLogStorage, write_instance): adapt it, or drop the batching and let"
    " write_instance keep the stock event log storage"
)
# What the subclass overrides or calls on SqliteEventLogStorage, with the parameters it passes.
CALLED = {
    "__init__": ["self", "base_dir", "inst_data"],  # from_config_value passes the config as keywords
    "store_event": ["self", "event"],
    "store_event_batch": ["self", "events"],  # what Dagster calls with DAGSTER_EVENT_BATCH_SIZE set
    "_event_to_row": ["self", "event"],
    "run_connection": ["self", "run_id"],
    "index_transaction": ["self"],
    "_store_asset_event_tags": ["self", "conn", "events", "event_ids"],
    "_store_asset_event": ["self", "conn", "event", "event_id"],
}
DAYS = DailyPartitionsDefinition(start_date="2024-01-01", end_date="2024-01-08")  # a run covers 5 of its 7 days
RANGE = {"dagster/asset_partition_range_start": "2024-01-01", "dagster/asset_partition_range_end": "2024-01-05"}


@asset(partitions_def=DAYS, backfill_policy=BackfillPolicy.single_run(), code_version="1")
def probe(context) -> MaterializeResult:
    return MaterializeResult(metadata={"days": len(context.partition_keys)}, data_version=DataVersion("v1"))


def private_imports() -> list[tuple[str, str]]:
    """(module, name) of each `from dagster._... import name` in instance.py."""
    return [
        (node.module, alias.name)
        for node in ast.walk(ast.parse(INSTANCE_PY.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("dagster._")
        for alias in node.names
    ]


def test_the_private_names_instance_py_imports_still_exist():
    missing = []
    for module, name in private_imports():
        try:
            getattr(importlib.import_module(module), name)
        except (ImportError, AttributeError):
            missing.append(f"{module}.{name}")
    assert private_imports() and not missing, f"{UPGRADE}: gone: {missing}"


def test_the_methods_the_batched_event_log_overrides_and_calls_keep_their_parameters():
    from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

    changed = {}
    for name, expected in CALLED.items():
        method = getattr(SqliteEventLogStorage, name, None)
        found = list(inspect.signature(method).parameters) if callable(method) else None
        if found != expected:
            changed[name] = f"{expected} -> {found}"
    assert not changed, f"{UPGRADE}: SqliteEventLogStorage changed: {changed}"


def test_the_event_log_table_returns_ids_and_the_sqlite_storage_keeps_its_folders(tmp_path):
    from dagster._core.instance.ref import InstanceRef
    from dagster._core.storage.event_log.schema import SqlEventLogStorageTable
    from dagster._core.storage.sqlite_storage import _event_logs_directory

    assert "id" in SqlEventLogStorageTable.c, f"{UPGRADE}: the event log table has no id column"
    storage = InstanceRef.from_dir(str(tmp_path)).storage_data  # no dagster.yaml: the default storage
    assert storage is not None and storage.class_name == "DagsterSqliteStorage", f"{UPGRADE}: {storage}"
    with DagsterInstance.from_ref(InstanceRef.from_dir(str(tmp_path))) as stock:
        base_dir = stock.event_log_storage._base_dir  # type: ignore[attr-defined]
    assert Path(base_dir) == Path(_event_logs_directory(str(tmp_path))), f"{UPGRADE}: event logs moved"


def facts(instance: DagsterInstance, run_id: str) -> dict:
    """What Dagster reads back of the probe's single run: partitions, records, tags, versions."""
    key = AssetKey("probe")
    latest = instance.get_latest_data_version_record(key, partition_key="2024-01-03")
    (record,) = instance.get_asset_records([key])
    return {
        "keys": instance.get_asset_keys(),
        "partitions": sorted(instance.get_materialized_partitions(key)),
        "records": sorted(r.partition_key for r in instance.fetch_materializations(key, limit=100).records),
        "planned_by_the_run": getattr(instance.get_latest_planned_materialization_info(key), "run_id", "") == run_id,
        "latest": record.asset_entry.last_materialization.dagster_event.partition,
        "tags": sorted(tuple(sorted(t.items())) for t in instance.get_event_tags_for_asset(key)),
        "version": latest.event_log_entry.asset_materialization.tags if latest else None,
    }


def test_a_batched_single_run_reads_back_as_the_stock_storage_stores_it(tmp_path, monkeypatch):
    from dagster._core.instance.ref import InstanceRef

    from egregora_assets.instance import BOOKKEEPING_ENV, BatchedSqliteEventLogStorage, write_instance

    for name, value in BOOKKEEPING_ENV.items():  # both instances batch; restored after the test
        monkeypatch.setenv(name, value)
    batches: list[int] = []
    store = BatchedSqliteEventLogStorage.store_event_batch

    def counted(self, events) -> None:
        batches.append(len(events))
        store(self, events)

    monkeypatch.setattr(BatchedSqliteEventLogStorage, "store_event_batch", counted)
    (tmp_path / "stock").mkdir()
    (tmp_path / "batched").mkdir()
    stock = DagsterInstance.from_ref(InstanceRef.from_dir(str(tmp_path / "stock")))
    batched = write_instance(tmp_path / "batched")
    assert isinstance(batched.event_log_storage, BatchedSqliteEventLogStorage)
    assert type(stock.event_log_storage) is not BatchedSqliteEventLogStorage
    runs = {}
    for instance in (stock, batched):
        result = materialize([probe], instance=instance, tags=RANGE)
        assert result.success
        runs[instance] = result.run_id
    assert max(batches, default=0) >= 5, f"{UPGRADE}: Dagster no longer hands the storage a batch ({batches})"
    read = facts(batched, runs[batched])
    assert read == facts(stock, runs[stock])
    assert read["partitions"] == DAYS.get_partition_keys()[:5] and read["planned_by_the_run"]
