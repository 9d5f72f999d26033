"""The whole chain on the bundled demo export, offline, through the real CLI entry point."""

from __future__ import annotations

import io
import json
import re
from contextlib import redirect_stdout
from pathlib import Path

import duckdb
import feedparser
import pytest
from PIL import Image

from egregora_assets.cli import main
from egregora_assets.demo import DEMO_REAL_NAMES


def run_json(*args: str) -> dict:
    """Run the CLI in-process and return its last stdout line as JSON."""
    buffer = io.StringIO()
    with redirect_stdout(buffer):
        assert main([*args, "--json"]) == 0
    return json.loads(buffer.getvalue().strip().splitlines()[-1])


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo written once, then written again unchanged."""
    home = tmp_path_factory.mktemp("home")
    first = run_json("demo", "--home", str(home))
    second = run_json("demo", "--home", str(home))
    return home, first, second


def test_first_run_writes_posts_feed_and_site(demo):
    home, first, _ = demo
    assert first["groups"] and first["partitions"] > 0
    assert first["messages"] >= 400
    assert first["posts"] >= 3
    assert first["llm_requests"] == 0
    feed = feedparser.parse(Path(first["feeds"][0]).read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert len(feed.entries) == first["posts"]
    index = Path(first["sites"][0])
    assert index.is_file()
    site = index.parent
    for entry in feed.entries:
        pages = [p for p in site.rglob("index.html") if entry.title in p.read_text(encoding="utf-8")]
        assert pages, f"no page for {entry.title!r}"
    photos = list(site.rglob("media-*.jpg"))  # the demo's photos, renamed, on the post pages
    assert photos and all(not Image.open(p).getexif() for p in photos)
    assert any(photos[0].name in p.read_text(encoding="utf-8") for p in site.rglob("index.html"))


def test_second_run_recomputes_nothing(demo):
    _, first, second = demo
    assert second["partitions"] == 0
    assert second["skipped"] == first["partitions"] + first["skipped"]
    assert second["llm_requests"] == 0
    assert (second["messages"], second["posts"]) == (first["messages"], first["posts"])


def test_no_real_identity_reaches_documents_feed_or_site(demo):
    home, first, _ = demo
    with duckdb.connect(str(home / "egregora.duckdb"), read_only=True) as conn:
        docs = json.dumps(conn.execute("SELECT * FROM documents").fetchall(), default=str)
        messages = json.dumps(conn.execute("SELECT author, text, attachment FROM messages").fetchall())
    published = [Path(first["feeds"][0]).read_text(encoding="utf-8")]
    published += [
        p.read_text(encoding="utf-8", errors="ignore")
        for p in Path(first["sites"][0]).parent.rglob("*")
        if p.is_file() and p.suffix in {".html", ".xml", ".json", ".md", ".txt"}
    ]
    for name in DEMO_REAL_NAMES:
        pattern = re.compile(re.escape(name), re.IGNORECASE)
        assert not pattern.search(docs), f"{name!r} in documents"
        assert not pattern.search(messages), f"{name!r} in messages"
        for text in published:
            assert not pattern.search(text), f"{name!r} published"


def test_runs_are_visible_to_the_dagster_instance(demo):
    home, _, _ = demo
    from dagster import DagsterInstance

    with DagsterInstance.from_config(str(home / "dagster")) as instance:
        runs = instance.get_runs()
        assert len(runs) >= 4  # two runs per write
        (group,) = instance.get_dynamic_partitions("groups")
        # The partitions are the days the export covers, in calendar order: nothing shows as missing.
        assert instance.get_dynamic_partitions("days") == [f"2026-09-{d:02d}" for d in range(1, 28)]
        daily = [r for r in runs if "egregora/days" in r.tags]
        assert daily and all(r.tags["egregora/days"] == "27" and r.tags["egregora/group"] == group for r in daily)
