"""The Dagster instance `egregora write` opens on a home: the same storage, with cheaper bookkeeping."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import yaml
from dagster import DagsterInstance, EventLogEntry

# Dagster has no supported way to store a batch of events at once on sqlite (DAGSTER_EVENT_BATCH_SIZE
# alone hands the storage a batch that the stock class stores one event at a time), so this module
# leans on its internals, and only this module: egregora_assets_tests/test_instance.py fails naming
# the one an upgrade changed, and checks the batched storage reads back as the stock one.
from dagster._core.events import ASSET_EVENTS
from dagster._core.instance.ref import InstanceRef
from dagster._core.storage.event_log.schema import SqlEventLogStorageTable
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage
from dagster._core.storage.sqlite_storage import _event_logs_directory

# A single run over N days writes N materializations per asset. Dagster hands them to the
# storage as one batch when DAGSTER_EVENT_BATCH_SIZE is set, and records a range's planned
# materializations as one event per asset (not per partition) with the second variable.
BOOKKEEPING_ENV = {
    "DAGSTER_EVENT_BATCH_SIZE": "100000",
    "DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS": "1",
}


class BatchedSqliteEventLogStorage(SqliteEventLogStorage):
    """Dagster's sqlite event log, storing a batch of asset events in one transaction per database.

    The stock class opens, writes and commits each event twice (the run's database, then the
    index); 730 per-partition materializations took 10 CPU-s and 34 s here, batched 1.2 and 2.3."""

    @classmethod
    def from_config_value(cls, inst_data, config_value):
        return cls(inst_data=inst_data, **config_value)

    def store_event_batch(self, events: Sequence[EventLogEntry]) -> None:
        assets = [e for e in events if e.dagster_event_type in ASSET_EVENTS and e.get_dagster_event().asset_key]
        rows = [self._event_to_row(e) for e in assets]  # serialized once, stored twice
        runs: dict[str, list[dict]] = {}
        for event, row in zip(assets, rows):
            runs.setdefault(event.run_id, []).append(row)
        for run_id, batch in runs.items():
            with self.run_connection(run_id) as conn:
                conn.execute(SqlEventLogStorageTable.insert(), batch)
        with self.index_transaction() as conn:  # what store_event mirrors into the index, for all at once
            insert = SqlEventLogStorageTable.insert().returning(
                SqlEventLogStorageTable.c.id, sort_by_parameter_order=True
            )
            ids = [row.id for row in conn.execute(insert, rows)] if rows else []
            self._store_asset_event_tags(conn, assets, ids)
            # Each event overwrites its asset's summary row with what its type records: the last
            # event of each (asset, type), applied in order, leaves the row as all of them would.
            last = {(e.get_dagster_event().asset_key, e.dagster_event_type): i for i, e in enumerate(assets)}
            for i in sorted(last.values()):
                self._store_asset_event(conn, assets[i], ids[i])
        for event in events:
            if not any(event is a for a in assets):  # check events and the like: the stock path
                self.store_event(event)


def write_instance(dagster_home: Path) -> DagsterInstance:
    """The home's instance (its dagster.yaml, its storage) as `egregora write` runs it.

    On sqlite storage (the default) events are batched as above; step output is never captured:
    the assets log through Dagster's logger, and capturing spawned `tail -F` processes per step.
    A dagster.yaml naming other storage (Postgres, say) keeps its event log as it is."""
    os.environ.update(BOOKKEEPING_ENV)
    overrides: dict = {
        "compute_logs": {"module": "dagster._core.storage.noop_compute_log_manager", "class": "NoOpComputeLogManager"}
    }
    storage = InstanceRef.from_dir(str(dagster_home)).storage_data
    if storage is not None and storage.class_name == "DagsterSqliteStorage":
        events = _event_logs_directory(yaml.safe_load(storage.config_yaml)["base_dir"])
        overrides["event_log_storage"] = {
            "module": __name__,
            "class": BatchedSqliteEventLogStorage.__name__,
            "config": {"base_dir": events},
        }
    return DagsterInstance.from_ref(InstanceRef.from_dir(str(dagster_home), overrides=overrides))
