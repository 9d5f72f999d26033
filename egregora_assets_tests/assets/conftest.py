"""A home with the demo's busiest day materialized up to (not including) the asset under test."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from dagster import AssetSelection, DagsterInstance, materialize

from egregora_assets.core.home import Home
from egregora_assets.core.raw_exports.staging import covered_days, every_staged, stage_export
from egregora_assets.core.settings import load_settings
from egregora_assets.definitions import CHAIN, CHECKS
from egregora_assets.demo import DEMO_EXPORT
from egregora_assets.partitions import register
from egregora_assets.resources import build_resources

DAY = "2026-09-06"  # a busy day of the demo, with photos and links
NAMES = [a.key.to_user_string() for a in CHAIN]


@dataclass
class World:
    home: Home
    group: str
    instance: DagsterInstance
    resources: dict

    def key(self, name: str) -> str:
        return self.group if name in ("rankings", "atom_feed", "mkdocs_site") else f"{DAY}|{self.group}"

    def run(self, name: str):
        """Materialize one asset (and its checks) on its one partition; its materialization."""
        result = materialize(
            [*CHAIN, *CHECKS],
            selection=AssetSelection.assets(name),
            instance=self.instance,
            resources=self.resources,
            partition_key=self.key(name),
        )
        assert result.success
        (event,) = result.get_asset_materialization_events()
        return event.materialization

    def count(self, path: Path, sql: str, *args) -> int:
        with duckdb.connect(str(path), read_only=True) as conn:
            return conn.execute(sql, list(args)).fetchone()[0]


@pytest.fixture(scope="module")
def world(request, tmp_path_factory) -> World:
    """The asset under test is named by the test module (test_<asset>.py); its upstream is built."""
    name = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
    root = tmp_path_factory.mktemp("home")
    staged = stage_export(DEMO_EXPORT, Home(root), timezone="America/Sao_Paulo")
    instance = DagsterInstance.ephemeral()
    register(instance, [staged.group], covered_days(every_staged(Home(root))))
    world = World(Home(root), staged.group, instance, build_resources(load_settings(root)))
    for upstream in NAMES[: NAMES.index(name)]:
        world.run(upstream)
    return world
