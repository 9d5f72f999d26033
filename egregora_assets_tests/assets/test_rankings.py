"""rankings: every post rated from stored comparisons; the feed's top N and the "best of" page follow it."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urljoin

import duckdb
import feedparser
import lxml.html
import pytest
from dagster import AssetSelection, materialize

from egregora_assets.core.rankings import HEURISTIC, rank_key, schedule
from egregora_assets.core.settings import load_settings
from egregora_assets.core.site_text import text as text_of
from egregora_assets.core.tables import group_posts, group_ratings
from egregora_assets.core.warehouse import connect, duckdb_url
from egregora_assets.definitions import CHAIN, CHECKS
from egregora_assets.partitions import key_of
from egregora_assets.resources import build_resources

FIRST, LAST = "2026-09-01", "2026-09-14"  # two weeks of the demo: posts enough to compare


@pytest.fixture(scope="module")
def ranked(world):
    """The world with two weeks of posts, then ranked once."""
    result = materialize(
        [*CHAIN, *CHECKS],
        selection=AssetSelection.groups("ingest", "write"),
        instance=world.instance,
        resources=world.resources,
        tags={
            "dagster/asset_partition_range_start": key_of(FIRST, world.group),
            "dagster/asset_partition_range_end": key_of(LAST, world.group),
        },
    )
    assert result.success
    return world, world.run("rankings")


def stored(world):
    with connect(duckdb_url(world.home.warehouse), read_only=True) as db:
        return group_posts(db, world.group), group_ratings(db, world.group)


def test_every_post_is_rated_from_its_scheduled_comparisons(ranked):
    world, event = ranked
    docs, ratings = stored(world)
    assert len(docs) >= 5
    assert sorted(r.post_id for r in ratings) == sorted(d.id for d in docs)
    assert [r.rank for r in ratings] == list(range(1, len(docs) + 1))
    assert {r.judge for r in ratings} == {HEURISTIC} and event.metadata["judge"].value == HEURISTIC
    pairs = len(schedule((d.id for d in docs), keys={d.id: rank_key(d) for d in docs}))
    assert event.metadata["comparisons"].value == event.metadata["comparisons_judged"].value == pairs
    assert world.count(world.home.warehouse, "SELECT count(*) FROM comparisons") == pairs
    assert world.count(world.home.warehouse, "SELECT count(*) FROM comparisons WHERE date IS NOT NULL") == 0
    best = next(d for d in docs if d.id == ratings[0].post_id)
    top = event.metadata["top"].value
    assert top.splitlines()[2].startswith(f"1. **{best.title}** · {best.date}")
    assert event.metadata["llm_requests"].value == 0
    assert event.metadata["comparisons_per_post"].value == round(pairs / len(docs), 2)
    assert event.metadata["judged_per_new_post"].value == round(pairs / len(docs), 2)  # every post is new


def test_ranking_again_reuses_every_comparison(ranked):
    world, _ = ranked
    _, before = stored(world)
    assert world.run("rankings").metadata["partitions_computed"].value == 0
    with duckdb.connect(str(world.home.warehouse)) as conn:  # forget the journal: the asset must recompute
        conn.execute("DELETE FROM journal WHERE asset = 'rankings'")
    again = world.run("rankings")
    assert again.metadata["partitions_computed"].value == 1
    assert again.metadata["comparisons_judged"].value == 0 and again.metadata["comparisons"].value > 0
    assert again.metadata["posts_new"].value == again.metadata["judged_per_new_post"].value == 0
    assert stored(world)[1] == before


def test_the_feed_holds_the_top_n_posts_when_told_and_every_post_by_default(ranked):
    world, _ = ranked
    docs, ratings = stored(world)
    top = replace(world, resources=build_resources(load_settings(world.home.root).model_copy(update={"feed_top": 3})))
    top.run("atom_feed")
    entries = feedparser.parse(world.home.feed(world.group).read_bytes()).entries
    assert sorted(e.id for e in entries) == sorted(r.post_id for r in ratings[:3])
    world.run("atom_feed")
    assert len(feedparser.parse(world.home.feed(world.group).read_bytes()).entries) == len(docs)


def test_the_best_of_page_lists_the_best_posts_in_order_and_its_links_open_them(ranked):
    world, _ = ranked
    docs, ratings = stored(world)
    world.run("atom_feed")  # the site serves it (and this test may run alone)
    world.run("mkdocs_site")
    html = world.home.site_html(world.group)
    page = html / "best" / "index.html"
    text = page.read_text(encoding="utf-8")
    assert 'href="best/"' in (html / "index.html").read_text(encoding="utf-8")  # in the nav
    assert "<h1" in text and text_of("best_of_title", "pt") in text  # the demo chat is Portuguese
    items = lxml.html.fromstring(text).xpath("//article//ol/li")
    links = [(li.xpath(".//a/@href")[0], li.xpath(".//a")[0].text_content()) for li in items]
    titles = {d.id: d.title for d in docs}
    assert [title for _, title in links] == [titles[r.post_id] for r in ratings[: len(links)]]
    assert len(links) == len(docs)
    for href, _ in links:
        target = urljoin(page.as_uri(), href).removeprefix(html.as_uri() + "/")
        assert (html / target / "index.html").is_file(), href
