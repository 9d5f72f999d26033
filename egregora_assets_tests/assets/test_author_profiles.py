import re

import duckdb
from dagster import AssetSelection, materialize
from pydantic import SecretStr

from egregora_assets.core.settings import LLMSettings, load_settings
from egregora_assets.core.tables import group_profiles
from egregora_assets.core.warehouse import connect, duckdb_url
from egregora_assets.definitions import CHAIN, CHECKS
from egregora_assets.demo import DEMO_REAL_NAMES
from egregora_assets.resources import build_resources

from .conftest import DAY


def profiles(world):
    with connect(duckdb_url(world.home.warehouse), read_only=True) as db:
        return group_profiles(db, world.group)


def run(world, resources):
    """Materialize author_profiles with its check; (materialization metadata, check evaluation)."""
    result = materialize(
        [*CHAIN, *CHECKS],
        selection=AssetSelection.assets("author_profiles"),
        instance=world.instance,
        resources=resources,
        partition_key=world.group,
        raise_on_error=False,
    )
    (check,) = result.get_asset_check_evaluations()
    events = result.get_asset_materialization_events()
    return (events[0].materialization.metadata if events else None), check


def test_every_pseudonym_of_the_day_gets_a_profile_offline(world):
    metadata = world.run("author_profiles").metadata
    authors = world.count(world.home.warehouse, "SELECT count(DISTINCT author) FROM messages WHERE author IS NOT NULL")
    assert metadata["authors"].value == authors > 1
    assert metadata["portraits_written"].value == 0 and metadata["llm_requests"].value == 0
    found = profiles(world)
    assert len(found) == authors and all(p.portrait is None for p in found)
    assert all(set(p.activity) == {DAY} and p.messages == p.activity[DAY] for p in found)
    shown = metadata["preview"].value
    assert all(f"**{p.author}**" in shown for p in found[:5])
    for name in DEMO_REAL_NAMES:
        assert not re.search(re.escape(name), shown + str(found), re.IGNORECASE), name
    assert world.run("author_profiles").metadata["partitions_computed"].value == 0


def test_portraits_are_written_once_then_only_for_whose_words_changed(world, fake_llm):
    settings = load_settings(world.home.root).model_copy(
        update={"llm": LLMSettings(base_url=fake_llm.url, api_key=SecretStr("sk-test"), model="golden-model")}
    )
    resources = build_resources(settings)
    first, check = run(world, resources)
    authors = first["authors"].value
    assert check.passed and first["portraits_written"].value == authors == fake_llm.count("portrait")
    assert first["llm_requests"].value == authors
    written = {p.author: p.portrait for p in profiles(world)}
    assert all(written.values())

    again, check = run(world, resources)
    assert again["partitions_computed"].value == 0 and again["llm_requests"].value == 0
    assert fake_llm.count("portrait") == authors

    # One person's message is edited: their portrait is written again, nobody else's.
    with duckdb.connect(str(world.home.warehouse)) as conn:
        (who, message) = conn.execute(
            "SELECT author, max(id) FROM messages WHERE kind = 'text' AND author IS NOT NULL "
            "GROUP BY author ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()
        conn.execute("UPDATE messages SET text = text || ' (editado)' WHERE id = ?", [message])
        conn.execute(
            "UPDATE journal SET output_hash = 'edited' WHERE asset = 'anonymized_messages' AND date = ?", [DAY]
        )
    changed, check = run(world, resources)
    assert check.passed and changed["partitions_computed"].value == 1
    assert changed["portraits_written"].value == 1 and changed["llm_requests"].value == 1
    (request,) = fake_llm.requests[-1:]
    assert f"Pseudonym: {who}".encode() in request
    assert {p.author for p in profiles(world)} == set(written)


def test_a_real_name_in_a_profile_fails_the_check_without_showing_it(world):
    world.run("author_profiles")
    with duckdb.connect(str(world.home.warehouse)) as conn:
        conn.execute("UPDATE author_profiles SET portrait = ? WHERE author = (SELECT min(author) FROM author_profiles)",
                     [f"Quem diria, {DEMO_REAL_NAMES[0]} de novo."])  # fmt: skip
    _, check = run(world, world.resources)
    assert not check.passed and check.metadata["findings"].value == 1
    assert DEMO_REAL_NAMES[0] not in check.metadata["first_findings"].value
    assert "field=portrait" in check.metadata["first_findings"].value
