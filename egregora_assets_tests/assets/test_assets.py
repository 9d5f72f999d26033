"""Each asset materialized on its own, in-process, on a temporary home: one link at a time."""

from __future__ import annotations

from pathlib import Path

import duckdb
import lancedb
import pytest
from dagster import DagsterInstance, materialize

from egregora_assets.core.home import Home
from egregora_assets.core.raw_exports.staging import stage_export
from egregora_assets.core.settings import load_settings
from egregora_assets.definitions import CHAIN, CHECKS
from egregora_assets.demo import DEMO_EXPORT
from egregora_assets.resources import build_resources

DAY = "2026-09-06"  # a busy day of the demo, with photos


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    settings = load_settings(home)
    staged = stage_export(DEMO_EXPORT, Home(home), timezone="America/Sao_Paulo")
    instance = DagsterInstance.ephemeral()
    instance.add_dynamic_partitions("groups", [staged.group])
    return Home(home), staged.group, instance, build_resources(settings)


def run(world, asset, key, checks=()):
    home, group, instance, resources = world
    result = materialize([asset, *checks], instance=instance, resources=resources, partition_key=key)
    assert result.success
    (event,) = result.get_asset_materialization_events()
    return event.materialization


def count(path: Path, sql: str, *args) -> int:
    with duckdb.connect(str(path), read_only=True) as conn:
        return conn.execute(sql, list(args)).fetchone()[0]


def test_each_link_of_the_chain(world):
    home, group, _, _ = world
    key = f"{DAY}|{group}"
    by_name = {a.key.to_user_string(): a for a in CHAIN}

    raw = run(world, by_name["raw_exports"], key)
    assert raw.metadata["partitions_computed"].value == 1
    assert count(home.staging, "SELECT count(*) FROM raw_messages WHERE date = ?", DAY) > 25

    anon = run(world, by_name["anonymized_messages"], key, [CHECKS[0]])
    stored = count(home.warehouse, "SELECT count(*) FROM messages WHERE date = ?", DAY)
    assert stored == anon.metadata["messages"].value > 25
    assert anon.tags.get("dagster/data_version")  # one partition: its content hash
    assert list((home.root / "media" / group).glob("media-*.jpg"))  # photos published, renamed

    run(world, by_name["windows"], key)
    assert count(home.warehouse, "SELECT count(*) FROM windows WHERE date = ?", DAY) >= 1

    enrich = run(world, by_name["enrichments"], key)
    assert enrich.metadata["media"].value >= 1
    assert count(home.warehouse, "SELECT count(*) FROM enrichments WHERE kind = 'media' AND width > 0") >= 1

    run(world, by_name["embeddings"], key)
    table = lancedb.connect(str(home.lancedb)).open_table("vectors")
    assert table.count_rows(f"date = '{DAY}' AND kind = 'window'") >= 1

    posts = run(world, by_name["posts"], key)
    assert posts.metadata["posts"].value >= 1
    assert count(home.warehouse, "SELECT count(*) FROM documents WHERE date = ?", DAY) == posts.metadata["posts"].value
    table = lancedb.connect(str(home.lancedb)).open_table("vectors")  # the latest version
    assert table.count_rows(f"date = '{DAY}' AND kind = 'post'") == posts.metadata["posts"].value

    feed = run(world, by_name["atom_feed"], group, [CHECKS[1]])
    assert feed.metadata["entries"].value == posts.metadata["posts"].value
    assert home.feed(group).read_bytes().startswith(b"<?xml")

    run(world, by_name["mkdocs_site"], group)
    assert (home.site_html(group) / "index.html").is_file()

    # Re-materializing an unchanged partition does no work.
    again = run(world, by_name["anonymized_messages"], key)
    assert (again.metadata["partitions_computed"].value, again.metadata["partitions_skipped"].value) == (0, 1)
